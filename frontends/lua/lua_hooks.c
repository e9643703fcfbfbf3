/* Scan hooks: every $ECRLITE_HOME/hooks/\*.lua runs when a scan completes, whichever
 * frontend ran the scan, with the EventBridge event as its argument (`...`) and as the
 * global `event`. A hook's error is reported, never loses the scan. */
#include <dirent.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_fe.h"
#include "str.h"

static int is_lua(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 4 && !strcmp(d->d_name + n - 4, ".lua");
}

static int run_hook(struct ecr_ctx *ctx, const char *path, json_t *event, char **why)
{
	lua_State *L = lecr_newstate(lecr_memory_limit());
	int rc = 0;
	luaL_openlibs(L);
	lecr_set_path(L);
	/* the hook's ecr module works on the same state (the scan has committed) */
	lecr_open(L, ctx);
	lua_setglobal(L, "ecr");
	lecr_push_json(L, json_incref(event));
	lua_pushvalue(L, -1);
	lua_setglobal(L, "event");
	if (luaL_loadfile(L, path) != LUA_OK) {
		rc = -1;
	} else {
		lua_insert(L, -2);
		if (lua_pcall(L, 1, 0, 0) != LUA_OK)
			rc = -1;
	}
	if (rc) {
		const char *msg = lua_tostring(L, -1);
		if (!msg && luaL_callmeta(L, -1, "__tostring"))
			msg = lua_tostring(L, -1);
		*why = ecr_str_fmt("scan event hook failed: %s: %s", path, msg ? msg : "error");
	}
	lecr_close(L);
	return rc;
}

int lecr_hooks_consumer(void *ud, struct ecr_ctx *ctx, json_t *event, char **why)
{
	char dir[4096];
	struct dirent **list = NULL;
	int rc = 0;
	(void)ud;
	snprintf(dir, sizeof(dir), "%s/hooks", ecr_ctx_home(ctx));
	int n = scandir(dir, &list, is_lua, alphasort);
	for (int i = 0; i < n; i++) {
		char path[8192], *w = NULL;
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (run_hook(ctx, path, event, &w)) {
			/* report the first failure; the other hooks still run */
			if (!rc)
				*why = w;
			else
				free(w);
			rc = -1;
		}
		free(list[i]);
	}
	free(list);
	return rc;
}
