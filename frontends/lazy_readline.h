/* GNU readline, loaded on first use: only the interactive shells (ecrlite pwsh, the
 * Lua REPL) read lines, and mapping readline and libtinfo cost ~0.5 ms of every
 * command's start (make bench). Include this instead of <readline/readline.h>: the
 * names below go through pointers filled by dlopen on the first use. */
#ifndef ECR_LAZY_READLINE_H
#define ECR_LAZY_READLINE_H
#include <stdio.h>
#include <readline/history.h>
#include <readline/readline.h>

/* functions, and variables (for those the table holds the variable's address) */
#define ECR_RL_FUNCS(X) \
	X(add_history) X(read_history) X(readline) X(rl_completion_matches) X(using_history) X(write_history)
#define ECR_RL_VARS(X) \
	X(rl_attempted_completion_function) X(rl_attempted_completion_over) \
	X(rl_basic_word_break_characters) X(rl_line_buffer) X(rl_readline_name)

struct ecr_rl_api {
#define ECR_RL_MEMBER(name) __typeof__(&name) name;
	ECR_RL_FUNCS(ECR_RL_MEMBER)
	ECR_RL_VARS(ECR_RL_MEMBER)
#undef ECR_RL_MEMBER
};

const struct ecr_rl_api *ecr_rl_api(void);

#ifndef ECR_LAZY_READLINE_IMPL
#define add_history (ecr_rl_api()->add_history)
#define read_history (ecr_rl_api()->read_history)
#define readline (ecr_rl_api()->readline)
#define rl_completion_matches (ecr_rl_api()->rl_completion_matches)
#define using_history (ecr_rl_api()->using_history)
#define write_history (ecr_rl_api()->write_history)
#define rl_attempted_completion_function (*ecr_rl_api()->rl_attempted_completion_function)
#define rl_attempted_completion_over (*ecr_rl_api()->rl_attempted_completion_over)
#define rl_basic_word_break_characters (*ecr_rl_api()->rl_basic_word_break_characters)
#define rl_line_buffer (*ecr_rl_api()->rl_line_buffer)
#define rl_readline_name (*ecr_rl_api()->rl_readline_name)
#endif

#endif
