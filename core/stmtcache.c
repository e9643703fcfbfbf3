/* Prepared statements kept per connection. Preparing is most of the cost of a small
 * query (the describe-images of a server thread prepared the same dozen statements on
 * every request), so a statement given back with ecr_state_done is reset and kept for
 * the next ecr_state_prepare of the same SQL on the same connection.
 *
 * A connection has no slot for user data in the SQLite of Debian 12 (3.40), so the
 * caches are a list keyed by the connection, behind one mutex: a connection is used by
 * one thread at a time, but the server runs many threads, each with its own. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

enum { SLOTS = 128 };

struct slot {
	sqlite3_stmt *st;
	unsigned long hash;
	int busy; /* handed out and not yet given back: the same SQL twice at once gets a second statement */
};

struct cache {
	sqlite3 *db;
	struct cache *next;
	struct slot slot[SLOTS];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct cache *caches;

static unsigned long hash_sql(const char *s)
{
	unsigned long h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* Under lock. */
static struct cache *find(sqlite3 *db, int create)
{
	for (struct cache *c = caches; c; c = c->next)
		if (c->db == db)
			return c;
	if (!create)
		return NULL;
	struct cache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL; /* no cache: statements are then prepared and finalized as before */
	c->db = db;
	c->next = caches;
	caches = c;
	return c;
}

sqlite3_stmt *ecr_state_prepare(sqlite3 *db, const char *sql, struct ecr_err *err)
{
	unsigned long h = hash_sql(sql);
	sqlite3_stmt *st = NULL;
	pthread_mutex_lock(&lock);
	struct cache *c = find(db, 1);
	struct slot *empty = NULL;
	for (size_t i = 0; c && i < SLOTS; i++) {
		struct slot *s = &c->slot[i];
		if (!s->st) {
			if (!empty)
				empty = s;
		} else if (!s->busy && s->hash == h && !strcmp(sqlite3_sql(s->st), sql)) {
			s->busy = 1;
			pthread_mutex_unlock(&lock);
			return s->st;
		}
	}
	pthread_mutex_unlock(&lock);
	if (sqlite3_prepare_v3(db, sql, -1, empty ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		ecr_state_fail(db, err);
		return NULL;
	}
	if (empty) {
		pthread_mutex_lock(&lock);
		if (!empty->st) { /* still free: only this connection's thread fills its slots */
			empty->st = st;
			empty->hash = h;
			empty->busy = 1;
		}
		pthread_mutex_unlock(&lock);
	}
	return st;
}

void ecr_state_done(sqlite3_stmt *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&lock);
	struct cache *c = find(sqlite3_db_handle(st), 0);
	for (size_t i = 0; c && i < SLOTS; i++)
		if (c->slot[i].st == st) {
			/* reset ends the statement's read, so a kept statement holds no lock */
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			c->slot[i].busy = 0;
			pthread_mutex_unlock(&lock);
			return;
		}
	pthread_mutex_unlock(&lock);
	sqlite3_finalize(st);
}

void ecr_state_close(sqlite3 *db)
{
	if (!db)
		return;
	pthread_mutex_lock(&lock);
	for (struct cache **p = &caches; *p; p = &(*p)->next)
		if ((*p)->db == db) {
			struct cache *c = *p;
			*p = c->next;
			for (size_t i = 0; i < SLOTS; i++)
				sqlite3_finalize(c->slot[i].st);
			free(c);
			break;
		}
	pthread_mutex_unlock(&lock);
	sqlite3_close(db);
}
