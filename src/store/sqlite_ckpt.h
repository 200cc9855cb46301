/*
 * src/store/sqlite_ckpt.h - checkpoints of a SQLite store on a thread of
 * their own (sqlite_ckpt.c). Private to src/store/.
 */
#ifndef TANDEM_SQLITE_CKPT_H
#define TANDEM_SQLITE_CKPT_H

#include <sqlite3.h>

struct sq_ckpt;

/* A checkpointer for the database file at path (copied); NULL when it
 * cannot be made (the store then keeps SQLite's own checkpoints). No thread
 * runs until the first checkpoint is wanted. */
struct sq_ckpt *sq_ckpt_new(const char *path);

/* The WAL hook of the store's connection db (sqlite3_wal_hook, arg the
 * checkpointer): called after each commit with the frames in the WAL. */
int sq_ckpt_hook(void *arg, sqlite3 *db, const char *schema, int frames);

/* Waits for a checkpoint under way, ends the thread and frees c (NULL:
 * nothing); before the store's connection is closed. */
void sq_ckpt_free(struct sq_ckpt *c);

#endif /* TANDEM_SQLITE_CKPT_H */
