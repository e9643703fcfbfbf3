/* CVSS v2 and v3.x scores from vectors, by the formulas of the FIRST specifications
 * (v2 §3.2, v3.0 §8, v3.1 §7 and Appendix A's Roundup). Each version is a table of
 * metrics (abbreviation, value letters, weights); the parser only fills indices into
 * it and the formulas read weights, so adding a metric is a row, not code.
 * Rounding: v3.1's Roundup works on integers as the specification's Appendix A asks
 * (floating-point noise cannot push 4.0 to 4.1); v3.0's ceiling and v2's half-up
 * rounding get a 1e-9 allowance for the same noise. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cvss.h"
#include "str.h"

#define MAX_VALUES 6

struct metric {
	const char *name;
	const char *codes[MAX_VALUES]; /* value letters; NULL-terminated */
	double w[MAX_VALUES];          /* weight of each value */
	int base;                      /* required in every vector */
};

/* v3: "X" (not defined) is always the first value of a non-base metric */
enum { AV, AC, PR, UI, S, C, I, A, E, RL, RC, CR, IR, AR, MAV, MAC, MPR, MUI, MS, MC, MI, MA, N3 };
static const struct metric V3[N3] = {
	[AV] = {"AV", {"N", "A", "L", "P"}, {0.85, 0.62, 0.55, 0.2}, 1},
	[AC] = {"AC", {"L", "H"}, {0.77, 0.44}, 1},
	[PR] = {"PR", {"N", "L", "H"}, {0.85, 0.62, 0.27}, 1}, /* scope-changed weights below */
	[UI] = {"UI", {"N", "R"}, {0.85, 0.62}, 1},
	[S] = {"S", {"U", "C"}, {0, 1}, 1},
	[C] = {"C", {"H", "L", "N"}, {0.56, 0.22, 0}, 1},
	[I] = {"I", {"H", "L", "N"}, {0.56, 0.22, 0}, 1},
	[A] = {"A", {"H", "L", "N"}, {0.56, 0.22, 0}, 1},
	[E] = {"E", {"X", "H", "F", "P", "U"}, {1, 1, 0.97, 0.94, 0.91}, 0},
	[RL] = {"RL", {"X", "U", "W", "T", "O"}, {1, 1, 0.97, 0.96, 0.95}, 0},
	[RC] = {"RC", {"X", "C", "R", "U"}, {1, 1, 0.96, 0.92}, 0},
	[CR] = {"CR", {"X", "H", "M", "L"}, {1, 1.5, 1, 0.5}, 0},
	[IR] = {"IR", {"X", "H", "M", "L"}, {1, 1.5, 1, 0.5}, 0},
	[AR] = {"AR", {"X", "H", "M", "L"}, {1, 1.5, 1, 0.5}, 0},
	/* modified metrics: value 0 (X) means "the base metric's value" */
	[MAV] = {"MAV", {"X", "N", "A", "L", "P"}, {0}, 0},
	[MAC] = {"MAC", {"X", "L", "H"}, {0}, 0},
	[MPR] = {"MPR", {"X", "N", "L", "H"}, {0}, 0},
	[MUI] = {"MUI", {"X", "N", "R"}, {0}, 0},
	[MS] = {"MS", {"X", "U", "C"}, {0}, 0},
	[MC] = {"MC", {"X", "H", "L", "N"}, {0}, 0},
	[MI] = {"MI", {"X", "H", "L", "N"}, {0}, 0},
	[MA] = {"MA", {"X", "H", "L", "N"}, {0}, 0},
};

enum { AV2, AC2, AU2, C2, I2, A2, E2, RL2, RC2, CDP2, TD2, CR2, IR2, AR2, N2 };
static const struct metric V2[N2] = {
	[AV2] = {"AV", {"L", "A", "N"}, {0.395, 0.646, 1.0}, 1},
	[AC2] = {"AC", {"H", "M", "L"}, {0.35, 0.61, 0.71}, 1},
	[AU2] = {"Au", {"M", "S", "N"}, {0.45, 0.56, 0.704}, 1},
	[C2] = {"C", {"N", "P", "C"}, {0, 0.275, 0.660}, 1},
	[I2] = {"I", {"N", "P", "C"}, {0, 0.275, 0.660}, 1},
	[A2] = {"A", {"N", "P", "C"}, {0, 0.275, 0.660}, 1},
	[E2] = {"E", {"U", "POC", "F", "H", "ND"}, {0.85, 0.9, 0.95, 1, 1}, 0},
	[RL2] = {"RL", {"OF", "TF", "W", "U", "ND"}, {0.87, 0.9, 0.95, 1, 1}, 0},
	[RC2] = {"RC", {"UC", "UR", "C", "ND"}, {0.9, 0.95, 1, 1}, 0},
	[CDP2] = {"CDP", {"N", "L", "LM", "MH", "H", "ND"}, {0, 0.1, 0.3, 0.4, 0.5, 0}, 0},
	[TD2] = {"TD", {"N", "L", "M", "H", "ND"}, {0, 0.25, 0.75, 1, 1}, 0},
	[CR2] = {"CR", {"L", "M", "H", "ND"}, {0.5, 1, 1.51, 1}, 0},
	[IR2] = {"IR", {"L", "M", "H", "ND"}, {0.5, 1, 1.51, 1}, 0},
	[AR2] = {"AR", {"L", "M", "H", "ND"}, {0.5, 1, 1.51, 1}, 0},
};

/* the part of a vector a message quotes: a message is read, it is not the vector */
#define QUOTE(n) ecr_str_quote((n), 256)

/* fills idx[] (value index per metric, -1 when absent) from "K:V/K:V…" */
static int parse(const char *s, const struct metric *m, int n, int *idx, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++)
		idx[i] = -1;
	while (*s) {
		const char *colon = strchr(s, ':'), *slash = strchr(s, '/');
		if (!slash)
			slash = s + strlen(s);
		if (!colon || colon > slash) {
			snprintf(err, errlen, "\"%.*s\" is not METRIC:VALUE", QUOTE((size_t)(slash - s)), s);
			return -1;
		}
		size_t kl = (size_t)(colon - s), vl = (size_t)(slash - colon - 1);
		int k = -1;
		for (int i = 0; i < n; i++)
			if (strlen(m[i].name) == kl && !memcmp(m[i].name, s, kl))
				k = i;
		if (k < 0) {
			snprintf(err, errlen, "unknown metric %.*s", QUOTE(kl), s);
			return -1;
		}
		if (idx[k] >= 0) {
			snprintf(err, errlen, "metric %s given twice", m[k].name);
			return -1;
		}
		for (int v = 0; v < MAX_VALUES && m[k].codes[v]; v++)
			if (strlen(m[k].codes[v]) == vl && !memcmp(m[k].codes[v], colon + 1, vl))
				idx[k] = v;
		if (idx[k] < 0) {
			snprintf(err, errlen, "metric %s has no value %.*s", m[k].name, QUOTE(vl), colon + 1);
			return -1;
		}
		s = *slash ? slash + 1 : slash;
		if (*s == '\0' && *slash) {
			snprintf(err, errlen, "the vector ends with '/'");
			return -1;
		}
	}
	for (int i = 0; i < n; i++)
		if (m[i].base && idx[i] < 0) {
			snprintf(err, errlen, "base metric %s missing", m[i].name);
			return -1;
		}
	return 0;
}

/* v3.1 Appendix A: the smallest one-decimal number >= x, computed on integers */
static double roundup31(double x)
{
	long long i = llround(x * 100000);
	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (double)(i / 10000 + 1) / 10.0;
}

static double roundup30(double x)
{
	return ceil(x * 10 - 1e-9) / 10;
}

static double round1(double x)
{
	return floor(x * 10 + 0.5 + 1e-9) / 10;
}

static double min(double a, double b)
{
	return a < b ? a : b;
}

static double pr_weight(int v, int changed)
{
	static const double u[] = {0.85, 0.62, 0.27}, c[] = {0.85, 0.68, 0.5};
	return changed ? c[v] : u[v];
}

static void score3(const int *x, int minor, struct ecr_cvss *o)
{
	double (*up)(double) = minor == 1 ? roundup31 : roundup30;
#define W(k) V3[k].w[x[k] < 0 ? 0 : x[k]]
	int changed = x[S] == 1;
	double iss = 1 - (1 - W(C)) * (1 - W(I)) * (1 - W(A));
	double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15) : 6.42 * iss;
	double expl = 8.22 * W(AV) * W(AC) * pr_weight(x[PR], changed) * W(UI);
	o->base = impact <= 0 ? 0 : up(min((changed ? 1.08 : 1) * (impact + expl), 10));
	double t = W(E) * W(RL) * W(RC);
	o->temporal = up(o->base * t);
	/* modified metrics: X takes the base metric's value; index i of a modified metric is
	 * index i-1 of its base metric */
	static const int mod[][2] = {{MAV, AV}, {MAC, AC}, {MPR, PR}, {MUI, UI}, {MS, S}, {MC, C}, {MI, I}, {MA, A}};
	int m[N3];
	memcpy(m, x, sizeof(m));
	for (size_t i = 0; i < sizeof(mod) / sizeof(mod[0]); i++)
		m[mod[i][1]] = x[mod[i][0]] > 0 ? x[mod[i][0]] - 1 : x[mod[i][1]];
#undef W
#define MW(k) V3[k].w[m[k] < 0 ? 0 : m[k]]
	int mchanged = m[S] == 1;
	double miss = min(1 - (1 - MW(CR) * MW(C)) * (1 - MW(IR) * MW(I)) * (1 - MW(AR) * MW(A)), 0.915);
	double mimpact = !mchanged ? 6.42 * miss
		: minor == 1       ? 7.52 * (miss - 0.029) - 3.25 * pow(miss * 0.9731 - 0.02, 13)
				   : 7.52 * (miss - 0.029) - 3.25 * pow(miss - 0.02, 15);
	double mexpl = 8.22 * MW(AV) * MW(AC) * pr_weight(m[PR], mchanged) * MW(UI);
#undef MW
	o->environmental = mimpact <= 0 ? 0 : up(up(min((mchanged ? 1.08 : 1) * (mimpact + mexpl), 10)) * t);
	o->has_temporal = o->has_environmental = 1;
}

static void score2(const int *x, struct ecr_cvss *o)
{
	double w[N2];
	for (int k = 0; k < N2; k++) {
		int v = x[k];
		if (v < 0) { /* absent: ND, the last value */
			v = 0;
			while (v + 1 < MAX_VALUES && V2[k].codes[v + 1])
				v++;
		}
		w[k] = V2[k].w[v];
	}
	double expl = 20 * w[AV2] * w[AC2] * w[AU2];
	double impact = 10.41 * (1 - (1 - w[C2]) * (1 - w[I2]) * (1 - w[A2]));
	o->base = round1((0.6 * impact + 0.4 * expl - 1.5) * (impact == 0 ? 0 : 1.176));
	double t = w[E2] * w[RL2] * w[RC2];
	o->has_temporal = x[E2] >= 0 || x[RL2] >= 0 || x[RC2] >= 0;
	o->temporal = o->has_temporal ? round1(o->base * t) : 0;
	o->has_environmental = x[CDP2] >= 0 || x[TD2] >= 0 || x[CR2] >= 0 || x[IR2] >= 0 || x[AR2] >= 0;
	double adj = min(10, 10.41 * (1 - (1 - w[C2] * w[CR2]) * (1 - w[I2] * w[IR2]) * (1 - w[A2] * w[AR2])));
	double adjbase = round1((0.6 * adj + 0.4 * expl - 1.5) * (adj == 0 ? 0 : 1.176));
	double adjtemp = round1(adjbase * t);
	o->environmental = o->has_environmental ? round1((adjtemp + (10 - adjtemp) * w[CDP2]) * w[TD2]) : 0;
}

int ecr_cvss_score(const char *vector, struct ecr_cvss *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!vector || !*vector) {
		snprintf(err, errlen, "empty CVSS vector");
		return -1;
	}
	int x[(int)N3 > (int)N2 ? (int)N3 : (int)N2];
	if (!strncmp(vector, "CVSS:3.0/", 9) || !strncmp(vector, "CVSS:3.1/", 9)) {
		int minor = vector[7] - '0';
		if (parse(vector + 9, V3, N3, x, err, errlen))
			return -1;
		out->version = 30 + minor;
		score3(x, minor, out);
		return 0;
	}
	if (!strncmp(vector, "CVSS:4.0/", 9)) {
		snprintf(err, errlen, "CVSS 4.0 vectors are not scored");
		return -1;
	}
	if (!strncmp(vector, "CVSS:", 5)) {
		snprintf(err, errlen, "unknown CVSS version in \"%.12s\"", vector);
		return -1;
	}
	/* v2 vectors carry no prefix; NVD sometimes wraps them in parentheses */
	char buf[256];
	size_t n = strlen(vector);
	if (vector[0] == '(' && n > 2 && vector[n - 1] == ')' && n - 2 < sizeof(buf)) {
		memcpy(buf, vector + 1, n - 2);
		buf[n - 2] = '\0';
		vector = buf;
	}
	if (parse(vector, V2, N2, x, err, errlen))
		return -1;
	out->version = 2;
	score2(x, out);
	return 0;
}

const char *ecr_cvss_rating(double s)
{
	return s <= 0 ? "NONE" : s < 4 ? "LOW" : s < 7 ? "MEDIUM" : s < 9 ? "HIGH" : "CRITICAL";
}
