/*
 * src/store/sqlite_ckpt.c - the checkpoints of a SQLite store, run by a
 * thread with a connection of its own while the store's connection goes on
 * writing.
 *
 * In WAL mode a commit appends the pages it changed to the WAL and syncs it
 * (synchronous=FULL): the commit is durable then. A checkpoint later copies
 * committed pages from the WAL into the database file and syncs that file;
 * SQLite's default runs one inside the commit that brings the WAL past 1,000
 * pages, so a batch of 100,000 invoices waited some 0.3 s for it at every
 * commit - copying pages that were safe already. Here a commit that wrote
 * 1,000 pages or more only asks, and a thread runs a PASSIVE checkpoint (it
 * copies what is committed, never waits for a lock and never blocks the
 * writer), one at a time, on the machine's other core; a smaller commit
 * checkpoints itself, as SQLite's default. What a crash can lose is
 * unchanged: a checkpoint cut short is done again from the WAL at the next
 * open.
 *
 * The WAL is reset when a write starts after a checkpoint has copied all of
 * it; a writer that never pauses keeps it growing. Past WAL_FRAMES_MAX
 * frames the commit waits for the thread and runs a TRUNCATE checkpoint
 * itself, which bounds the file. When no thread can be started, the commit
 * checkpoints as SQLite's default does.
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "store/sqlite_ckpt.h"
#include "tandem/alloc.h"

#define WAL_FRAMES_WANT 1000     /* SQLite's default autocheckpoint threshold */
#define WAL_FRAMES_MAX 262144    /* 1 GiB of 4 KiB pages */

struct sq_ckpt {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake, idle;  /* a checkpoint wanted / none under way */
	bool started;               /* the thread runs */
	bool failed;                /* it could not start or open the file */
	bool wanted, busy, stop;
	int frames;                 /* in the WAL after the last commit */
	char *path;
};

struct sq_ckpt *sq_ckpt_new(const char *path)
{
	struct sq_ckpt *c = tandem_calloc(1, sizeof *c);
	size_t len = strlen(path);

	if (c == NULL || (c->path = tandem_malloc(len + 1)) == NULL) {
		tandem_free(c);
		return NULL;
	}
	memcpy(c->path, path, len + 1);
	if (pthread_mutex_init(&c->lock, NULL) == 0) {
		if (pthread_cond_init(&c->wake, NULL) == 0) {
			if (pthread_cond_init(&c->idle, NULL) == 0)
				return c;
			(void)pthread_cond_destroy(&c->wake);
		}
		(void)pthread_mutex_destroy(&c->lock);
	}
	tandem_free(c->path);
	tandem_free(c);
	return NULL;
}

static void *run(void *arg)
{
	struct sq_ckpt *c = arg;
	sqlite3 *db = NULL;
	bool ok = sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
				  NULL) == SQLITE_OK &&
		  sqlite3_exec(db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) == SQLITE_OK;

	(void)pthread_mutex_lock(&c->lock);
	c->failed = !ok;
	while (ok && !c->stop) {
		if (!c->wanted) {
			(void)pthread_cond_wait(&c->wake, &c->lock);
			continue;
		}
		c->wanted = false;
		c->busy = true;
		(void)pthread_mutex_unlock(&c->lock);
		(void)sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		(void)pthread_mutex_lock(&c->lock);
		c->busy = false;
		(void)pthread_cond_broadcast(&c->idle);
	}
	c->busy = false;
	(void)pthread_cond_broadcast(&c->idle);
	(void)pthread_mutex_unlock(&c->lock);
	(void)sqlite3_close(db);
	return NULL;
}

/* Waits until no checkpoint is under way; c->lock held. */
static void wait_idle(struct sq_ckpt *c)
{
	while (c->started && c->busy)
		(void)pthread_cond_wait(&c->idle, &c->lock);
}

int sq_ckpt_hook(void *arg, sqlite3 *db, const char *schema, int frames)
{
	struct sq_ckpt *c = arg;
	bool inline_ckpt = false, truncate = frames >= WAL_FRAMES_MAX;
	/* What this commit wrote (the WAL restarted: all of it). */
	int wrote = frames >= c->frames ? frames - c->frames : frames;

	c->frames = frames;
	if (frames < WAL_FRAMES_WANT)
		return SQLITE_OK;
	/* A small commit checkpoints as SQLite's default does: then the WAL is
	 * copied whole and the next write starts it afresh. Waking the thread
	 * at each small commit of a long WAL cost a sync of the database file
	 * per commit (payment orders: 2,000/s fell to 900/s). */
	if (wrote < WAL_FRAMES_WANT && !truncate) {
		(void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	(void)pthread_mutex_lock(&c->lock);
	if (!c->started && !c->failed) {
		c->started = pthread_create(&c->thread, NULL, run, c) == 0;
		c->failed = !c->started;
	}
	if (truncate || c->failed) {
		wait_idle(c);
		inline_ckpt = true;
	} else {
		c->wanted = true;
		(void)pthread_cond_signal(&c->wake);
	}
	(void)pthread_mutex_unlock(&c->lock);
	if (inline_ckpt)
		(void)sqlite3_wal_checkpoint_v2(db, schema, truncate ? SQLITE_CHECKPOINT_TRUNCATE :
						SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return SQLITE_OK;
}

void sq_ckpt_free(struct sq_ckpt *c)
{
	if (c == NULL)
		return;
	if (c->started) {
		(void)pthread_mutex_lock(&c->lock);
		c->stop = true;
		(void)pthread_cond_signal(&c->wake);
		(void)pthread_mutex_unlock(&c->lock);
		(void)pthread_join(c->thread, NULL);
	}
	(void)pthread_cond_destroy(&c->wake);
	(void)pthread_cond_destroy(&c->idle);
	(void)pthread_mutex_destroy(&c->lock);
	tandem_free(c->path);
	tandem_free(c);
}
