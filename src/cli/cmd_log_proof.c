/*
 * src/cli/cmd_log_proof.c - the proofs of `tandem log`: prove and
 * consistency print a proof in the JSON form of the public Merkle test
 * vectors, which check-proof (and any outside verifier) reads back; verify
 * recomputes the whole log from its files and checks a checkpoint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "cmd_log.h"
#include "tandem/error.h"
#include "tandem/tlog.h"
#include "tandem/tlog_log.h"

#define B64 sodium_base64_VARIANT_ORIGINAL
#define B64_HASH sodium_base64_ENCODED_LEN(TANDEM_TLOG_HASH, B64)

static const char *b64(const uint8_t *hash, char out[B64_HASH])
{
	return sodium_bin2base64(out, B64_HASH, hash, TANDEM_TLOG_HASH, B64);
}

static void print_proof(const uint8_t *proof, size_t len)
{
	char text[B64_HASH];

	printf(", \"proof\": [");
	for (size_t i = 0; i < len; i++)
		printf("%s\"%s\"", i > 0 ? ", " : "", b64(proof + i * TANDEM_TLOG_HASH, text));
	printf("]}\n");
}

static int refused(int rc, const char *what)
{
	return cli_error(rc == TANDEM_EINVAL ? CLI_EXIT_INVALID : CLI_EXIT_IO, "log", "%s: %s",
			 what, rc == TANDEM_EINVAL ? "out of the log's acknowledged records, or "
			 "not a subtree" : tandem_strerror(rc));
}

int log_prove(const struct log_opts *o)
{
	uint8_t proof[TANDEM_TLOG_PROOF_MAX * TANDEM_TLOG_HASH];
	tandem_tlog_hash root, leaf;
	char t1[B64_HASH], t2[B64_HASH];
	struct tandem_tlog *log = NULL;
	bool sub = (o->given & (LOG_START | LOG_END)) != 0;
	uint64_t size;
	size_t len = 0;
	int rc, status;

	if (!(o->given & LOG_INDEX))
		return cli_usage("log", "prove needs --index I");
	if (sub && ((o->given & (LOG_START | LOG_END)) != (LOG_START | LOG_END) ||
		    (o->given & LOG_SIZE)))
		return cli_usage("log", "a subtree proof takes --start and --end, not --size");
	status = log_open(o, TANDEM_TLOG_READ, &log);
	if (status != CLI_EXIT_OK)
		return status;
	size = o->given & LOG_SIZE ? o->size : tandem_tlog_size(log);
	if (sub)
		rc = tandem_tlog_log_subtree_inclusion(log, o->index, o->start, o->end, proof, &len);
	else
		rc = tandem_tlog_log_inclusion(log, o->index, size, proof, &len);
	if (rc == 0)
		rc = sub ? tandem_tlog_range_hash(log, o->start, o->end, root)
			 : tandem_tlog_root_at(log, size, root);
	if (rc == 0)
		rc = tandem_tlog_leaf(log, o->index, leaf);
	if (rc != 0) {
		tandem_tlog_close(log);
		return refused(rc, "prove");
	}
	if (sub)
		printf("{\"leafIdx\": %llu, \"start\": %llu, \"end\": %llu",
		       (unsigned long long)o->index, (unsigned long long)o->start,
		       (unsigned long long)o->end);
	else
		printf("{\"leafIdx\": %llu, \"treeSize\": %llu", (unsigned long long)o->index,
		       (unsigned long long)size);
	printf(", \"root\": \"%s\", \"leafHash\": \"%s\"", b64(root, t1), b64(leaf, t2));
	print_proof(proof, len);
	tandem_tlog_close(log);
	return CLI_EXIT_OK;
}

int log_consistency(const struct log_opts *o)
{
	uint8_t proof[TANDEM_TLOG_PROOF_MAX * TANDEM_TLOG_HASH];
	tandem_tlog_hash r1, r2;
	char t1[B64_HASH], t2[B64_HASH];
	struct tandem_tlog *log = NULL;
	bool sub = (o->given & (LOG_START | LOG_END)) != 0;
	size_t len = 0;
	int rc, status;

	if (!(o->given & LOG_TO) ||
	    (sub ? (o->given & (LOG_START | LOG_END)) != (LOG_START | LOG_END) ||
		   (o->given & LOG_FROM) : !(o->given & LOG_FROM)))
		return cli_usage("log", "consistency needs --from M --to N, or --start S --end E "
				 "--to N");
	status = log_open(o, TANDEM_TLOG_READ, &log);
	if (status != CLI_EXIT_OK)
		return status;
	if (sub)
		rc = tandem_tlog_log_subtree_consistency(log, o->start, o->end, o->to, proof, &len);
	else
		rc = tandem_tlog_log_consistency(log, o->from, o->to, proof, &len);
	if (rc == 0)
		rc = sub ? tandem_tlog_range_hash(log, o->start, o->end, r1)
			 : tandem_tlog_root_at(log, o->from, r1);
	if (rc == 0)
		rc = tandem_tlog_root_at(log, o->to, r2);
	if (rc != 0) {
		tandem_tlog_close(log);
		return refused(rc, "consistency");
	}
	if (sub)
		printf("{\"start\": %llu, \"end\": %llu, \"size\": %llu",
		       (unsigned long long)o->start, (unsigned long long)o->end,
		       (unsigned long long)o->to);
	else
		printf("{\"size1\": %llu, \"size2\": %llu", (unsigned long long)o->from,
		       (unsigned long long)o->to);
	printf(", \"root1\": \"%s\", \"root2\": \"%s\"", b64(r1, t1), b64(r2, t2));
	print_proof(proof, len);
	tandem_tlog_close(log);
	return CLI_EXIT_OK;
}

/* The text of path, NUL-terminated, or NULL with the error printed
 * (*status set). */
static char *read_text(const char *path, size_t max, size_t *len, int *status)
{
	char *text = NULL, *longer;
	int rc = cli_read_file("log", path, max, &text, len);

	if (rc == TANDEM_ELIMIT)
		*status = cli_error(CLI_EXIT_INVALID, "log", "%s: larger than %zu bytes", path, max);
	else if (rc != 0)
		*status = CLI_EXIT_IO;
	if (rc != 0)
		return NULL;
	longer = realloc(text, *len + 1);
	if (longer == NULL) {
		free(text);
		*status = cli_error(CLI_EXIT_IO, "log", "out of memory");
		return NULL;
	}
	longer[*len] = '\0';
	return longer;
}

int log_verify(const struct log_opts *o)
{
	char why[TANDEM_TLOG_WHY_MAX], cp_default[4200], key_default[4200];
	const char *cp_path = o->checkpoint, *key_path = o->key;
	char *cp = NULL, *key = NULL;
	size_t cp_len = 0, key_len = 0;
	uint64_t size = 0, bad = 0;
	FILE *probe;
	int rc, status = CLI_EXIT_OK;

	(void)snprintf(cp_default, sizeof cp_default, "%s/checkpoint", o->dir);
	(void)snprintf(key_default, sizeof key_default, "%s/key.pub", o->dir);
	if (cp_path == NULL && (probe = fopen(cp_default, "r")) != NULL) {
		(void)fclose(probe);
		cp_path = cp_default;
	}
	if (cp_path != NULL && key_path == NULL)
		key_path = key_default;
	if (cp_path != NULL)
		cp = read_text(cp_path, TANDEM_TLOG_NOTE_MAX, &cp_len, &status);
	if (status == CLI_EXIT_OK && key_path != NULL)
		key = read_text(key_path, 4096, &key_len, &status);
	if (status != CLI_EXIT_OK) {
		free(cp);
		return status;
	}
	rc = tandem_tlog_verify(o->dir, cp, cp_len, key, &size, &bad, why, sizeof why);
	free(cp);
	free(key);
	if (rc != 0) {
		(void)cli_error(CLI_EXIT_INVALID, "log", "%s: %s", o->dir, why);
		if (bad != UINT64_MAX)
			printf("first bad index: %llu\n", (unsigned long long)bad);
		else
			printf("bad: %s\n", strstr(why, "checkpoint") != NULL ? "the checkpoint"
									 : "the head");
		return CLI_EXIT_INVALID;
	}
	printf("%s: %llu records verified (records, leaf hashes, nodes, head)%s%s\n", o->dir,
	       (unsigned long long)size, cp_path != NULL ? "; checkpoint holds: " : "",
	       cp_path != NULL ? cp_path : "");
	return CLI_EXIT_OK;
}

int log_check_proof(const struct log_opts *o)
{
	char *text, why[200];
	size_t len = 0;
	bool accepted = false;
	int rc, status = CLI_EXIT_OK;

	if (o->nargs != 1)
		return cli_usage("log", "check-proof takes one file");
	text = read_text(o->args[0], TANDEM_TLOG_PROBE_MAX, &len, &status);
	if (text == NULL)
		return status;
	rc = tandem_tlog_check_probe(text, len, why, sizeof why, &accepted);
	free(text);
	if (rc != 0)
		return cli_error(CLI_EXIT_INVALID, "log", "%s: %s", o->args[0], why);
	printf("%s: %s\n", o->args[0], why);
	return accepted ? CLI_EXIT_OK : CLI_EXIT_INVALID;
}
