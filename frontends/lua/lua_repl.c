/* `ecrlite lua`: a REPL and script runner in the manner of lua.c (arg table, -e, -l,
 * -i, -v, tracebacks), with readline history in the state directory and the `ecr`
 * module preloaded. */
#include <lauxlib.h>
#include <libgen.h>
#include <limits.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lazy_readline.h"
#include "../lineread.h"
#include "lua_fe.h"

static int msghandler(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

int lecr_docall(lua_State *L, int narg, int nres)
{
	int base = lua_gettop(L) - narg;
	lua_pushcfunction(L, msghandler);
	lua_insert(L, base);
	int st = lua_pcall(L, narg, nres, base);
	lua_remove(L, base);
	if (st != LUA_OK) {
		fprintf(stderr, "ecrlite lua: %s\n", lua_tostring(L, -1));
		lua_pop(L, 1);
		return 1;
	}
	return 0;
}

/* package.path: $ECRLITE_LUA_PATH, then share/ecrlite/lua beside an installed
 * executable, then the source tree's lua/ (ECRLITE_SRC_LUA, set by the Makefile) for
 * a build run in place. */
void lecr_set_path(lua_State *L)
{
	char exe[PATH_MAX], buf[4 * PATH_MAX + 256];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	char *dir = dirname(exe);
	const char *env = getenv("ECRLITE_LUA_PATH");
	lua_getglobal(L, "package");
	lua_getfield(L, -1, "path");
	snprintf(buf, sizeof(buf), "%s%s%s/../share/ecrlite/lua/?.lua;%s/?.lua;%s", env ? env : "", env ? ";" : "", dir,
		 ECRLITE_SRC_LUA, lua_tostring(L, -1));
	lua_pop(L, 1);
	lua_pushstring(L, buf);
	lua_setfield(L, -2, "path");
	lua_pop(L, 1);
}

static const char pretty[] =
	"local function key(k) if type(k) == 'string' and k:match('^[%a_][%w_]*$') then return k end\n"
	"  return '[' .. (type(k) == 'string' and string.format('%q', k) or tostring(k)) .. ']' end\n"
	"local function pp(v, ind, seen)\n"
	"  if type(v) == 'string' then return string.format('%q', v) end\n"
	"  if type(v) ~= 'table' or getmetatable(v) and getmetatable(v).__tostring then return tostring(v) end\n"
	"  if seen[v] then return '<cycle>' end\n"
	"  seen[v] = true\n"
	"  local n, parts = #v, {}\n"
	"  for i = 1, n do parts[#parts + 1] = pp(v[i], ind .. '  ', seen) end\n"
	"  local keys = {}\n"
	"  for k in pairs(v) do if not (math.type(k) == 'integer' and k >= 1 and k <= n) then keys[#keys + 1] = k end end\n"
	"  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)\n"
	"  for _, k in ipairs(keys) do parts[#parts + 1] = key(k) .. ' = ' .. pp(v[k], ind .. '  ', seen) end\n"
	"  seen[v] = nil\n"
	"  if #parts == 0 then return '{}' end\n"
	"  local one = '{' .. table.concat(parts, ', ') .. '}'\n"
	"  if #one + #ind < 80 and not one:find('\\n') then return one end\n"
	"  return '{\\n' .. ind .. '  ' .. table.concat(parts, ',\\n' .. ind .. '  ') .. '\\n' .. ind .. '}'\n"
	"end\n"
	"return function(...) local t = table.pack(...) for i = 1, t.n do t[i] = pp(t[i], '', {}) end\n"
	"  print(table.concat(t, '\\t', 1, t.n)) end\n";

/* more lines while the chunk is a statement that ends too early (Lua says "<eof>"),
 * as lua.c decides; "=expr" and expressions are complete as they are */
static int lua_incomplete(const char *line, void *ud)
{
	lua_State *L = ud;
	const char *code = line[0] == '=' ? line + 1 : line;
	char *ret = malloc(strlen(code) + 8);
	sprintf(ret, "return %s", code);
	int st = luaL_loadbuffer(L, ret, strlen(ret), "=stdin");
	free(ret);
	lua_pop(L, 1);
	if (st == LUA_OK)
		return 0;
	st = luaL_loadbuffer(L, code, strlen(code), "=stdin");
	size_t ml = 0;
	const char *msg = st == LUA_ERRSYNTAX ? lua_tolstring(L, -1, &ml) : NULL;
	int more = msg && ml >= 5 && !strcmp(msg + ml - 5, "<eof>");
	lua_pop(L, 1);
	return more;
}

static int repl(lua_State *L)
{
	struct fe_history hist;
	fe_history_open(&hist, "lua_history");
	if (luaL_loadbuffer(L, pretty, sizeof(pretty) - 1, "=pretty") != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK)
		return 1;
	int printer = lua_gettop(L);
	printf("ecrlite %s, %s; the ecr module is loaded (ecr.<operation>{...}, ecr.push, ecr.findings, ...)\n",
	       ECRLITE_VERSION, LUA_RELEASE);
	for (;;) {
		char *line = fe_read_statement("> ", lua_incomplete, L);
		if (!line)
			break;
		if (!*line) {
			free(line);
			continue;
		}
		/* "=expr" and plain expressions print their values, as lua.c does */
		const char *code = line[0] == '=' ? line + 1 : line;
		char *ret = malloc(strlen(code) + 8);
		sprintf(ret, "return %s", code);
		int st = luaL_loadbuffer(L, ret, strlen(ret), "=stdin");
		free(ret);
		if (st != LUA_OK) {
			lua_pop(L, 1);
			st = luaL_loadbuffer(L, code, strlen(code), "=stdin");
		}
		if (st != LUA_OK) {
			fprintf(stderr, "%s\n", lua_tostring(L, -1));
			lua_pop(L, 1);
		} else {
			int base = lua_gettop(L);
			if (!lecr_docall(L, 0, LUA_MULTRET) && lua_gettop(L) >= base) {
				int n = lua_gettop(L) - base + 1;
				lua_pushvalue(L, printer);
				lua_insert(L, base);
				lecr_docall(L, n, 0);
			}
		}
		lua_settop(L, printer);
		free(line);
	}
	putchar('\n');
	fe_history_close(&hist);
	return 0;
}

/* On stdout with exit 0 when asked for (--help, -h: lua itself has neither), else on
 * stderr with exit 2. */
static int usage(int asked)
{
	fprintf(asked ? stdout : stderr, "usage: ecrlite lua [-e CODE] [-l MODULE] [-i] [-v] [SCRIPT [ARGS...]]\n"
			"  -e CODE    run CODE\n  -l MODULE  require MODULE (e.g. gate, report, rescan)\n"
			"  -i         enter the REPL after running the script\n  -v         print the version\n"
			"With no script, the REPL. The `ecr` module is preloaded (also as require \"ecrlite\").\n");
	return asked ? 0 : 2;
}

static int same_module(lua_State *L)
{
	lua_getglobal(L, "package");
	lua_getfield(L, -1, "loaded");
	lua_getfield(L, -1, "ecr");
	return 1;
}

static int preload(lua_State *L)
{
	lua_getglobal(L, "package");
	lua_getfield(L, -1, "preload");
	lua_pushcfunction(L, luaopen_ecr);
	lua_setfield(L, -2, "ecr");
	lua_pop(L, 2);
	/* the global ecr, the same module require returns */
	lua_getglobal(L, "require");
	lua_pushstring(L, "ecr");
	if (lecr_docall(L, 1, 1))
		return 1;
	lua_setglobal(L, "ecr");
	/* require "ecrlite" gives the same module (set lazily, so error messages keep
	 * naming functions ecr.*) */
	lua_getglobal(L, "package");
	lua_getfield(L, -1, "preload");
	lua_pushcfunction(L, same_module);
	lua_setfield(L, -2, "ecrlite");
	lua_pop(L, 2);
	return 0;
}

int lecr_main(int argc, char **argv)
{
	lua_State *L = lecr_newstate(lecr_memory_limit());
	int rc = 0, interactive = 0, script = -1, ran = 0;
	if (!L)
		return 1;
	luaL_openlibs(L);
	lecr_set_path(L);
	if (preload(L)) {
		lecr_close(L);
		return 1;
	}
	for (int i = 0; i < argc; i++) {
		if (script < 0 && !strcmp(argv[i], "-e") && i + 1 < argc) {
			if ((rc = luaL_loadbuffer(L, argv[i + 1], strlen(argv[i + 1]), "=(command line)")) != LUA_OK) {
				fprintf(stderr, "ecrlite lua: %s\n", lua_tostring(L, -1));
				lecr_close(L);
				return 1;
			}
			if (lecr_docall(L, 0, 0)) {
				lecr_close(L);
				return 1;
			}
			ran = 1;
			i++;
		} else if (script < 0 && !strcmp(argv[i], "-l") && i + 1 < argc) {
			lua_getglobal(L, "require");
			lua_pushstring(L, argv[++i]);
			if (lecr_docall(L, 1, 1)) {
				lecr_close(L);
				return 1;
			}
			lua_setglobal(L, argv[i]);
			ran = 1;
		} else if (script < 0 && !strcmp(argv[i], "-i")) {
			interactive = 1;
		} else if (script < 0 && !strcmp(argv[i], "-v")) {
			printf("ecrlite %s, %s\n", ECRLITE_VERSION, LUA_RELEASE);
			ran = 1;
		} else if (script < 0 && argv[i][0] == '-' && argv[i][1]) {
			lecr_close(L);
			return usage(!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"));
		} else if (script < 0) {
			script = i;
			break;
		}
	}
	if (script >= 0) {
		/* arg as lua.c sets it: arg[0] the script, arg[1..] its arguments */
		lua_createtable(L, argc - script - 1, script + 1);
		for (int i = 0; i < argc; i++) {
			lua_pushstring(L, argv[i]);
			lua_rawseti(L, -2, i - script);
		}
		lua_setglobal(L, "arg");
		const char *path = strcmp(argv[script], "-") ? argv[script] : NULL;
		/* a shipped script by name: `ecrlite lua gate …` finds lua/gate.lua */
		if (path && !strchr(path, '/') && access(path, F_OK)) {
			lua_getglobal(L, "package");
			lua_getfield(L, -1, "searchpath");
			lua_pushstring(L, path);
			lua_getfield(L, -3, "path");
			lua_call(L, 2, 1);
			if (lua_isstring(L, -1))
				path = lua_tostring(L, -1); /* stays on the stack below the chunk */
			else
				lua_pop(L, 1);
		}
		if (luaL_loadfile(L, path) != LUA_OK) {
			fprintf(stderr, "ecrlite lua: %s\n", lua_tostring(L, -1));
			lecr_close(L);
			return 1;
		}
		int n = argc - script - 1;
		for (int i = script + 1; i < argc; i++)
			lua_pushstring(L, argv[i]);
		rc = lecr_docall(L, n, 0);
		ran = 1;
	}
	if (!rc && (interactive || (!ran && isatty(0))))
		rc = repl(L);
	else if (!rc && !ran) {
		/* stdin is not a terminal: run it as a script */
		if (luaL_loadfile(L, NULL) != LUA_OK) {
			fprintf(stderr, "ecrlite lua: %s\n", lua_tostring(L, -1));
			rc = 1;
		} else {
			rc = lecr_docall(L, 0, 0);
		}
	}
	lecr_close(L);
	return rc;
}
