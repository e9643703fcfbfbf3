/* ecrlite's own commands (push, version, …): thin wrappers over core calls. */
#ifndef CLI_H
#define CLI_H

int cli_push(int argc, char **argv);
int cli_version(int argc, char **argv);

#endif
