/* Lua values ↔ JSON. Lua → JSON follows the operation's model shape when there is
 * one, so an empty table becomes [] or {} as the shape says, and a wrong type is named
 * with its field path. */
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "lua_fe.h"

static json_t *to_json(lua_State *L, int idx, int shape, const char *fn, int arg, const char *path, int depth, int build);

static int fail(lua_State *L, const char *fn, int arg, const char *path, const char *want, int idx)
{
	if (*path)
		return luaL_error(L, "bad argument #%d to '%s' (field '%s': %s expected, got %s)", arg, fn, path, want,
				  luaL_typename(L, idx));
	return luaL_error(L, "bad argument #%d to '%s' (%s expected, got %s)", arg, fn, want, luaL_typename(L, idx));
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

static json_t *table(lua_State *L, int idx, int shape, const char *fn, int arg, const char *path, int depth, int build)
{
	const struct ecr_shape *sh = shape >= 0 ? &ecr_shapes[shape] : NULL;
	int as_list = sh ? sh->type == ECR_T_LIST : (lua_rawlen(L, idx) > 0 && is_sequence(L, idx));
	char sub[512];
	if (sh && sh->type != ECR_T_LIST && sh->type != ECR_T_STRUCT && sh->type != ECR_T_MAP) {
		fail(L, fn, arg, path, "a scalar", idx);
		return NULL;
	}
	if (as_list) {
		lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
		if (sh && !is_sequence(L, idx)) {
			fail(L, fn, arg, path, "list", idx);
			return NULL;
		}
		json_t *a = build ? json_array() : NULL;
		for (lua_Integer i = 1; i <= n; i++) {
			lua_rawgeti(L, idx, i);
			snprintf(sub, sizeof(sub), "%s[%lld]", path, (long long)i);
			json_t *e = to_json(L, lua_gettop(L), sh ? sh->member : -1, fn, arg, sub, depth + 1, build);
			if (build)
				json_array_append_new(a, e);
			lua_pop(L, 1);
		}
		return a;
	}
	json_t *o = build ? json_object() : NULL;
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		if (lua_type(L, -2) != LUA_TSTRING) {
			lua_pop(L, 2);
			luaL_error(L, "bad argument #%d to '%s' (field '%s': keys must be strings)", arg, fn, *path ? path : "?");
			return NULL;
		}
		const char *k = lua_tostring(L, -2);
		int mshape = -1;
		if (sh && sh->type == ECR_T_STRUCT) {
			const struct ecr_member *m = ecr_model_member(sh, k);
			if (!m) {
				luaL_error(L, "bad argument #%d to '%s' (unknown field '%s%s%s')", arg, fn, path, *path ? "." : "", k);
				return NULL;
			}
			mshape = m->shape;
		} else if (sh && sh->type == ECR_T_MAP) {
			mshape = sh->value;
		}
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", k);
		json_t *e = to_json(L, lua_gettop(L), mshape, fn, arg, sub, depth + 1, build);
		if (build)
			json_object_set_new(o, k, e);
		lua_pop(L, 1);
	}
	return o;
}

static json_t *to_json(lua_State *L, int idx, int shape, const char *fn, int arg, const char *path, int depth, int build)
{
	const struct ecr_shape *sh = shape >= 0 ? &ecr_shapes[shape] : NULL;
	if (depth > 64) {
		luaL_error(L, "bad argument #%d to '%s' (nested too deeply)", arg, fn);
		return NULL;
	}
	switch (lua_type(L, idx)) {
	case LUA_TTABLE:
		return table(L, idx, shape, fn, arg, path, depth, build);
	case LUA_TSTRING:
		if (sh && sh->type != ECR_T_STRING && sh->type != ECR_T_BLOB && sh->type != ECR_T_TIMESTAMP)
			break;
		return build ? json_stringn(lua_tostring(L, idx), lua_rawlen(L, idx)) : NULL;
	case LUA_TNUMBER:
		if (sh && sh->type != ECR_T_INTEGER && sh->type != ECR_T_LONG && sh->type != ECR_T_DOUBLE &&
		    sh->type != ECR_T_TIMESTAMP)
			break;
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
	fail(L, fn, arg, path, sh ? names[sh->type] : "string, number, boolean or table", idx);
	return NULL;
}

json_t *lecr_to_json(lua_State *L, int idx, int shape, const char *fn, int arg)
{
	/* two passes: the first may raise (longjmp) and allocates nothing, so an error
	 * leaks nothing; the second cannot fail */
	idx = lua_absindex(L, idx);
	to_json(L, idx, shape, fn, arg, "", 0, 0);
	return to_json(L, idx, shape, fn, arg, "", 0, 1);
}

void lecr_push_json(lua_State *L, json_t *v)
{
	size_t i;
	json_t *e;
	const char *k;
	luaL_checkstack(L, 4, "JSON nested too deeply");
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		lua_createtable(L, 0, (int)json_object_size(v));
		json_object_foreach(v, k, e) {
			lecr_push_json(L, e);
			lua_setfield(L, -2, k);
		}
		return;
	case JSON_ARRAY:
		lua_createtable(L, (int)json_array_size(v), 0);
		json_array_foreach(v, i, e) {
			lecr_push_json(L, e);
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
