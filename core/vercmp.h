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

/* The comparator for a package format name ("dpkg", "apk", "rpm"), or NULL. */
typedef int (*ecr_vercmp_fn)(const char *a, const char *b);
ecr_vercmp_fn ecr_vercmp_for(const char *format);

#endif
