/*
 * tests/test_cli_log.c - `tandem log` as its users run it: a log made,
 * appended to from JSON lines (all or nothing), shown, signed, proved and
 * checked by check-proof, verified, then tampered with; and a ledger
 * database whose commands publish their events to the log beside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

/* tandem with argv: test_cli_expect(). */
static char *run(const char *const argv[], const char *in, int code, const char *out_has,
		 const char *err_has)
{
	return test_cli_expect(argv, in, code, out_has, err_has);
}

static const char records[] =
	"{\"type\": \"statement\", \"actor\": \"alice\", \"detail\": \"ouverture\"}\n"
	"\n"
	"{\"type\": \"ai.inference\", \"time\": \"2026-03-04T10:00:00Z\", \"model\": "
	"\"mistral-7b-instruct\", \"output_sha256\": "
	"\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}\n"
	"{\"type\": \"human.decision\", \"actor\": \"carl\", \"object\": \"invoice\", "
	"\"object_id\": 12, \"detail\": \"suggestion accepted\"}\n";

TEST(cli_log_commands)
{
	char base[] = "/tmp/tandem-cli-log-XXXXXX", dir[128], path[256], cmd[512];
	struct stat st;
	char *out;

	ASSERT(mkdtemp(base) != NULL);
	snprintf(dir, sizeof dir, "%s/log", base);
	free(run((const char *const[]){ "log", "init", "--log", dir, NULL }, NULL, 2, NULL,
		 "--origin"));
	free(run((const char *const[]){ "log", "init", "--log", dir, "--origin", "a b", NULL },
		 NULL, 1, NULL, "origin"));
	free(run((const char *const[]){ "log", "init", "--log", dir, "--origin",
					"cli.example/log", NULL }, NULL, 0, "cli.example/log+",
		 NULL));
	snprintf(path, sizeof path, "%s/key", dir);
	ASSERT_EQ(stat(path, &st), 0);
	ASSERT_EQ(st.st_mode & 0777, 0600);
	free(run((const char *const[]){ "log", "init", "--log", dir, "--origin", "x", NULL },
		 NULL, 1, NULL, "exists"));
	/* Three records; then a batch with one bad line: nothing of it kept. */
	free(run((const char *const[]){ "log", "append", "--log", dir, NULL }, records, 0,
		 "3 records appended; the log holds 3", NULL));
	free(run((const char *const[]){ "log", "append", "--log", dir, "-", NULL },
		 "{\"type\": \"statement\"}\n{\"type\": \"statement\", \"colour\": 1}\n", 1,
		 NULL, "line 2: an unknown member; nothing appended"));
	free(run((const char *const[]){ "log", "show", "--log", dir, "--index", "2", NULL },
		 NULL, 0, "\"type\": \"human.decision\", \"time\"", NULL));
	free(run((const char *const[]){ "log", "show", "--log", dir, "--index", "3", NULL },
		 NULL, 1, NULL, "no record 3: the log holds 3"));
	free(run((const char *const[]){ "log", "show", "--log", dir, "--index", "x", NULL },
		 NULL, 2, NULL, "wants a number"));
	out = run((const char *const[]){ "log", "checkpoint", "--log", dir, NULL }, NULL, 0,
		  "cli.example/log\n3\n", NULL);
	ASSERT_STR_CONTAINS(out, "\n\n\xe2\x80\x94 cli.example/log ");
	free(out);
	/* Proofs printed in the vectors' JSON form, checked by check-proof. */
	out = run((const char *const[]){ "log", "prove", "--log", dir, "--index", "1", NULL },
		  NULL, 0, "{\"leafIdx\": 1, \"treeSize\": 3", NULL);
	snprintf(path, sizeof path, "%s/proof.json", base);
	test_write_file(path, out);
	free(out);
	free(run((const char *const[]){ "log", "check-proof", path, NULL }, NULL, 0,
		 "inclusion proof verified", NULL));
	out = run((const char *const[]){ "log", "consistency", "--log", dir, "--from", "1", "--to",
					 "3", NULL }, NULL, 0, "{\"size1\": 1, \"size2\": 3", NULL);
	test_write_file(path, out);
	free(out);
	free(run((const char *const[]){ "log", "check-proof", path, NULL }, NULL, 0,
		 "consistency proof verified", NULL));
	out = run((const char *const[]){ "log", "consistency", "--log", dir, "--start", "2",
					 "--end", "3", "--to", "3", NULL }, NULL, 0,
		  "{\"start\": 2, \"end\": 3, \"size\": 3", NULL);
	test_write_file(path, out);
	free(out);
	free(run((const char *const[]){ "log", "check-proof", path, NULL }, NULL, 0,
		 "subtree consistency proof verified", NULL));
	free(run((const char *const[]){ "log", "prove", "--log", dir, "--index", "1", "--size",
					"9", NULL }, NULL, 1, NULL, "out of the log"));
	free(run((const char *const[]){ "log", "consistency", "--log", dir, "--to", "3", NULL },
		 NULL, 2, NULL, "needs --from"));
	/* Verified whole; then one byte of a record changed. */
	free(run((const char *const[]){ "log", "verify", "--log", dir, NULL }, NULL, 0,
		 "3 records verified", NULL));
	snprintf(cmd, sizeof cmd, "printf 'X' | dd of=%s/records bs=1 seek=40 conv=notrunc "
		 "status=none", dir);
	ASSERT_EQ(system(cmd), 0);
	free(run((const char *const[]){ "log", "verify", "--log", dir, NULL }, NULL, 1,
		 "first bad index: 0", "record 0"));
	free(run((const char *const[]){ "log", "frob", NULL }, NULL, 2, NULL, "subcommand"));
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	ASSERT_EQ(system(cmd), 0);
}

/* Every ledger command publishes its events to the log beside the
 * database; sync finds nothing left. */
TEST(cli_log_ledger)
{
	char base[] = "/tmp/tandem-cli-pub-XXXXXX", db[128], dir[160], cmd[256];
	char *out;

	ASSERT(mkdtemp(base) != NULL);
	snprintf(db, sizeof db, "%s/l.db", base);
	snprintf(dir, sizeof dir, "%s.tlog", db);
	free(run((const char *const[]){ "init", "--db", db, NULL }, NULL, 0, "ready", NULL));
	free(run((const char *const[]){ "log", "init", "--db", db, "--origin",
					"ledger.example/log", NULL }, NULL, 0, dir, NULL));
	free(run((const char *const[]){ "user", "add", "alice", "--role", "admin", "--name",
					"Alice", "--db", db, NULL }, NULL, 0, "added", NULL));
	free(run((const char *const[]){ "user", "add", "olga", "--role", "ordonnateur", "--name",
					"Olga", "--user", "alice", "--db", db, NULL }, NULL, 0,
		 "added", NULL));
	out = run((const char *const[]){ "log", "show", "--db", db, "--index", "1", NULL }, NULL, 0,
		  "\"type\": \"user.add\"", NULL);
	ASSERT_STR_CONTAINS(out, "\"actor\": \"alice\"");
	ASSERT_STR_CONTAINS(out, "\"origin\": \"ledger\", \"origin_id\": 2");
	free(out);
	free(run((const char *const[]){ "log", "sync", "--db", db, NULL }, NULL, 0,
		 "0 events published; the log holds 2 records", NULL));
	free(run((const char *const[]){ "log", "checkpoint", "--db", db, NULL }, NULL, 0, NULL,
		 NULL));
	free(run((const char *const[]){ "log", "verify", "--db", db, NULL }, NULL, 0,
		 "2 records verified", NULL));
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	ASSERT_EQ(system(cmd), 0);
}
