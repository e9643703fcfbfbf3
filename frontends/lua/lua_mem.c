/* Lua states with a memory limit: an allocator that counts the bytes Lua holds and
 * refuses past the limit, so a runaway script gets Lua's own "not enough memory"
 * error (after an emergency collection) instead of taking the machine's memory. */
#include <errno.h>
#include <lauxlib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lua_fe.h"

struct budget {
	size_t used;   /* bytes Lua holds now */
	size_t limit;  /* refuse an allocation that would pass this (0: no limit) */
};

static void *alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct budget *b = ud;
	if (!ptr)
		osize = 0; /* then osize is the kind of object, not a size */
	if (nsize == 0) {
		free(ptr);
		b->used -= osize;
		return NULL;
	}
	if (b->limit && nsize > osize && nsize - osize > b->limit - b->used)
		return NULL; /* Lua collects and retries, then raises "not enough memory" */
	void *p = realloc(ptr, nsize);
	if (p)
		b->used = b->used - osize + nsize;
	return p;
}

static int panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);
	fprintf(stderr, "ecrlite lua: unprotected error: %s\n", msg ? msg : "(not a string)");
	return 0; /* then Lua aborts */
}

size_t lecr_memory_limit(void)
{
	const char *v = getenv("ECRLITE_LUA_MEMORY_MB");
	char *end;
	if (!v || !*v)
		return (size_t)LECR_MEMORY_MB << 20;
	errno = 0;
	unsigned long long mb = strtoull(v, &end, 10);
	if (errno || *end || mb > (SIZE_MAX >> 20) || v[0] == '-') {
		fprintf(stderr, "ecrlite lua: ignoring ECRLITE_LUA_MEMORY_MB='%s' (want a number of MiB; 0 for no limit)\n", v);
		return (size_t)LECR_MEMORY_MB << 20;
	}
	return (size_t)mb << 20;
}

lua_State *lecr_newstate(size_t limit)
{
	struct budget *b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->limit = limit;
	lua_State *L = lua_newstate(alloc, b);
	if (!L) {
		free(b);
		return NULL;
	}
	lua_atpanic(L, panic);
	return L;
}

void lecr_close(lua_State *L)
{
	void *b = NULL;
	lua_getallocf(L, &b);
	lua_close(L);
	free(b);
}
