/* Lua values ↔ JSON. Lua → JSON follows the operation's model shape when there is
 * one, so an empty table becomes [] or {} as the shape says, and a wrong type is named
 * with its field path. */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lua_fe.h"

/* How deep a Lua value may nest when it becomes JSON: a request is at most a few
 * levels; 64 leaves room for any JSON a script builds (README "Caps"). */
#define MAX_DEPTH 64

/* One conversion: what the messages name, and the tables on the path from the root to
 * the value being converted, so that a table containing itself is named, not followed. */
struct conv {
	lua_State *L;
	const char *fn;                /* function name for messages */
	int arg;                       /* argument number for messages */
	int build;                     /* 0: check only (may raise); 1: build (never raises) */
	const void *open[MAX_DEPTH + 1]; /* the tables being converted, outermost first */
};

static json_t *to_json(struct conv *c, int idx, int shape, const char *path, int depth);

static int fail(struct conv *c, const char *path, const char *want, int idx)
{
	lua_State *L = c->L;
	if (*path)
		return luaL_error(L, "bad argument #%d to '%s' (field '%s': %s expected, got %s)", c->arg, c->fn, path, want,
				  luaL_typename(L, idx));
	return luaL_error(L, "bad argument #%d to '%s' (%s expected, got %s)", c->arg, c->fn, want, luaL_typename(L, idx));
}

/* JSON text is UTF-8, a Lua string any bytes: jansson refuses other bytes by giving no
 * value, and the string (or the member it keys) would silently vanish from the
 * request. The check pass refuses it with the field's name instead. */
static void utf8_check(struct conv *c, int idx, const char *path, const char *what)
{
	lua_State *L = c->L;
	json_t *s = json_stringn(lua_tostring(L, idx), lua_rawlen(L, idx));
	if (s) {
		json_decref(s);
		return;
	}
	if (*path)
		luaL_error(L, "bad argument #%d to '%s' (%sfield '%s': a UTF-8 string expected, got other bytes)", c->arg,
			   c->fn, what, path);
	else
		luaL_error(L, "bad argument #%d to '%s' (%s%sa UTF-8 string expected, got other bytes)", c->arg, c->fn, what,
			   *what ? "the table: " : "");
}

static int is_sequence(lua_State *L, int idx)
{
	lua_Integer n = (lua_Integer)lua_rawlen(L, idx), count = 0;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		lua_pop(L, 1);
		if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > n) {
			lua_pop(L, 1);
			return 0;
		}
		count++;
	}
	return count == n;
}

static json_t *table(struct conv *c, int idx, int shape, const char *path, int depth)
{
	lua_State *L = c->L;
	const struct ecr_shape *sh = shape >= 0 ? &ecr_shapes[shape] : NULL;
	char sub[512];
	/* each level holds a key and a value on the Lua stack: make room before pushing
	 * (the check pass raises here; the build pass finds the room already made) */
	luaL_checkstack(L, 4, "a table nested too deeply");
	const void *self = lua_topointer(L, idx);
	for (int i = 0; i < depth; i++)
		if (c->open[i] == self) {
			if (*path)
				luaL_error(L, "bad argument #%d to '%s' (field '%s': the table contains itself)", c->arg, c->fn, path);
			else
				luaL_error(L, "bad argument #%d to '%s' (the table contains itself)", c->arg, c->fn);
			return NULL;
		}
	c->open[depth] = self;
	int as_list = sh ? sh->type == ECR_T_LIST : (lua_rawlen(L, idx) > 0 && is_sequence(L, idx));
	if (sh && sh->type != ECR_T_LIST && sh->type != ECR_T_STRUCT && sh->type != ECR_T_MAP) {
		fail(c, path, "a scalar", idx);
		return NULL;
	}
	if (as_list) {
		lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
		if (sh && !is_sequence(L, idx)) {
			fail(c, path, "list", idx);
			return NULL;
		}
		json_t *a = c->build ? json_array() : NULL;
		for (lua_Integer i = 1; i <= n; i++) {
			lua_rawgeti(L, idx, i);
			snprintf(sub, sizeof(sub), "%s[%lld]", path, (long long)i);
			json_t *e = to_json(c, lua_gettop(L), sh ? sh->member : -1, sub, depth + 1);
			if (c->build)
				json_array_append_new(a, e);
			lua_pop(L, 1);
		}
		return a;
	}
	json_t *o = c->build ? json_object() : NULL;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		if (lua_type(L, -2) != LUA_TSTRING) {
			lua_pop(L, 2);
			luaL_error(L, "bad argument #%d to '%s' (field '%s': keys must be strings)", c->arg, c->fn, *path ? path : "?");
			return NULL;
		}
		const char *k = lua_tostring(L, -2);
		if (!c->build)
			utf8_check(c, lua_gettop(L) - 1, path, "a key in ");
		int mshape = -1;
		if (sh && sh->type == ECR_T_STRUCT) {
			const struct ecr_member *m = ecr_model_member(sh, k);
			if (!m) {
				luaL_error(L, "bad argument #%d to '%s' (unknown field '%s%s%s')", c->arg, c->fn, path, *path ? "." : "", k);
				return NULL;
			}
			mshape = m->shape;
		} else if (sh && sh->type == ECR_T_MAP) {
			mshape = sh->value;
		}
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", k);
		json_t *e = to_json(c, lua_gettop(L), mshape, sub, depth + 1);
		if (c->build)
			json_object_set_new(o, k, e);
		lua_pop(L, 1);
	}
	return o;
}

static json_t *to_json(struct conv *c, int idx, int shape, const char *path, int depth)
{
	lua_State *L = c->L;
	const struct ecr_shape *sh = shape >= 0 ? &ecr_shapes[shape] : NULL;
	int build = c->build;
	if (depth > MAX_DEPTH) {
		luaL_error(L, "bad argument #%d to '%s' (nested too deeply: more than %d levels)", c->arg, c->fn, MAX_DEPTH);
		return NULL;
	}
	switch (lua_type(L, idx)) {
	case LUA_TTABLE:
		return table(c, idx, shape, path, depth);
	case LUA_TSTRING:
		if (sh && sh->type != ECR_T_STRING && sh->type != ECR_T_BLOB && sh->type != ECR_T_TIMESTAMP)
			break;
		if (!build) {
			utf8_check(c, idx, path, "");
			return NULL;
		}
		return json_stringn(lua_tostring(L, idx), lua_rawlen(L, idx));
	case LUA_TNUMBER:
		if (sh && sh->type != ECR_T_INTEGER && sh->type != ECR_T_LONG && sh->type != ECR_T_DOUBLE &&
		    sh->type != ECR_T_TIMESTAMP)
			break;
		/* JSON has no NaN or infinity (jansson would give no value, and the number
		   would silently vanish from the request): refuse it in the check pass */
		if (!lua_isinteger(L, idx) && !isfinite(lua_tonumber(L, idx))) {
			if (*path)
				luaL_error(L, "bad argument #%d to '%s' (field '%s': a finite number expected, got %s)", c->arg,
					   c->fn, path, luaL_tolstring(L, idx, NULL));
			else
				luaL_error(L, "bad argument #%d to '%s' (a finite number expected, got %s)", c->arg, c->fn,
					   luaL_tolstring(L, idx, NULL));
			return NULL;
		}
		if (!build)
			return NULL;
		if (lua_isinteger(L, idx))
			return json_integer((json_int_t)lua_tointeger(L, idx));
		return json_real(lua_tonumber(L, idx));
	case LUA_TBOOLEAN:
		if (sh && sh->type != ECR_T_BOOLEAN)
			break;
		return build ? json_boolean(lua_toboolean(L, idx)) : NULL;
	case LUA_TNIL:
		return build ? json_null() : NULL;
	default:
		break;
	}
	static const char *const names[] = {"table", "list", "table", "string", "integer", "integer",
					    "boolean", "timestamp", "string", "number"};
	fail(c, path, sh ? names[sh->type] : "string, number, boolean or table", idx);
	return NULL;
}

json_t *lecr_to_json(lua_State *L, int idx, int shape, const char *fn, int arg)
{
	/* two passes: the first may raise (longjmp) and allocates nothing, so an error
	 * leaks nothing; the second cannot fail */
	struct conv c = {.L = L, .fn = fn, .arg = arg, .build = 0};
	idx = lua_absindex(L, idx);
	to_json(&c, idx, shape, "", 0);
	c.build = 1;
	return to_json(&c, idx, shape, "", 0);
}

static void push_json(lua_State *L, json_t *v)
{
	size_t i;
	json_t *e;
	const char *k;
	luaL_checkstack(L, 4, "JSON nested too deeply");
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		lua_createtable(L, 0, (int)json_object_size(v));
		json_object_foreach(v, k, e) {
			push_json(L, e);
			lua_setfield(L, -2, k);
		}
		return;
	case JSON_ARRAY:
		lua_createtable(L, (int)json_array_size(v), 0);
		json_array_foreach(v, i, e) {
			push_json(L, e);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		return;
	case JSON_STRING:
		lua_pushlstring(L, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		lua_pushinteger(L, (lua_Integer)json_integer_value(v));
		return;
	case JSON_REAL:
		lua_pushnumber(L, json_real_value(v));
		return;
	case JSON_TRUE:
	case JSON_FALSE:
		lua_pushboolean(L, json_is_true(v));
		return;
	case JSON_NULL:
		lua_pushnil(L);
		return;
	}
}

static int push_protected(lua_State *L)
{
	push_json(L, lua_touserdata(L, 1));
	return 1;
}

void lecr_push_json(lua_State *L, json_t *v)
{
	/* protected, so that running out of Lua memory or stack half way (the memory
	 * limit, README "Caps") drops v before the error goes on, instead of leaking it */
	lua_pushcfunction(L, push_protected);
	lua_pushlightuserdata(L, v);
	int rc = lua_pcall(L, 1, 1, 0);
	json_decref(v);
	if (rc != LUA_OK)
		lua_error(L);
}
