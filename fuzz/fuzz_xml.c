/*
 * fuzz/fuzz_xml.c - fuzz target of e-invoice intake for XML input
 * (tandem_einv_open in tandem/einvoice.h). The bytes are handed over as a
 * received invoice XML; inputs starting with "%PDF-" would take the PDF path
 * and are left to fuzz_pdf. Each input gets a fresh arena (256 MiB limit)
 * and diag (100 findings), released afterwards. The target asserts that the
 * status is one the header promises, that a success names a UBL Invoice,
 * UBL CreditNote or CII document held in the caller's bytes, that a refusal
 * (EBADINPUT, ELIMIT) comes with an error finding, that every finding
 * carries a TANDEM-* rule id and a message, and that the returned strings
 * and enums are well formed (NUL inside their arrays, profiles inside the
 * enum). An opened invoice is then read into the EN 16931 model
 * (tandem_einv_read), written as JSON and given to the identifier checks
 * and routing: reading never fails on a value, only on memory or limits.
 * The model is written as UBL and as CII (tandem_einv_write), and each
 * document written must open as that syntax and be read again.
 */
#include <stdbool.h>
#include <string.h>

#include "einv_checks.h"
#include "fuzz.h"
#include "tandem/arena.h"
#include "tandem/assert.h"
#include "tandem/diag.h"
#include "tandem/buf.h"
#include "tandem/einvoice.h"
#include "tandem/en16931.h"
#include "tandem/error.h"

#define FUZZ_XML_ARENA_BYTES_MAX (256u << 20)
#define FUZZ_XML_JSON_MAX (64u << 20)

/* Writes the model in syntax to and reads what was written. */
static void check_written(const struct tandem_einv_invoice *inv, enum tandem_einv_syntax to)
{
	struct tandem_arena arena;
	struct tandem_diag diag;
	struct tandem_buf out;
	struct tandem_einv_source *src = NULL;
	struct tandem_einv_invoice *back = NULL;
	int rc;

	tandem_arena_init(&arena, FUZZ_XML_ARENA_BYTES_MAX);
	tandem_diag_init(&diag, 100);
	tandem_buf_init(&out, FUZZ_XML_JSON_MAX);
	rc = tandem_einv_write(inv, to, &diag, &out);
	TANDEM_ASSERT(rc == 0 || rc == TANDEM_ENOMEM || rc == TANDEM_ELIMIT);
	if (rc == 0) {
		rc = tandem_einv_open(&arena, out.data, out.len, &diag, &src);
		TANDEM_ASSERT(rc == 0 || rc == TANDEM_ENOMEM || rc == TANDEM_ELIMIT);
		TANDEM_ASSERT(rc != 0 || src->syntax == to);
		if (rc == 0)
			rc = tandem_einv_read(&arena, src, &diag, &back);
		TANDEM_ASSERT(rc == 0 || rc == TANDEM_ENOMEM || rc == TANDEM_ELIMIT);
	}
	tandem_buf_release(&out);
	tandem_diag_release(&diag);
	tandem_arena_release(&arena);
}

/* The model of an opened invoice: read, shown, checked, written. */
static void check_model(struct tandem_arena *arena, const struct tandem_einv_source *src,
			struct tandem_diag *diag)
{
	struct tandem_einv_invoice *inv = NULL;
	struct tandem_einv_routing routing;
	struct tandem_buf json;
	int rc = tandem_einv_read(arena, src, diag, &inv);

	TANDEM_ASSERT(rc == 0 || rc == TANDEM_ELIMIT || rc == TANDEM_ENOMEM);
	if (rc != 0) {
		TANDEM_ASSERT(inv == NULL);
		return;
	}
	TANDEM_ASSERT(inv != NULL && inv->syntax == src->syntax);
	tandem_buf_init(&json, FUZZ_XML_JSON_MAX);
	rc = tandem_einv_to_json(inv, &json);
	TANDEM_ASSERT(rc == 0 || rc == TANDEM_ENOMEM || rc == TANDEM_ELIMIT);
	TANDEM_ASSERT(rc != 0 || (json.len > 2 && json.data[0] == '{'));
	tandem_buf_release(&json);
	rc = tandem_einv_check_ids(inv, src, diag);
	TANDEM_ASSERT(rc == 0 || rc == TANDEM_ENOMEM);
	tandem_einv_routing(inv, &routing);
	TANDEM_ASSERT(routing.kind != TANDEM_EINV_ROUTE_LEITWEG || routing.leitweg_id != NULL);
	TANDEM_ASSERT(routing.kind != TANDEM_EINV_ROUTE_CHORUS || routing.buyer_siret != NULL);
	check_written(inv, tandem_einv_ubl_kind(inv));
	check_written(inv, TANDEM_EINV_SYNTAX_CII);
}

/* What any returned source must satisfy, whatever the status. */
static void check_source(const struct tandem_einv_source *src)
{
	TANDEM_ASSERT(src->container == TANDEM_EINV_CONTAINER_XML);
	TANDEM_ASSERT((int)src->syntax >= TANDEM_EINV_SYNTAX_UNKNOWN &&
		      src->syntax <= TANDEM_EINV_SYNTAX_ZUGFERD1);
	TANDEM_ASSERT(has_nul(src->customization, sizeof src->customization));
	TANDEM_ASSERT((int)src->profile >= 0 &&
		      src->profile < TANDEM_EINV_PROFILE_COUNT_);
	TANDEM_ASSERT(tandem_einv_syntax_name(src->syntax)[0] != '\0');
	TANDEM_ASSERT(tandem_einv_profile_name(src->profile)[0] != '\0');
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	struct tandem_arena arena;
	struct tandem_diag diag;
	struct tandem_einv_source *src = NULL;
	int rc;

	if (size >= 5 && memcmp(data, "%PDF-", 5) == 0)
		return 0;
	tandem_arena_init(&arena, FUZZ_XML_ARENA_BYTES_MAX);
	tandem_diag_init(&diag, FUZZ_EINV_FINDINGS_MAX);

	rc = tandem_einv_open(&arena, data, size, &diag, &src);
	TANDEM_ASSERT(rc == 0 || rc == TANDEM_EBADINPUT ||
		      rc == TANDEM_ELIMIT || rc == TANDEM_ENOMEM);
	check_diag(&diag, rc);
	if (src != NULL)
		check_source(src);
	if (rc == 0) {
		TANDEM_ASSERT(src != NULL);
		TANDEM_ASSERT(src->syntax == TANDEM_EINV_SYNTAX_UBL_INVOICE ||
			      src->syntax == TANDEM_EINV_SYNTAX_UBL_CREDITNOTE ||
			      src->syntax == TANDEM_EINV_SYNTAX_CII);
		/* The XML of an XML container is the caller's own bytes. */
		TANDEM_ASSERT(src->xml == (const char *)data);
		TANDEM_ASSERT(src->xml_len == size);
		TANDEM_ASSERT(src->doc != NULL);
		/* The profile is the one BT-24 names, and decides "full". */
		TANDEM_ASSERT(src->profile == tandem_einv_profile_of_customization(
						      src->customization));
		TANDEM_ASSERT(src->full_invoice ==
			      (src->profile != TANDEM_EINV_PROFILE_MINIMUM &&
			       src->profile != TANDEM_EINV_PROFILE_BASIC_WL));
		check_model(&arena, src, &diag);
	}

	tandem_diag_release(&diag);
	tandem_arena_release(&arena);
	return 0;
}
