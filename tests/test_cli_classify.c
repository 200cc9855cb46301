/*
 * tests/test_cli_classify.c - `tandem classify` as its users run it: a
 * model trained from files, suggestions as text and JSON, a correction
 * recorded in the transparency log with the model's hash, the lines of an
 * e-invoice, and the refusals of bad input with their exit codes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

static char *run(const char *const argv[], int code, const char *out_has, const char *err_has)
{
	return test_cli_expect(argv, NULL, code, out_has, err_has);
}

static const char tsv[] =
	"source\tlang\tcpv\tdivision\tgroup\tamount\ttext\n"
	"a\tfr\t45233000\t45\t452\t90000\tTravaux de voirie et enrobés\n"
	"a\tfr\t45233000\t45\t452\t120000\tRéfection de la chaussée\n"
	"a\tfr\t90919000\t90\t909\t30000\tNettoyage des locaux administratifs\n"
	"a\tde\t90919000\t90\t909\t25000\tUnterhaltsreinigung der Büroräume\n"
	"a\tfr\t30197000\t30\t301\t5000\tFourniture de papier A4\n"
	"a\tde\t30197000\t30\t301\t4000\tLieferung von Kopierpapier\n";

static const char cpv[] =
	"code,significant_digits,parent,en,fr,de\n"
	"45233000,5,45230000,Road works,\"Travaux de construction, de fondation et de revêtement "
	"de routes\",Straßenbauarbeiten\n"
	"90919000,5,90910000,Office cleaning,Services de nettoyage de bureaux,Büroreinigung\n"
	"30197000,5,30190000,Paper,Papier,Papier\n";

TEST(cli_classify_train_predict_learn_log)
{
	char base[] = "/tmp/tandem-cli-cls-XXXXXX", data[128], labels[128], model[128], log[128];
	ASSERT(mkdtemp(base) != NULL);
	snprintf(data, sizeof data, "%s/train.tsv", base);
	snprintf(labels, sizeof labels, "%s/cpv.csv", base);
	snprintf(model, sizeof model, "%s/m.cls", base);
	snprintf(log, sizeof log, "%s/log", base);
	test_write_file(data, tsv);
	test_write_file(labels, cpv);
	free(run((const char *const[]){"log", "init", "--log", log, "--origin", "t.example/log",
				       NULL}, 0, NULL, NULL));
	free(run((const char *const[]){"classify", "train", "--data", data, "--labels", labels,
				       "--bits", "12", "-o", model, "--log", log, NULL},
		 0, "3 classes", NULL));
	char *out = run((const char *const[]){"classify", "predict", "-m", model, "--json",
					      "--log", log, "Travaux de voirie communale", NULL},
			0, "\"group\":[{\"code\":\"452\"", NULL);
	ASSERT_STR_CONTAINS(out, "\"because\":[");
	free(out);
	free(run((const char *const[]){"classify", "explain", "-m", model,
				       "Nettoyage des bureaux", NULL}, 0, "because of:", NULL));
	free(run((const char *const[]){"classify", "learn", "-m", model, "--code", "30197000",
				       "--user", "alice", "--log", log,
				       "Cartouches d'encre pour imprimantes", NULL},
		 0, "learned", NULL));
	free(run((const char *const[]){"classify", "predict", "-m", model,
				       "Cartouches d'encre pour imprimantes", NULL}, 0, "301", NULL));
	/* The log: a statement, an inference, a decision - and it verifies. */
	out = run((const char *const[]){"log", "show", "--log", log, "--index", "2", NULL}, 0,
		  "\"human.decision\"", NULL);
	ASSERT_STR_CONTAINS(out, "\"actor\": \"alice\"");
	ASSERT_STR_CONTAINS(out, "\"input_sha256\"");
	ASSERT(strstr(out, "Cartouches") == NULL); /* the text itself is never logged */
	free(out);
	free(run((const char *const[]){"log", "show", "--log", log, "--index", "1", NULL}, 0,
		 "\"ai.inference\"", NULL));
	free(run((const char *const[]){"log", "verify", "--log", log, NULL}, 0, "3 records", NULL));
	/* Refusals. */
	free(run((const char *const[]){"classify", "predict", "-m", model, "--lang", "it", "x",
				       NULL}, 2, NULL, "--lang"));
	free(run((const char *const[]){"classify", "predict", "-m", model, "ab\xff", NULL}, 1, NULL,
		 "not UTF-8"));
	free(run((const char *const[]){"classify", "predict", "-m", model, "", NULL}, 1, NULL,
		 "empty"));
	free(run((const char *const[]){"classify", "predict", "-m", data, "x", NULL}, 1, NULL,
		 "not a usable model file"));
	free(run((const char *const[]){"classify", "learn", "-m", model, "--code", "77777777", "x",
				       NULL}, 1, NULL, "not a CPV group"));
	free(run((const char *const[]){"classify", "frobnicate", "-m", model, NULL}, 2, NULL,
		 "subcommand"));
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	ASSERT_EQ(system(cmd), 0);
}

TEST(cli_classify_invoice_lines)
{
	char base[] = "/tmp/tandem-cli-cls-XXXXXX", data[128], labels[128], model[128], inv[4096];
	snprintf(inv, sizeof inv, "%s/einvoice/corpus/ubl/cen-examples/guide-example2.xml",
		 test_shared_data());
	if (access(inv, R_OK) != 0)
		SKIP("../shared/data/einvoice is missing");
	ASSERT(mkdtemp(base) != NULL);
	snprintf(data, sizeof data, "%s/train.tsv", base);
	snprintf(labels, sizeof labels, "%s/cpv.csv", base);
	snprintf(model, sizeof model, "%s/m.cls", base);
	test_write_file(data, tsv);
	test_write_file(labels, cpv);
	free(run((const char *const[]){"classify", "train", "--data", data, "--labels", labels,
				       "--bits", "12", "-o", model, NULL}, 0, NULL, NULL));
	/* Its lines are in Dutch: nothing like the training texts, so every
	 * suggestion goes to a human. */
	char *out = run((const char *const[]){"classify", "invoice", "-m", model, "--json", inv,
					      NULL}, 0, "\"line\":\"1\"", NULL);
	ASSERT_STR_CONTAINS(out, "\"needs_human\":true");
	ASSERT(strstr(out, "\"needs_human\":false") == NULL);
	free(out);
	free(run((const char *const[]){"classify", "invoice", "-m", model, data, NULL}, 1, NULL,
		 "not a readable EN 16931 invoice"));
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	ASSERT_EQ(system(cmd), 0);
}

/* The product's path: invoices imported with a model get a suggestion per
 * line and its budget line from the administration's table; the
 * ordonnateur lists them and decides. */
TEST(cli_classify_import_suggestions)
{
	char base[] = "/tmp/tandem-cli-sug-XXXXXX", data[128], labels[128], model[128], db[128];
	char map[128], artefacts[4096];
	snprintf(artefacts, sizeof artefacts, "%s/einvoice/artefacts", test_shared_data());
	if (access(artefacts, R_OK) != 0)
		SKIP("../shared/data/einvoice/artefacts is missing");
	ASSERT(mkdtemp(base) != NULL);
	snprintf(data, sizeof data, "%s/train.tsv", base);
	snprintf(labels, sizeof labels, "%s/cpv.csv", base);
	snprintf(model, sizeof model, "%s/m.cls", base);
	snprintf(db, sizeof db, "%s/l.db", base);
	snprintf(map, sizeof map, "%s/map.tsv", base);
	test_write_file(data, tsv);
	test_write_file(labels, cpv);
	test_write_file(map, "30\tGFP/156/09\n301\tGFP/156/01\n45\tGFP/218/02\n");
	free(run((const char *const[]){"classify", "train", "--data", data, "--labels", labels,
				       "--bits", "12", "-o", model, NULL}, 0, NULL, NULL));
	const char *const setup[][24] = {
		{"init", "--db", db, NULL},
		{"user", "add", "alice", "--role", "admin", "--name", "A", "--db", db, NULL},
		{"user", "add", "olga", "--role", "ordonnateur", "--name", "O", "--user", "alice",
		 "--db", db, NULL},
		{"budget", "load", "examples/budget-fr-2026.txt", "--user", "alice", "--db", db,
		 NULL},
		{"supplier", "add", "--admin", "11000201100044", "--name", "Papeterie Dupont",
		 "--country", "FR", "--siret", "73282932000074", "--user", "olga", "--db", db,
		 NULL},
		{"commit", "--admin", "11000201100044", "--year", "2026", "--number", "EJ-1",
		 "--supplier", "73282932000074", "--line", "GFP/156/01", "--amount", "1000",
		 "--object", "Papier", "--user", "olga", "--db", db, NULL},
	};
	for (size_t i = 0; i < sizeof setup / sizeof setup[0]; i++)
		free(run(setup[i], 0, NULL, NULL));
	free(run((const char *const[]){"budget", "cpv-map", "--admin", "11000201100044", map,
				       "--user", "olga", "--db", db, NULL}, 0, "3 rows", NULL));
	free(run((const char *const[]){"budget", "cpv-map", "--admin", "11000201100044", data,
				       "--user", "olga", "--db", db, NULL}, 1, NULL,
		 "line 1: \"source\" is not"));
	free(run((const char *const[]){"budget", "cpv-map", "--admin", "11000201100044", "--db",
				       db, NULL}, 0, "301     \tGFP/156/01\tFiscalit", NULL));
	free(run((const char *const[]){"invoice", "import", "--artefacts", artefacts,
				       "--classify", data, "--user", "olga", "--db", db,
				       "tests/data/ledger", NULL}, 1, NULL, "not a classifier model"));
	free(run((const char *const[]){"invoice", "import", "--artefacts", artefacts,
				       "--classify", model, "--user", "olga", "--db", db,
				       "tests/data/ledger", NULL}, 0, "1 imported", NULL));
	char *out = run((const char *const[]){"invoice", "suggestions", "--admin",
					      "11000201100044", "--json", "--db", db, NULL}, 0,
			"\"text\":\"Ramettes de papier A4\",\"cpv\":\"301\"", NULL);
	ASSERT_STR_CONTAINS(out, "\"budget\":\"GFP/156/01\"");
	ASSERT_STR_CONTAINS(out, "\"decision\":\"pending\"");
	free(out);
	free(run((const char *const[]){"invoice", "decide-cpv", "--admin", "11000201100044",
				       "--invoice", "1", "--line", "1", "--user", "alice", "--db", db,
				       NULL}, 1, NULL, "for an ordonnateur"));
	free(run((const char *const[]){"invoice", "decide-cpv", "--admin", "11000201100044",
				       "--invoice", "1", "--user", "olga", "--db", db, NULL}, 2, NULL,
		 "--line"));
	free(run((const char *const[]){"invoice", "decide-cpv", "--admin", "11000201100044",
				       "--invoice", "1", "--line", "1", "--cpv", "30", "--learn",
				       model, "--user", "olga", "--db", db, NULL}, 1,
		 "decision recorded", "the decision is recorded, the model did not learn it"));
	/* The correction, and the model learns it. */
	free(run((const char *const[]){"invoice", "decide-cpv", "--admin", "11000201100044",
				       "--invoice", "1", "--line", "1", "--cpv", "45233000",
				       "--learn", model, "--user", "olga", "--db", db, NULL}, 0,
		 "learned that the line is CPV 45233", NULL));
	free(run((const char *const[]){"classify", "predict", "-m", model,
				       "Ramettes de papier A4", NULL}, 0, "A4\t452 ", NULL));
	free(run((const char *const[]){"invoice", "suggestions", "--admin", "11000201100044",
				       "--invoice", "1", "--db", db, NULL}, 0,
		 "corrected 45233 GFP/218/02 by olga", NULL));
	/* Nothing waits for a decision now. */
	out = run((const char *const[]){"invoice", "suggestions", "--admin", "11000201100044",
					"--json", "--db", db, NULL}, 0, "\"suggestions\":[\n]", NULL);
	free(out);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	ASSERT_EQ(system(cmd), 0);
}
