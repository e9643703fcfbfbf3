/* The `ecr` Lua module: one function per row of the core operations table (named in
 * snake_case, taking and returning tables shaped like ECR's requests and responses),
 * plus the helpers workflows need. No ECR rules live here. */
#include <ctype.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecr.h"
#include "timefmt.h"
#include "lua_fe.h"
#include "../config.h"
#include "../lib/fe_json.h"
#include "../lib/fe_pages.h"
#include "../lib/fe_wait.h"

#define CTX_META "ecrlite.ctx"
#define ERR_META "ecrlite.error"
#define PAGES_META "ecrlite.pages"

struct lctx {
	struct ecr_ctx *ctx;  /* the core context */
	int owned;            /* opened here: closed by __gc */
	char region[32];      /* region asked for before the context opened */
	char profile[128];    /* profile asked for before the context opened */
};

static struct lctx *getctx(lua_State *L)
{
	struct lctx *c = lua_touserdata(L, lua_upvalueindex(1));
	if (!c->ctx) {
		struct ecr_err err = {0};
		/* region and profile as every frontend resolves them */
		char *r = fe_region(c->region[0] ? c->region : NULL, c->profile[0] ? c->profile : NULL);
		struct ecr_ctx *ctx = NULL;
		int rc = fe_ctx_open(&ctx, r, &err);
		free(r);
		if (rc) /* nothing kept half-set up: the next call meets the same error */
			luaL_error(L, "ecrlite: %s", err.message);
		c->ctx = ctx;
		c->owned = 1;
	}
	return c;
}

static int ctx_gc(lua_State *L)
{
	struct lctx *c = luaL_checkudata(L, 1, CTX_META);
	if (c->owned)
		ecr_ctx_free(c->ctx);
	c->ctx = NULL;
	return 0;
}

/* Raises the error object {code, message, operation}; tostring gives the CLI's words. */
static int raise(lua_State *L, const char *op, const struct ecr_err *err)
{
	fe_exit_if_fatal(err);
	lua_createtable(L, 0, 3);
	lua_pushstring(L, ecr_err_name(err));
	lua_setfield(L, -2, "code");
	lua_pushstring(L, err->message);
	lua_setfield(L, -2, "message");
	lua_pushstring(L, op);
	lua_setfield(L, -2, "operation");
	luaL_setmetatable(L, ERR_META);
	return lua_error(L);
}

static int err_tostring(lua_State *L)
{
	lua_getfield(L, 1, "code");
	struct ecr_err own = {.code = ecr_err_code_by_name(luaL_optstring(L, -1, ""))};
	if (ecr_err_own(&own)) { /* ecrlite's own condition, as every frontend shows it */
		lua_getfield(L, 1, "message");
		lua_pushfstring(L, "ecrlite: %s", lua_tostring(L, -1));
		return 1;
	}
	lua_getfield(L, 1, "operation");
	lua_getfield(L, 1, "message");
	lua_pushfstring(L, "An error occurred (%s) when calling the %s operation: %s", lua_tostring(L, -3),
			lua_tostring(L, -2), lua_tostring(L, -1));
	return 1;
}

/* Runs op with the table at arg (or an empty request), pushes the response. */
static int call(lua_State *L, const char *op, int arg, const char *fn)
{
	struct lctx *c = getctx(L);
	const struct ecr_op_model *m = ecr_model_op(op);
	struct ecr_err err = {0};
	json_t *req, *resp = NULL;
	if (lua_isnoneornil(L, arg))
		req = json_object();
	else {
		luaL_checktype(L, arg, LUA_TTABLE);
		req = lecr_to_json(L, arg, m ? m->input : -1, fn, arg);
	}
	int rc = ecr_call(c->ctx, op, req, &resp, &err);
	json_decref(req);
	fe_notices(c->ctx, "ecrlite: warning: ");
	if (rc)
		return raise(L, op, &err);
	lecr_push_json(L, resp);
	return 1;
}

static int op_closure(lua_State *L)
{
	const char *op = lua_tostring(L, lua_upvalueindex(2));
	const char *fn = lua_tostring(L, lua_upvalueindex(3));
	return call(L, op, 1, fn);
}

/* StartImageScan → start_image_scan */
static void snake(const char *camel, char *out, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; camel[i] && o + 2 < n; i++) {
		if (isupper((unsigned char)camel[i]) && i)
			out[o++] = '_';
		out[o++] = (char)tolower((unsigned char)camel[i]);
	}
	out[o] = '\0';
}

/* ecr.region([name]): gets or sets the region calls go to. */
static int l_region(lua_State *L)
{
	struct lctx *c = lua_touserdata(L, lua_upvalueindex(1));
	if (!lua_isnoneornil(L, 1)) {
		const char *r = luaL_checkstring(L, 1);
		struct ecr_err err = {0};
		/* a refused name changes nothing: calls stay in the region they had */
		if (ecr_region_check(r, &err))
			return raise(L, "SetRegion", &err);
		if (c->ctx)
			ecr_ctx_set_region(c->ctx, r, &err);
		snprintf(c->region, sizeof(c->region), "%s", r);
	}
	lua_pushstring(L, ecr_ctx_region(getctx(L)->ctx));
	return 1;
}

/* ecr.profile(name): the AWS profile whose region applies (before the first call) */
static int l_profile(lua_State *L)
{
	struct lctx *c = lua_touserdata(L, lua_upvalueindex(1));
	snprintf(c->profile, sizeof(c->profile), "%s", luaL_checkstring(L, 1));
	if (c->ctx) {
		char *r = fe_region(c->region[0] ? c->region : NULL, c->profile);
		struct ecr_err err = {0};
		int rc = ecr_ctx_set_region(c->ctx, r ? r : ECR_DEFAULT_REGION, &err);
		free(r);
		if (rc)
			return raise(L, "SetProfile", &err);
	}
	return 0;
}

/* ecr.push(archive, "repo[:tag]"), or ecr.push{archive=, repositoryName=, imageTag=}
 * as the Push row takes it */
static int l_push(lua_State *L)
{
	if (lua_istable(L, 1))
		return call(L, "Push", 1, "ecr.push");
	const char *archive = luaL_checkstring(L, 1), *target = luaL_checkstring(L, 2);
	lua_settop(L, 2);
	lua_createtable(L, 0, 3);
	lua_pushstring(L, archive);
	lua_setfield(L, -2, "archive");
	const char *colon = strrchr(target, ':');
	if (colon && !strchr(colon, '/')) {
		lua_pushlstring(L, target, (size_t)(colon - target));
		lua_setfield(L, -2, "repositoryName");
		lua_pushstring(L, colon + 1);
		lua_setfield(L, -2, "imageTag");
	} else {
		lua_pushstring(L, target);
		lua_setfield(L, -2, "repositoryName");
	}
	return call(L, "Push", 3, "ecr.push");
}

/* ecr.parse_ref("repo[:tag|@digest]") → repositoryName, imageId (the core's parser) */
static int l_parse_ref(lua_State *L)
{
	json_t *r = ecr_image_ref_parse(luaL_checkstring(L, 1));
	if (!r)
		return luaL_error(L, "out of memory");
	lua_pushstring(L, json_string_value(json_object_get(r, "repositoryName")));
	lecr_push_json(L, json_incref(json_object_get(r, "imageId")));
	json_decref(r);
	return 2;
}

/* ecr.paginate(op, request): an iterator over the items of every page, each page
 * fetched when the one before is used up (fe_pages: the loop every frontend pages with) */
struct lpages {
	struct fe_pages p;   /* the cursor */
	int open;            /* p was initialised (the first page was asked for) */
};

static int pages_gc(lua_State *L)
{
	struct lpages *u = luaL_checkudata(L, 1, PAGES_META);
	if (u->open)
		fe_pages_release(&u->p);
	u->open = 0;
	return 0;
}

/* one page from the core; its notices shown as every call's are */
struct page_call {
	struct ecr_ctx *ctx; /* the module's context */
	struct ecr_err err;  /* why the call failed */
};

static int page_call(void *arg, const char *op, json_t *req, json_t **resp_out)
{
	struct page_call *pc = arg;
	int rc = ecr_call(pc->ctx, op, req, resp_out, &pc->err);
	fe_notices(pc->ctx, "ecrlite: warning: ");
	return rc;
}

static int paginate_next(lua_State *L)
{
	/* upvalues: 1 ctx, 2 op name, 3 request, 4 current items, 5 index, 6 the cursor */
	struct lpages *u = lua_touserdata(L, lua_upvalueindex(6));
	for (;;) {
		lua_Integer i = lua_tointeger(L, lua_upvalueindex(5));
		if (lua_type(L, lua_upvalueindex(4)) == LUA_TTABLE) {
			lua_rawgeti(L, lua_upvalueindex(4), i + 1);
			if (!lua_isnil(L, -1)) {
				lua_pushinteger(L, i + 1);
				lua_replace(L, lua_upvalueindex(5));
				return 1;
			}
			lua_pop(L, 1);
		}
		const char *op = lua_tostring(L, lua_upvalueindex(2));
		struct page_call pc = {.ctx = getctx(L)->ctx};
		if (!u->open) { /* the request is read when the first page is asked for */
			lua_pushvalue(L, lua_upvalueindex(3));
			json_t *req = lecr_to_json(L, lua_gettop(L), ecr_model_op(op)->input, op, 1);
			lua_pop(L, 1);
			int bad = fe_pages_init(&u->p, op, req, NULL);
			json_decref(req);
			u->open = 1;
			if (bad)
				return luaL_error(L, "out of memory");
		}
		json_t *page;
		int r = fe_pages_next(&u->p, page_call, &pc, &page);
		if (r == FE_PAGES_END)
			return 0;
		if (r == FE_PAGES_FAILED)
			return raise(L, op, &pc.err);
		if (r == FE_PAGES_REPEATED)
			return luaL_error(L, "ecrlite: error during pagination: the same next token was received twice: '%s'",
					  u->p.repeated);
		/* the items of every result key (dotted paths), in the paginator's order, as
		 * botocore's full result aggregates them: DescribeImageScanFindings has two,
		 * findings (basic) and enhancedFindings (ENHANCED), and a page holds one */
		json_t *items = json_array();
		for (const char *const *k = u->p.pg->result_keys; items && *k; k++) {
			json_t *list = fe_json_path(page, *k);
			if (json_is_array(list) && json_array_extend(items, list)) {
				json_decref(items);
				items = NULL;
			}
		}
		json_decref(page);
		if (!items)
			return luaL_error(L, "out of memory");
		lecr_push_json(L, items); /* takes items */
		lua_replace(L, lua_upvalueindex(4));
		lua_pushinteger(L, 0);
		lua_replace(L, lua_upvalueindex(5));
	}
}

static int l_paginate(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	char camel[128];
	/* accept "describe_images" or "DescribeImages" */
	size_t o = 0;
	int up = 1;
	for (const char *p = name; *p && o < sizeof(camel) - 1; p++) {
		if (*p == '_') {
			up = 1;
			continue;
		}
		camel[o++] = up ? (char)toupper((unsigned char)*p) : *p;
		up = 0;
	}
	camel[o] = '\0';
	const struct ecr_op_model *m = ecr_model_op(camel);
	if (!m || !m->pager)
		return luaL_argerror(L, 1, "not a paginated operation");
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushstring(L, camel);
	/* a copy of the request: the iterator writes nextToken into it */
	lua_newtable(L);
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		lua_pushnil(L);
		while (lua_next(L, 2)) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_settable(L, -4);
		}
	}
	lua_pushnil(L);
	lua_pushinteger(L, 0);
	struct lpages *u = lua_newuserdatauv(L, sizeof(*u), 0);
	u->open = 0;
	luaL_setmetatable(L, PAGES_META);
	lua_pushcclosure(L, paginate_next, 6);
	return 1;
}

static int l_json_encode(lua_State *L)
{
	luaL_checkany(L, 1);
	json_t *j = lecr_to_json(L, 1, -1, "json.encode", 1);
	/* the fewest digits that read back (9.8, not jansson's 9.8000000000000007), as
	 * Lua's own %.14g would not guarantee; bounded by the Lua state's memory cap */
	char *s = fe_json_compact(j, lecr_memory_limit() ? lecr_memory_limit() : (size_t)-1 / 2);
	json_decref(j);
	if (!s)
		return luaL_error(L, "not enough memory"); /* as Lua says it */
	lua_pushstring(L, s);
	free(s);
	return 1;
}

static int l_json_decode(lua_State *L)
{
	size_t n;
	const char *s = luaL_checklstring(L, 1, &n);
	json_error_t je;
	json_t *j = json_loadb(s, n, JSON_DECODE_ANY, &je);
	if (!j) {
		lua_pushnil(L);
		lua_pushfstring(L, "invalid JSON at line %d column %d: %s", je.line, je.column, je.text);
		return 2;
	}
	lecr_push_json(L, j);
	return 1;
}

static int l_iso(lua_State *L)
{
	char s[64];
	ecr_time_iso_utc(luaL_checknumber(L, 1), s, sizeof(s));
	lua_pushstring(L, s);
	return 1;
}

/* ecr.now(): the registry's clock ($ECRLITE_NOW when set), epoch seconds */
static int l_now(lua_State *L)
{
	lua_pushnumber(L, ecr_ctx_now(getctx(L)->ctx));
	return 1;
}

/* accept(waiter, response): the state of the waiter's first acceptor the response
 * meets (fe_wait_match: the model's rows, read as the aws waiter reads them), or nil */
static int l_accept(lua_State *L)
{
	const struct ecr_waiter *w = fe_waiter(luaL_checkstring(L, 1));
	if (!w)
		return luaL_argerror(L, 1, "no such waiter");
	luaL_checktype(L, 2, LUA_TTABLE);
	json_t *r = lecr_to_json(L, 2, -1, "accept", 2);
	const struct ecr_acceptor *a = fe_wait_match(w, r);
	json_decref(r);
	if (!a)
		return 0;
	lua_pushstring(L, a->state);
	return 1;
}

static int l_sleep(lua_State *L)
{
	double s = luaL_checknumber(L, 1);
	if (s > 0)
		usleep((useconds_t)(s * 1e6));
	return 0;
}

/* Helpers written in Lua on top of the closures above (they hold no ECR rules). */
static const char helpers[] =
	/* fn_of: each operation's function name by the model's name; accept: l_accept */
	"local ecr, fn_of, accept = ...\n"
	/* ecr.severities and ecr.waiters come from the core (lecr_open): no copy here */
	"local order = {}\n"
	"for i, s in ipairs(ecr.severities) do order[s] = i end\n"
	"function ecr.severity_rank(s) return order[s] or #ecr.severities end\n"
	/* a COMPLETE scan that no imported data covered (core/scan.h) */
	"function ecr.no_data(status)\n"
	"  local d = type(status) == 'table' and status.description\n"
	"  return type(d) == 'string' and d:find('" ECR_SCAN_NO_DATA_TEXT "', 1, true) ~= nil\n"
	"end\n"
	"local function image_id(id)\n"
	"  if type(id) == 'string' then\n"
	"    if id:match('^sha256:') then return {imageDigest=id} end\n"
	"    return {imageTag=id}\n"
	"  end\n"
	"  if type(id) ~= 'table' then error(\"bad argument #2 (image id: tag, digest or {imageTag=...|imageDigest=...} expected, got \" .. type(id) .. ')', 3) end\n"
	"  return id\n"
	"end\n"
	"ecr.image_id = image_id\n"
	/* the model's ImageScanComplete waiter: its operation, delay, attempts and
	 * acceptors (fe_wait); a scan not there yet is polled on (ecrlite's own) */
	"function ecr.wait_scan(repo, id, opts)\n"
	"  if type(repo) ~= 'string' then error(\"bad argument #1 to 'wait_scan' (string expected, got \" .. type(repo) .. ')', 2) end\n"
	"  opts = opts or {}\n"
	"  local w = ecr.waiters.ImageScanComplete\n"
	"  local delay, max = opts.delay or w.delay, opts.max_attempts or w.max_attempts\n"
	"  for attempt = 1, max do\n"
	"    local ok, r = pcall(ecr[fn_of[w.operation]], {repositoryName=repo, imageId=image_id(id), maxResults=1})\n"
	"    if not ok then\n"
	"      if type(r) ~= 'table' or r.code ~= 'ScanNotFoundException' then error(r, 0) end\n"
	"    else\n"
	"      local s, state = r.imageScanStatus.status, accept('ImageScanComplete', r)\n"
	"      if state == 'success' then return r end\n"
	"      if state == 'failure' then return nil, r.imageScanStatus.description, s end\n"
	/* the model's waiter polls on through UNSUPPORTED_IMAGE, which is final: ecrlite's own stop */
	"      if s == 'UNSUPPORTED_IMAGE' then return nil, r.imageScanStatus.description, s end\n"
	"    end\n"
	"    if attempt < max then ecr.sleep(delay) end\n"
	"  end\n"
	"  return nil, 'max attempts exceeded', 'TIMEOUT'\n"
	"end\n"
	"function ecr.findings(repo, id, opts)\n"
	"  if type(repo) ~= 'string' then error(\"bad argument #1 to 'findings' (string expected, got \" .. type(repo) .. ')', 2) end\n"
	"  opts = opts or {}\n"
	"  local min = opts.min_severity and order[opts.min_severity]\n"
	"  if opts.min_severity and not min then error(\"bad argument #3 to 'findings' (min_severity: one of CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED expected)\", 2) end\n"
	"  local out = {}\n"
	"  for f in ecr.paginate('describe_image_scan_findings', {repositoryName=repo, imageId=image_id(id)}) do\n"
	"    if not min or (order[f.severity] or 6) <= min then out[#out + 1] = f end\n"
	"  end\n"
	"  return out\n"
	"end\n"
	"function ecr.inventory(repo, id)\n"
	"  return ecr.get_image_inventory{repositoryName=repo, imageId=image_id(id)}\n"
	"end\n"
	"return ecr\n";

int lecr_open(lua_State *L, struct ecr_ctx *ctx)
{
	if (luaL_newmetatable(L, ERR_META)) {
		lua_pushcfunction(L, err_tostring);
		lua_setfield(L, -2, "__tostring");
	}
	lua_pop(L, 1);
	if (luaL_newmetatable(L, CTX_META)) {
		lua_pushcfunction(L, ctx_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_pop(L, 1);
	if (luaL_newmetatable(L, PAGES_META)) {
		lua_pushcfunction(L, pages_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_pop(L, 1);
	lua_newtable(L); /* DescribeImages → "describe_images", for the helpers */
	int fn_of = lua_gettop(L);
	lua_newtable(L); /* the module */
	struct lctx *c = lua_newuserdatauv(L, sizeof(*c), 0);
	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	luaL_setmetatable(L, CTX_META);
	int ud = lua_gettop(L);
	/* one closure per operation row */
	for (int i = 0; ecr_op_name(i); i++) {
		char fn[128];
		snake(ecr_op_name(i), fn, sizeof(fn));
		lua_pushvalue(L, ud);
		lua_pushstring(L, ecr_op_name(i));
		lua_pushfstring(L, "ecr.%s", fn); /* as Lua itself names it in messages */
		lua_pushcclosure(L, op_closure, 3);
		lua_setfield(L, -3, fn);
		lua_pushstring(L, fn);
		lua_setfield(L, fn_of, ecr_op_name(i));
	}
	static const luaL_Reg fns[] = {{"region", l_region}, {"profile", l_profile}, {"push", l_push}, {"paginate", l_paginate},
				       {"now", l_now}, {NULL, NULL}};
	for (const luaL_Reg *r = fns; r->name; r++) {
		lua_pushvalue(L, ud);
		lua_pushcclosure(L, r->func, 1);
		lua_setfield(L, -3, r->name);
	}
	lua_pushcfunction(L, l_parse_ref);
	lua_setfield(L, -3, "parse_ref");
	lua_pushcfunction(L, l_iso);
	lua_setfield(L, -3, "iso8601");
	lua_pushcfunction(L, l_sleep);
	lua_setfield(L, -3, "sleep");
	lua_newtable(L);
	lua_pushcfunction(L, l_json_encode);
	lua_setfield(L, -2, "encode");
	lua_pushcfunction(L, l_json_decode);
	lua_setfield(L, -2, "decode");
	lua_setfield(L, -3, "json");
	lua_pushvalue(L, ud);
	lua_setfield(L, -3, "_ctx"); /* keeps the context alive as long as the module */
	lua_pop(L, 1);                /* the userdata */
	lua_pushstring(L, ECRLITE_VERSION);
	lua_setfield(L, -2, "version");
	/* ecr.severities: the core's order; ecr.waiters: the model's waiters */
	lua_createtable(L, ECR_NSEVERITIES, 0);
	for (int i = 0; ecr_severity_name(i); i++) {
		lua_pushstring(L, ecr_severity_name(i));
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, -2, "severities");
	lua_createtable(L, 0, ecr_nwaiters);
	for (int i = 0; i < ecr_nwaiters; i++) {
		const struct ecr_waiter *w = &ecr_waiters[i];
		lua_createtable(L, 0, 4);
		lua_pushstring(L, w->operation);
		lua_setfield(L, -2, "operation");
		lua_pushinteger(L, w->delay);
		lua_setfield(L, -2, "delay");
		lua_pushinteger(L, w->max_attempts);
		lua_setfield(L, -2, "max_attempts");
		lua_newtable(L);
		for (int k = 0; w->acceptors[k].state; k++) {
			const struct ecr_acceptor *a = &w->acceptors[k];
			lua_createtable(L, 0, 4);
			lua_pushstring(L, a->state);
			lua_setfield(L, -2, "state");
			lua_pushstring(L, a->matcher);
			lua_setfield(L, -2, "matcher");
			if (a->argument) {
				lua_pushstring(L, a->argument);
				lua_setfield(L, -2, "argument");
			}
			if (a->expected) {
				lua_pushstring(L, a->expected);
				lua_setfield(L, -2, "expected");
			}
			lua_rawseti(L, -2, k + 1);
		}
		lua_setfield(L, -2, "acceptors");
		lua_setfield(L, -2, w->name);
	}
	lua_setfield(L, -2, "waiters");
	if (luaL_loadbuffer(L, helpers, sizeof(helpers) - 1, "=ecr") != LUA_OK)
		return lua_error(L);
	lua_pushvalue(L, -2);
	lua_pushvalue(L, fn_of);
	lua_pushcfunction(L, l_accept);
	lua_call(L, 3, 1);
	lua_remove(L, fn_of); /* as before: the module, then what the helpers returned (it) */
	return 1;
}

int luaopen_ecr(lua_State *L)
{
	return lecr_open(L, NULL);
}
