/*
 * src/cli/cmd_log.c - `tandem log`: the transparency log. This first part
 * verifies Merkle proofs given as JSON (check-proof); the log itself, its
 * checkpoints and the other subcommands come next (docs/tlog.md).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tandem/error.h"
#include "tandem/tlog.h"

static const char usage[] =
	"usage: tandem log check-proof FILE.json\n"
	"\n"
	"check-proof  verifies one Merkle proof (RFC 9162) given as JSON: an\n"
	"             inclusion proof {leafIdx, treeSize, root, leafHash, proof} or a\n"
	"             consistency proof {size1, size2, root1, root2, proof}, or their\n"
	"             subtree forms ({leafIdx, start, end, root, leafHash, proof},\n"
	"             {start, end, size, root1, root2, proof}), hashes in base64, as\n"
	"             the public test vectors write them.\n"
	"Exit status: 0 the proof holds, 1 it does not (or is not a proof this\n"
	"verifies), 2 usage error, 3 I/O error.\n";

static int check_proof(const char *path)
{
	char *text = NULL, why[200];
	size_t len = 0;
	bool accepted = false;
	int rc = cli_read_file("log", path, TANDEM_TLOG_PROBE_MAX, &text, &len);

	if (rc == TANDEM_ELIMIT)
		return cli_error(CLI_EXIT_INVALID, "log", "%s: larger than %u bytes", path,
				 TANDEM_TLOG_PROBE_MAX);
	if (rc != 0)
		return CLI_EXIT_IO;
	rc = tandem_tlog_check_probe(text, len, why, sizeof why, &accepted);
	free(text);
	if (rc != 0)
		return cli_error(CLI_EXIT_INVALID, "log", "%s: %s", path, why);
	printf("%s: %s\n", path, why);
	return accepted ? CLI_EXIT_OK : CLI_EXIT_INVALID;
}

int cmd_log(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return fputs(usage, stdout), CLI_EXIT_OK;
	if (argc < 2 || strcmp(argv[1], "check-proof") != 0)
		return cli_usage("log", "the subcommand is check-proof");
	if (argc != 3)
		return cli_usage("log", "check-proof takes one file");
	return check_proof(argv[2]);
}
