/* The Lua ↔ JSON conversions of the `ecr` module (frontends/lua/lua_json.c). The
 * first byte picks the mode:
 *   even: the rest is JSON, pushed as a Lua value and made JSON again, guided by no
 *         shape or by a model shape the second byte picks; oracle: once converted,
 *         converting again gives the same JSON (a fixed point).
 *   odd:  the rest is a Lua chunk (base, string, table and math only; 200,000
 *         instructions, 32 MiB) whose results are converted the same way, so that
 *         cycles, deep nesting, mixed keys and odd numbers reach the converter. */
#include <jansson.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "../../frontends/lua/lua_fe.h"
#include "fuzz.h"

static int g_shape;

static void count_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	luaL_error(L, "instruction budget spent");
}

/* [1] the value to convert: pushes its JSON as a light userdata (or raises) */
static int to_json(lua_State *L)
{
	json_t *j = lecr_to_json(L, 1, g_shape, "fuzz", 1);
	lua_pushlightuserdata(L, j);
	return 1;
}

static int push(lua_State *L)
{
	lecr_push_json(L, json_incref(lua_touserdata(L, 1)));
	return 1;
}

/* The value on top converted to JSON (new reference), or NULL when refused. */
static json_t *convert(lua_State *L)
{
	lua_pushcfunction(L, to_json);
	lua_insert(L, -2);
	if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
		lua_pop(L, 1);
		return NULL;
	}
	json_t *j = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return j;
}

/* Pushes j as Lua (1) or leaves the stack as it was (0, out of memory). */
static int to_lua(lua_State *L, json_t *j)
{
	lua_pushcfunction(L, push);
	lua_pushlightuserdata(L, j);
	if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
		lua_pop(L, 1);
		return 0;
	}
	return 1;
}

static void round_trip(lua_State *L)
{
	json_t *once = convert(L);
	if (!once)
		return;
	if (to_lua(L, once)) {
		json_t *twice = convert(L);
		if (twice && !json_equal(once, twice)) {
			char *a = json_dumps(once, JSON_ENCODE_ANY), *b = json_dumps(twice, JSON_ENCODE_ANY);
			fprintf(stderr, "not a fixed point:\n%s\n%s\n", a ? a : "?", b ? b : "?");
			abort();
		}
		json_decref(twice);
	}
	json_decref(once);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	int lua_mode = data[0] & 1;
	g_shape = data[1] % 4 ? -1 : (int)(data[1] / 4 % (unsigned)ecr_nshapes);
	lua_State *L = lecr_newstate(32u << 20);
	if (!L)
		return 0;
	luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	lua_settop(L, 0);
	if (lua_mode) {
		lua_sethook(L, count_hook, LUA_MASKCOUNT, 200000);
		if (luaL_loadbufferx(L, (const char *)data + 2, size - 2, "=fuzz", "t") == LUA_OK &&
		    lua_pcall(L, 0, 1, 0) == LUA_OK) {
			round_trip(L);
		}
	} else {
		json_t *j = json_loadb((const char *)data + 2, size - 2, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		if (j && to_lua(L, j))
			round_trip(L);
		json_decref(j);
	}
	lecr_close(L);
	return 0;
}
