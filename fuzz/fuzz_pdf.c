/*
 * fuzz/fuzz_pdf.c - fuzz target of e-invoice intake for PDF input
 * (tandem_einv_open in tandem/einvoice.h): Factur-X, ZUGFeRD and XRechnung
 * PDFs, read with libqpdf, their invoice attachment inflated by tandem and
 * their XMP metadata parsed. "%PDF-" is put in front of an input that does
 * not start with it, so every input takes the PDF path. Each input gets a
 * fresh arena (256 MiB limit) and diag (100 findings), released afterwards.
 * The target asserts that the status is one the header promises, that a
 * refusal (EBADINPUT, ELIMIT) comes with an error finding, that every
 * finding carries a TANDEM-* rule id and a message, that the returned
 * strings end inside their arrays and the enums stay in range, and that a
 * success names a UBL or CII invoice extracted from a named attachment,
 * readable over its whole length and no longer than
 * TANDEM_EINV_XML_BYTES_MAX.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "einv_checks.h"
#include "fuzz.h"
#include "tandem/arena.h"
#include "tandem/assert.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"
#include "tandem/error.h"

#define FUZZ_PDF_ARENA_BYTES_MAX (256u << 20)
#define FUZZ_PDF_MAGIC "%PDF-"
#define FUZZ_PDF_MAGIC_LEN 5

/* The PDF fields: every string ends inside its array, enums in range. */
static void check_pdf_info(const struct tandem_einv_pdf_info *p)
{
	TANDEM_ASSERT(has_nul(p->attachment, sizeof p->attachment));
	TANDEM_ASSERT(has_nul(p->relationship, sizeof p->relationship));
	TANDEM_ASSERT(has_nul(p->xmp_namespace, sizeof p->xmp_namespace));
	TANDEM_ASSERT(has_nul(p->xmp_document_type,
			      sizeof p->xmp_document_type));
	TANDEM_ASSERT(has_nul(p->xmp_document_file_name,
			      sizeof p->xmp_document_file_name));
	TANDEM_ASSERT(has_nul(p->xmp_version, sizeof p->xmp_version));
	TANDEM_ASSERT(has_nul(p->xmp_conformance_level,
			      sizeof p->xmp_conformance_level));
	TANDEM_ASSERT((int)p->xmp_profile >= 0 &&
		      p->xmp_profile < TANDEM_EINV_PROFILE_COUNT_);
	/* Only a packet that is there can be readable. */
	if (p->xmp_readable)
		TANDEM_ASSERT(p->has_xmp);
	TANDEM_ASSERT(p->attachments <= TANDEM_EINV_PDF_ATTACHMENTS_MAX);
}

/* What any returned source must satisfy, whatever the status. */
static void check_source(const struct tandem_einv_source *src)
{
	TANDEM_ASSERT(src->container == TANDEM_EINV_CONTAINER_PDF);
	TANDEM_ASSERT((int)src->syntax >= TANDEM_EINV_SYNTAX_UNKNOWN &&
		      src->syntax <= TANDEM_EINV_SYNTAX_ZUGFERD1);
	TANDEM_ASSERT(has_nul(src->customization, sizeof src->customization));
	TANDEM_ASSERT((int)src->profile >= 0 &&
		      src->profile < TANDEM_EINV_PROFILE_COUNT_);
	check_pdf_info(&src->pdf);
}

/*
 * Reads every byte of the extracted XML, so that ASan sees any part of
 * [xml, xml + len) that is not memory of the arena.
 */
static void touch(const char *xml, size_t len)
{
	volatile unsigned char sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (unsigned char)(sum + (unsigned char)xml[i]);
	(void)sum;
}

static void open_checked(const uint8_t *pdf, size_t len)
{
	struct tandem_arena arena;
	struct tandem_diag diag;
	struct tandem_einv_source *src = NULL;
	int rc;

	tandem_arena_init(&arena, FUZZ_PDF_ARENA_BYTES_MAX);
	tandem_diag_init(&diag, FUZZ_EINV_FINDINGS_MAX);

	rc = tandem_einv_open(&arena, pdf, len, &diag, &src);
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
		TANDEM_ASSERT(src->xml != NULL);
		TANDEM_ASSERT(src->xml_len <= TANDEM_EINV_XML_BYTES_MAX);
		touch(src->xml, src->xml_len);
		TANDEM_ASSERT(src->doc != NULL);
		/* The invoice came from a named attachment listed somewhere. */
		TANDEM_ASSERT(src->pdf.attachment[0] != '\0');
		TANDEM_ASSERT(src->pdf.in_af || src->pdf.in_embedded_files);
		/* The profile is the one BT-24 names, and decides "full". */
		TANDEM_ASSERT(src->profile == tandem_einv_profile_of_customization(
						      src->customization));
		TANDEM_ASSERT(src->full_invoice ==
			      (src->profile != TANDEM_EINV_PROFILE_MINIMUM &&
			       src->profile != TANDEM_EINV_PROFILE_BASIC_WL));
	}

	tandem_diag_release(&diag);
	tandem_arena_release(&arena);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	uint8_t *buf;

	if (size >= FUZZ_PDF_MAGIC_LEN &&
	    memcmp(data, FUZZ_PDF_MAGIC, FUZZ_PDF_MAGIC_LEN) == 0) {
		open_checked(data, size);
		return 0;
	}
	/* The magic in front; the copy is the PDF for this one input. */
	buf = malloc(size + FUZZ_PDF_MAGIC_LEN);
	if (buf == NULL)
		return 0;
	memcpy(buf, FUZZ_PDF_MAGIC, FUZZ_PDF_MAGIC_LEN);
	if (size > 0)
		memcpy(buf + FUZZ_PDF_MAGIC_LEN, data, size);
	open_checked(buf, size + FUZZ_PDF_MAGIC_LEN);
	free(buf);
	return 0;
}
