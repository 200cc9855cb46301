/*
 * tandem/einvoice.h - e-invoice intake: what arrived, safely opened.
 *
 * An EN 16931 e-invoice arrives as XML (UBL 2.1 Invoice or CreditNote,
 * UN/CEFACT CII) or as a PDF/A-3 carrying the CII XML as an attachment
 * (Factur-X, ZUGFeRD, XRechnung in ZUGFeRD). tandem_einv_open() takes the
 * bytes as received and returns a struct tandem_einv_source: the container,
 * the syntax, the customization id (BT-24) and its profile, the invoice XML
 * (extracted from the PDF when needed) and, for a PDF, what its attachment
 * and its XMP metadata say.
 *
 * Safety: only UTF-8 (or ASCII) XML is accepted. The parser never touches
 * the network or the file system,
 * refuses any document type declaration (so no external entity and no
 * entity expansion can happen), and stops at TANDEM_EINV_XML_BYTES_MAX
 * bytes, TANDEM_EINV_XML_DEPTH_MAX levels, TANDEM_EINV_XML_NODES_MAX
 * elements and attributes, and TANDEM_EINV_XML_ATTRIBUTES_MAX attributes in
 * one start tag (counted by a linear pre-scan before libxml2 sees the
 * bytes). Comments and processing instructions are not kept in the tree.
 * libxml2 is set up process-wide to refuse every external entity. The PDF attachment is inflated by tandem itself with a cap, so
 * a small stream that inflates to gigabytes is refused, not read.
 *
 * Problems are findings in the caller's struct tandem_diag with ids
 * TANDEM-XML-*, TANDEM-PDF-* and TANDEM-FX-* (docs/einvoice.md lists them).
 *
 * Validation (tandem_einv_validate) runs the official Schematron artefacts
 * of EN 16931 (CEN TC 434) and, for XRechnung invoices, of KoSIT, as they
 * are published: tandem_einv_rules_load() reads them from a directory once,
 * and every rule keeps its id, flag and message. tandem's evaluator of
 * XPath 2.0 (src/schematron) replaces the XSLT processor.
 *
 * The EN 16931 model of an opened invoice, its readers and tandem's own
 * checks are in tandem/en16931.h.
 */
#ifndef TANDEM_EINVOICE_H
#define TANDEM_EINVOICE_H

#include <stdbool.h>
#include <stddef.h>

#include "tandem/arena.h"
#include "tandem/diag.h"

/* Limits. */
#define TANDEM_EINV_XML_BYTES_MAX (32u << 20)  /* the corpus's largest is 3.3 MB */
#define TANDEM_EINV_PDF_BYTES_MAX (64u << 20)
#define TANDEM_EINV_XML_DEPTH_MAX 128           /* UBL and CII need about 12 */
#define TANDEM_EINV_XML_NODES_MAX 1000000   /* elements + attributes */
#define TANDEM_EINV_XML_ATTRIBUTES_MAX 256  /* per start tag; libxml2 2.9 spends
					       quadratic time on many more */
#define TANDEM_EINV_PDF_ATTACHMENTS_MAX 1000    /* name-tree entries examined */
#define TANDEM_EINV_TEXT_MAX 512                /* stored identifier strings */

enum tandem_einv_container {
	TANDEM_EINV_CONTAINER_XML = 0,
	TANDEM_EINV_CONTAINER_PDF,
};

enum tandem_einv_syntax {
	TANDEM_EINV_SYNTAX_UNKNOWN = 0,
	TANDEM_EINV_SYNTAX_UBL_INVOICE,    /* urn:oasis:names:specification:ubl:schema:xsd:Invoice-2 */
	TANDEM_EINV_SYNTAX_UBL_CREDITNOTE, /* ...:CreditNote-2 */
	TANDEM_EINV_SYNTAX_CII,            /* urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100 */
	TANDEM_EINV_SYNTAX_ZUGFERD1,       /* ZUGFeRD 1.0 CrossIndustryDocument: not EN 16931 */
};

/* Profile named by the customization id (BT-24) or by the XMP metadata. */
enum tandem_einv_profile {
	TANDEM_EINV_PROFILE_UNKNOWN = 0, /* absent or not recognised */
	TANDEM_EINV_PROFILE_MINIMUM,     /* Factur-X/ZUGFeRD MINIMUM: not a full invoice */
	TANDEM_EINV_PROFILE_BASIC_WL,    /* BASIC WL: not a full invoice */
	TANDEM_EINV_PROFILE_BASIC,
	TANDEM_EINV_PROFILE_EN16931,     /* EN 16931 itself, or a CIUS of it (Peppol ...) */
	TANDEM_EINV_PROFILE_EXTENDED,
	TANDEM_EINV_PROFILE_XRECHNUNG,
	TANDEM_EINV_PROFILE_COUNT_
};

/* What a PDF container says about its invoice. Strings are "" when absent. */
struct tandem_einv_pdf_info {
	char attachment[TANDEM_EINV_TEXT_MAX];   /* file name of the invoice XML */
	char relationship[32];                   /* AFRelationship: Data, Source, Alternative */
	bool in_af;                              /* listed in the catalog's /AF array */
	bool in_embedded_files;                  /* listed in /Names /EmbeddedFiles */
	size_t attachments;                      /* entries of the /EmbeddedFiles
						    name tree (files listed only in
						    /AF are not counted) */
	bool has_xmp;                            /* the catalog has XMP metadata */
	bool xmp_readable;                       /* ... and it parses as XML */
	char xmp_namespace[96];                  /* namespace of the fx: fields */
	char xmp_document_type[64];              /* e.g. INVOICE */
	char xmp_document_file_name[TANDEM_EINV_TEXT_MAX];
	char xmp_version[32];                    /* e.g. 1.0 */
	char xmp_conformance_level[32];          /* e.g. EN 16931 */
	enum tandem_einv_profile xmp_profile;
};

struct tandem_einv_xml; /* the parsed document, private to src/einvoice */

struct tandem_einv_source {
	enum tandem_einv_container container;
	enum tandem_einv_syntax syntax;
	char customization[TANDEM_EINV_TEXT_MAX]; /* BT-24, whitespace trimmed */
	enum tandem_einv_profile profile;         /* from BT-24 */
	bool full_invoice;                        /* false for MINIMUM, BASIC WL */
	const char *xml;                          /* the invoice XML: in the arena
						     when extracted from a PDF, else
						     the caller's data (keep it alive) */
	size_t xml_len;
	struct tandem_einv_pdf_info pdf;          /* container == PDF */
	struct tandem_einv_xml *doc;              /* for the readers to come */
};

/*
 * Opens an e-invoice from the bytes received (a PDF if they start with
 * "%PDF-", XML otherwise). Everything it allocates lives in the arena and
 * is released with it, the parsed document included.
 *
 * Returns 0 when an invoice XML was found and parsed (findings may still
 * have been added, e.g. a Factur-X profile mismatch); TANDEM_EBADINPUT when
 * the input is not a readable e-invoice (the findings say why: malformed
 * XML, wrong root element, no invoice attachment ...); TANDEM_ELIMIT when a
 * limit of the document was hit (also reported as a finding); TANDEM_ENOMEM
 * when memory or the caller's arena ran out (the document is not blamed).
 * *out is set whenever the return is 0, and may be set (with what could be
 * learnt) on TANDEM_EBADINPUT.
 */
int tandem_einv_open(struct tandem_arena *a, const void *data, size_t len,
		     struct tandem_diag *d, struct tandem_einv_source **out);

/* "xml", "pdf". */
const char *tandem_einv_container_name(enum tandem_einv_container c);
/* "ubl-invoice", "ubl-creditnote", "cii", "zugferd1", "unknown". */
const char *tandem_einv_syntax_name(enum tandem_einv_syntax s);
/* "MINIMUM", "BASIC WL", "BASIC", "EN 16931", "EXTENDED", "XRECHNUNG",
 * "unknown": the spelling of the XMP ConformanceLevel. */
const char *tandem_einv_profile_name(enum tandem_einv_profile p);

/* Profile of a customization id (BT-24), e.g. urn:cen.eu:en16931:2017. */
enum tandem_einv_profile tandem_einv_profile_of_customization(const char *id);

/*
 * Validation rule sets, loaded from a directory laid out as the artefacts
 * are published (the layout of ../shared/data/einvoice/artefacts):
 *   cen/ubl/schematron/preprocessed/EN16931-UBL-validation-preprocessed.sch
 *   cen/cii/schematron/preprocessed/EN16931-CII-validation-preprocessed.sch
 *   xrechnung/schematron-src/ubl/XRechnung-UBL-validation.sch  (optional)
 *   xrechnung/schematron-src/cii/XRechnung-CII-validation.sch  (optional)
 * Loading checks that the files are there; each set is compiled on first
 * use (a few milliseconds), under a lock, so the rules may be shared by
 * threads.
 */
struct tandem_einv_rules;

/* Environment variable naming the artefacts directory. */
#define TANDEM_EINV_ARTEFACTS_ENV "TANDEM_ARTEFACTS"

/*
 * Loads the rule sets under dir (NULL: $TANDEM_ARTEFACTS). Returns 0;
 * TANDEM_EINVAL when dir is NULL and the variable is unset; TANDEM_EIO
 * when a required file is missing or unreadable; TANDEM_EBADINPUT when a
 * file is not a Schematron schema tandem can compile. A finding in d
 * (TANDEM-RULES-LOAD) says which file and why.
 */
int tandem_einv_rules_load(const char *dir, struct tandem_einv_rules **out,
			   struct tandem_diag *d);
void tandem_einv_rules_free(struct tandem_einv_rules *r);

/*
 * Keeps the compiled rule sets in files under dir (NULL: the default,
 * $XDG_CACHE_HOME/tandem, else $HOME/.cache/tandem), so that the next
 * process maps a set instead of compiling it (about 20 ms saved per set;
 * docs/einvoice.md, "Rule cache"). Call it before the first validation.
 * A cache file is used only when written by this build of tandem from
 * artefacts whose content is unchanged; a cache that cannot be read,
 * trusted or written is ignored: validation is never affected, only
 * slower. Returns 0, or TANDEM_EINVAL when dir is NULL and neither
 * variable is set (there is then no cache).
 */
int tandem_einv_rules_cache(struct tandem_einv_rules *r, const char *dir);

/*
 * How the set named set ("CEN-UBL", ...) was loaded: 1 mapped from the
 * cache, 0 compiled (*why, when not NULL, says why the cache was not used
 * and whether it was written), -1 not loaded yet or no cache.
 */
int tandem_einv_rules_cache_state(const struct tandem_einv_rules *r, const char *set,
				  const char **why);

/* What a rule set holds, for `tandem invoice rules`. */
struct tandem_einv_rule {
	const char *set;     /* "CEN-UBL", "CEN-CII", "XRechnung-UBL", "XRechnung-CII" */
	const char *id;      /* e.g. "BR-CO-10" */
	const char *flag;    /* "fatal" or "warning" (as the artefact says) */
	const char *context; /* XPath of the nodes it applies to */
	const char *test;    /* XPath 2.0 condition */
	const char *message; /* as published */
	long line;           /* in the .sch file */
};

/* Compiles every set now; a finding (TANDEM-RULES-LOAD) for a set that
 * cannot be compiled. Call it before listing rules. */
int tandem_einv_rules_compile(struct tandem_einv_rules *r, struct tandem_diag *d);

/* Number of rules and the i-th one (0 <= i < count), set by set, of the
 * sets compiled so far. */
size_t tandem_einv_rules_count(const struct tandem_einv_rules *r);
void tandem_einv_rules_get(const struct tandem_einv_rules *r, size_t i,
			   struct tandem_einv_rule *out);

/* Per-thread validation state (about 64 MiB of address space, reserved
 * lazily). */
struct tandem_einv_validator;

int tandem_einv_validator_new(struct tandem_einv_rules *r,
			      struct tandem_einv_validator **out);
void tandem_einv_validator_free(struct tandem_einv_validator *v);

/* Result of one validation. */
struct tandem_einv_verdict {
	bool valid;            /* no fatal finding of any rule set */
	size_t fatal;          /* failed fatal asserts (each firing counted) */
	size_t warnings;       /* failed warning asserts */
	const char *sets[2];   /* rule sets applied, e.g. "CEN-UBL", "XRechnung-UBL" */
};

/*
 * Validates an opened invoice with the CEN rules of its syntax and, when
 * BT-24 names XRechnung and its rules are loaded, the XRechnung rules.
 * Each failed assert is a finding: rule = the rule id, severity ERROR for
 * flag "fatal" and WARNING otherwise, path = the XPath of the node, line =
 * its source line, message = the rule's message. A rule whose test cannot
 * be evaluated on this input (a type error, a bad number) counts as failed,
 * and its message says why.
 * Returns 0 when validation ran (verdict filled); TANDEM_EUNSUPPORTED when
 * no rule set exists for the syntax (ZUGFeRD 1.0), with a finding;
 * TANDEM_ELIMIT when the document needs more work than the limits allow
 * (verdict incomplete, a finding says so); TANDEM_EIO when a rule set
 * cannot be compiled (a finding says why); TANDEM_ENOMEM.
 */
int tandem_einv_validate(struct tandem_einv_validator *v,
			 const struct tandem_einv_source *src, struct tandem_diag *d,
			 struct tandem_einv_verdict *verdict);

/*
 * Validates with one rule set only ("CEN-UBL", "CEN-CII", "XRechnung-UBL",
 * "XRechnung-CII"), whatever BT-24 says - as a reference validator run with
 * a chosen stylesheet does. TANDEM_ENOENT when the set is unknown or not
 * loaded; otherwise as tandem_einv_validate(). Findings of flag
 * "information" have severity INFO and count neither as fatal nor warning.
 */
int tandem_einv_validate_set(struct tandem_einv_validator *v,
			     const struct tandem_einv_source *src, const char *set,
			     struct tandem_diag *d, struct tandem_einv_verdict *verdict);

#endif /* TANDEM_EINVOICE_H */
