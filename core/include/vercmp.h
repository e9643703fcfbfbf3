/* Version ordering, each distribution's own. Each returns <0, 0 or >0. */
#ifndef ECR_VERCMP_H
#define ECR_VERCMP_H

/* dpkg: [epoch:]upstream[-revision], '~' before everything, letters before others. */
int ecr_vercmp_dpkg(const char *a, const char *b);
/* apk-tools 2.x: digits, letters, _alpha/_beta/_pre/_rc < none < _cvs/_svn/_git/_hg/_p,
 * -rN; a version it cannot tokenize compares as a plain string, as apk does. */
int ecr_vercmp_apk(const char *a, const char *b);
/* rpm: [epoch:]version[-release] compared with rpmvercmp ('~' and '^' included). */
int ecr_vercmp_rpm(const char *a, const char *b);

/* Language ecosystems (OSV's PyPI, npm, Go, Maven); each is a total order: a string the
 * ecosystem would refuse sorts below every valid version (see each file's header). */
/* PEP 440, as pypa/packaging compares (epoch, release, pre, post, dev, local). */
int ecr_vercmp_pypi(const char *a, const char *b);
/* SemVer 2.0 as node-semver compares in loose mode ("v1.2.3", "=1.2.3" accepted). */
int ecr_vercmp_npm(const char *a, const char *b);
/* golang.org/x/mod/semver (v1, v1.2 shorthands, +incompatible ignored); "v" optional. */
int ecr_vercmp_go(const char *a, const char *b);
/* Maven's ComparableVersion (Maven 4 rules). */
int ecr_vercmp_maven(const char *a, const char *b);

/* PEP 503 name normalisation: lower case, runs of "-_." one "-"; out holds
 * strlen(name) + 1 bytes. */
void ecr_pypi_normalize(const char *name, char *out);

/* The comparator for a package format or ecosystem name ("dpkg", "apk", "rpm", "pypi",
 * "npm", "go", "maven"; OSV's spellings "PyPI", "Go", "Maven" too), or NULL. */
typedef int (*ecr_vercmp_fn)(const char *a, const char *b);
ecr_vercmp_fn ecr_vercmp_for(const char *format);

#endif
