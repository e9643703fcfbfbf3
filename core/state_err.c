/* How a failing SQLite call on the state is reported (state.h): used by the
 * connection and migrations (state.c) and the statement cache (stmtcache.c), which
 * state.c itself calls, so it lives apart from both. */
#include "state.h"

int ecr_state_fail(sqlite3 *db, struct ecr_err *err)
{
	int rc = sqlite3_errcode(db);
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
		return ecr_err_set(err, ECR_E_STATE, "state database '%s' is corrupt or not a database",
				   sqlite3_db_filename(db, "main"));
	if (rc == SQLITE_READONLY || rc == SQLITE_CANTOPEN || rc == SQLITE_PERM)
		return ecr_err_set(err, ECR_E_STATE, "state database '%s' is not writable: %s",
				   sqlite3_db_filename(db, "main"), sqlite3_errmsg(db));
	if (rc == SQLITE_FULL)
		return ecr_err_set(err, ECR_E_STATE, "state directory is full");
	return ecr_err_set(err, ECR_E_STATE, "state database error: %s", sqlite3_errmsg(db));
}

int ecr_state_step(sqlite3_stmt *st, struct ecr_err *err)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return ecr_state_fail(sqlite3_db_handle(st), err);
}
