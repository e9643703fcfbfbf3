/* The Lua frontend: the `ecr` module, the REPL and script runner, scan hooks. */
#ifndef LUA_FE_H
#define LUA_FE_H
#include <jansson.h>
#include <lua.h>

#include "ecr.h"

/* lua_json.c: a Lua value to JSON, guided by a model shape (or -1 for none); on a
 * value of the wrong type raises "bad argument #arg to 'fn' (field 'a.b': X expected,
 * got Y)". */
json_t *lecr_to_json(lua_State *L, int idx, int shape, const char *fn, int arg);
/* Pushes a JSON value as Lua (objects and arrays as tables, null as nil) and drops
 * the reference to v (also when it raises: out of Lua memory or stack). */
void lecr_push_json(lua_State *L, json_t *v);

/* lua_ecr.c: opens the `ecr` module on L, bound to ctx (borrowed; may be NULL: opened
 * on first use, with $AWS_REGION / $AWS_DEFAULT_REGION). */
int lecr_open(lua_State *L, struct ecr_ctx *ctx);
/* luaopen_ecr for package.preload */
int luaopen_ecr(lua_State *L);

/* lua_repl.c: `ecrlite lua …` */
int lecr_main(int argc, char **argv);
/* Runs code with a traceback handler; 0, or prints the error and returns 1. */
int lecr_docall(lua_State *L, int narg, int nres);
/* Sets package.path to find the shipped library (lua/) beside the executable. */
void lecr_set_path(lua_State *L);

/* lua_mem.c: Lua states whose memory is capped (README "Caps"): the default limit in
 * MiB, the limit $ECRLITE_LUA_MEMORY_MB asks for (0: none), a state with a limit in
 * bytes (0: none), and its close. */
#define LECR_MEMORY_MB 1024
size_t lecr_memory_limit(void);
lua_State *lecr_newstate(size_t limit);
void lecr_close(lua_State *L);

/* lua_hooks.c: the consumer that runs $ECRLITE_HOME/hooks/\*.lua on each scan event */
int lecr_hooks_consumer(void *ud, struct ecr_ctx *ctx, json_t *event, char **why);

#endif
