/* Runs a fuzz target over files and directories of inputs (the committed corpus):
 * what `make test` does with every target, so that an input that once crashed stays
 * a test. Prints how many inputs ran; a crash or a sanitizer report fails the run. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	char *buf = NULL;
	size_t n = 0, cap = 0, k;
	char chunk[65536];
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (n + k > cap)
			buf = realloc(buf, cap = (n + k) * 2);
		memcpy(buf + n, chunk, k);
		n += k;
	}
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)(buf ? buf : ""), n);
	free(buf);
	return 1;
}

static int run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st)) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	DIR *d = opendir(path);
	int count = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char sub[4096];
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		int r = run_path(sub);
		if (r < 0) {
			closedir(d);
			return -1;
		}
		count += r;
	}
	if (d)
		closedir(d);
	return count;
}

int main(int argc, char **argv)
{
	int total = 0;
	for (int i = 1; i < argc; i++) {
		int r = run_path(argv[i]);
		if (r < 0)
			return 1;
		total += r;
	}
	printf("%d inputs\n", total);
	return 0;
}
