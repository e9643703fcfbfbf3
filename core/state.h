/* SQLite state: open (WAL, busy timeout), schema migrations, transactions, and small
 * statement helpers. A statement from ecr_state_prepare is given back with
 * ecr_state_done, never sqlite3_finalize: core/stmtcache.c keeps it for the next
 * prepare of the same SQL on the same connection (the Makefile checks this). */
#ifndef ECR_STATE_H
#define ECR_STATE_H
#include <sqlite3.h>

#include "err.h"

/* Opens or creates path, applies pending migrations; readonly: opens it for reading
 * only (no migration: an old schema is a StateException). */
int ecr_state_open(sqlite3 **out, const char *path, int readonly, struct ecr_err *err);
int ecr_state_begin(sqlite3 *db, int write, struct ecr_err *err);
int ecr_state_commit(sqlite3 *db, struct ecr_err *err);
void ecr_state_rollback(sqlite3 *db);
/* Prepares sql, or hands out this connection's kept statement for it; on failure fills
 * err (a state error) and returns NULL. */
sqlite3_stmt *ecr_state_prepare(sqlite3 *db, const char *sql, struct ecr_err *err);
/* Gives a statement back: reset and kept when it came from the cache, else finalized.
 * NULL is a no-op, as for sqlite3_finalize. */
void ecr_state_done(sqlite3_stmt *st);
/* Finalizes the connection's kept statements, then closes it. NULL is a no-op. */
void ecr_state_close(sqlite3 *db);
/* Fills err from the connection's last error and returns ECR_E_STATE: a corrupt,
 * unwritable or full state says so, anything else is "state database error: …". */
int ecr_state_fail(sqlite3 *db, struct ecr_err *err);
/* Steps st: 1 for a row, 0 when done, or a negative ECR_E_* with err filled where the
 * statement failed. A failing step is a state error, never "not found", an empty or
 * short result or a default: loops are `while ((rc = ecr_state_step(st, err)) > 0)`
 * and look at rc afterwards. */
int ecr_state_step(sqlite3_stmt *st, struct ecr_err *err);
/* Runs sql (one or more statements, no results, nothing bound). */
int ecr_state_exec(sqlite3 *db, const char *sql, struct ecr_err *err);
/* A value from the meta table in *out (caller frees), NULL when absent; negative with
 * err filled when the state failed. */
int ecr_state_meta_get(sqlite3 *db, const char *key, char **out, struct ecr_err *err);
int ecr_state_meta_set(sqlite3 *db, const char *key, const char *value, struct ecr_err *err);

#endif
