/*
 * tandem/en16931.h - the EN 16931 semantic model of an invoice, its readers
 * and its JSON form.
 *
 * EN 16931-1 defines an invoice as business terms (BT-1 ... BT-165) in
 * business groups (BG-1 ... BG-32), whatever the syntax. struct
 * tandem_einv_invoice holds every one of them, one C member per term, named
 * after it; the comment on each member gives its BT or BG number.
 * tandem_einv_read() fills it from an opened UBL 2.1 Invoice or CreditNote
 * or a UN/CEFACT CII invoice (D16B, and D22B as Factur-X 1.08 uses it),
 * following the syntax bindings EN 16931-3-2 and 3-3. The bindings live in
 * one table, src/einvoice/model_terms.c: one row per term with its id, its
 * name, its UBL path and its CII path, so a reviewer finds any term by its id.
 *
 * Values:
 *   - texts, codes and identifiers are NUL-terminated strings, trimmed of
 *     leading and trailing XML whitespace; NULL when the term is absent;
 *   - dates are written YYYY-MM-DD whatever the syntax wrote (CII format
 *     102, YYYYMMDD, is converted); a date that cannot be read is kept as
 *     written and a finding TANDEM-MODEL-DATE says so;
 *   - amounts, prices, quantities and percentages are exact decimals
 *     (struct tandem_einv_num); a value that is not a decimal keeps its text,
 *     is not set, and gets a finding TANDEM-MODEL-NUMBER;
 *   - attached documents (BT-125) keep their base64 text where the parser
 *     put it; nothing is decoded until tandem_einv_binary_decode() is called.
 * Strings point into the arena given to tandem_einv_open() (or into the
 * parsed document it owns); the model lives as long as that arena.
 *
 * A term given more often than the model allows (e.g. two BT-1) is read
 * from its first occurrence; the schematron rules report the cardinality.
 *
 * Limits: TANDEM_EINV_LINES_MAX invoice lines, TANDEM_EINV_GROUP_MAX
 * occurrences of any other repeated group or term in one parent; beyond,
 * reading stops with TANDEM_ELIMIT and a finding TANDEM-MODEL-LIMIT.
 */
#ifndef TANDEM_EN16931_H
#define TANDEM_EN16931_H

#include <stdbool.h>
#include <stddef.h>

#include "tandem/arena.h"
#include "tandem/buf.h"
#include "tandem/decimal.h"
#include "tandem/diag.h"
#include "tandem/einvoice.h"

#define TANDEM_EINV_LINES_MAX 100000
#define TANDEM_EINV_GROUP_MAX 10000

/* An exact number as the invoice wrote it. */
struct tandem_einv_num {
	bool set;                /* value holds the number */
	struct tandem_dec value;
	const char *text;        /* as written (trimmed); NULL when absent */
};

/* An identifier and its scheme (e.g. BT-29 and BT-29-1). */
struct tandem_einv_id {
	const char *value;
	const char *scheme;      /* scheme identifier, e.g. "0009"; NULL */
	const char *version;     /* scheme version (BT-158-2 only); NULL */
};

struct tandem_einv_ids {
	struct tandem_einv_id *items;
	size_t count;
};

/* An attached document (BT-125). */
struct tandem_einv_binary {
	const char *mime;        /* BT-125-1 */
	const char *filename;    /* BT-125-2 */
	const char *base64;      /* not decoded; NULL when absent */
	size_t base64_len;
	size_t size;             /* bytes once decoded (from the base64 length) */
};

struct tandem_einv_address {     /* BG-5, BG-8, BG-12, BG-15 */
	const char *line1;       /* BT-35 BT-50 BT-64 BT-75 */
	const char *line2;       /* BT-36 BT-51 BT-65 BT-76 */
	const char *line3;       /* BT-162 BT-163 BT-164 BT-165 */
	const char *city;        /* BT-37 BT-52 BT-66 BT-77 */
	const char *post_code;   /* BT-38 BT-53 BT-67 BT-78 */
	const char *subdivision; /* BT-39 BT-54 BT-68 BT-79 */
	const char *country;     /* BT-40 BT-55 BT-69 BT-80 */
};

struct tandem_einv_contact {     /* BG-6, BG-9 */
	const char *point;       /* BT-41 BT-56 */
	const char *telephone;   /* BT-42 BT-57 */
	const char *email;       /* BT-43 BT-58 */
};

/* Seller (BG-4), buyer (BG-7), payee (BG-10), seller tax representative
 * (BG-11). Members a party does not have in EN 16931 stay empty. */
struct tandem_einv_party {
	const char *name;                   /* BT-27 BT-44 BT-59 BT-62 */
	const char *trading_name;           /* BT-28 BT-45 */
	struct tandem_einv_ids ids;         /* BT-29 (0..n), BT-46, BT-60 */
	struct tandem_einv_id legal_id;     /* BT-30 BT-47 BT-61 */
	const char *vat_id;                 /* BT-31 BT-48 BT-63 */
	const char *tax_registration_id;    /* BT-32 */
	const char *legal_info;             /* BT-33 */
	struct tandem_einv_id endpoint;     /* BT-34 BT-49 electronic address */
	struct tandem_einv_address address; /* BG-5 BG-8 BG-12 */
	struct tandem_einv_contact contact; /* BG-6 BG-9 */
};

struct tandem_einv_note {        /* BG-1 */
	const char *subject;     /* BT-21 (UNCL 4451) */
	const char *text;        /* BT-22 */
};

struct tandem_einv_process {     /* BG-2 */
	const char *business_process; /* BT-23 */
	const char *specification;    /* BT-24 */
};

struct tandem_einv_preceding {   /* BG-3 */
	const char *number;      /* BT-25 */
	const char *date;        /* BT-26 */
};

struct tandem_einv_period {      /* BG-14, BG-26 */
	const char *start;       /* BT-73 BT-134 */
	const char *end;         /* BT-74 BT-135 */
};

struct tandem_einv_delivery {    /* BG-13 */
	const char *party_name;           /* BT-70 */
	struct tandem_einv_id location;   /* BT-71 */
	const char *date;                 /* BT-72 */
	struct tandem_einv_period period; /* BG-14 invoicing period */
	struct tandem_einv_address address; /* BG-15 */
};

struct tandem_einv_transfer {    /* BG-17 credit transfer */
	const char *account;     /* BT-84 IBAN or proprietary id */
	const char *account_name; /* BT-85 */
	const char *bic;         /* BT-86 */
};

struct tandem_einv_card {        /* BG-18 */
	const char *pan;         /* BT-87 (at most the last digits) */
	const char *holder;      /* BT-88 */
};

struct tandem_einv_direct_debit { /* BG-19 */
	const char *mandate;     /* BT-89 */
	const char *creditor_id; /* BT-90 */
	const char *debited_account; /* BT-91 */
};

struct tandem_einv_payment {     /* BG-16 */
	const char *means_code;  /* BT-81 (UNCL 4461) */
	const char *means_text;  /* BT-82 */
	const char *remittance;  /* BT-83 */
	struct tandem_einv_transfer *transfers; /* BG-17 */
	size_t n_transfers;
	struct tandem_einv_card card;           /* BG-18 */
	struct tandem_einv_direct_debit debit;  /* BG-19 */
};

/* Allowance or charge: document level (BG-20, BG-21) or line level (BG-27,
 * BG-28, which have no VAT members). */
struct tandem_einv_allowance {
	struct tandem_einv_num amount;   /* BT-92 BT-99 BT-136 BT-141 */
	struct tandem_einv_num base;     /* BT-93 BT-100 BT-137 BT-142 */
	struct tandem_einv_num percent;  /* BT-94 BT-101 BT-138 BT-143 */
	const char *vat_category;        /* BT-95 BT-102 */
	struct tandem_einv_num vat_rate; /* BT-96 BT-103 */
	const char *reason;              /* BT-97 BT-104 BT-139 BT-144 */
	const char *reason_code;         /* BT-98 BT-105 BT-140 BT-145 */
};

struct tandem_einv_totals {      /* BG-22 */
	struct tandem_einv_num line_net;       /* BT-106 */
	struct tandem_einv_num allowances;     /* BT-107 */
	struct tandem_einv_num charges;        /* BT-108 */
	struct tandem_einv_num without_vat;    /* BT-109 */
	struct tandem_einv_num vat;            /* BT-110 */
	struct tandem_einv_num vat_accounting; /* BT-111 */
	struct tandem_einv_num with_vat;       /* BT-112 */
	struct tandem_einv_num paid;           /* BT-113 */
	struct tandem_einv_num rounding;       /* BT-114 */
	struct tandem_einv_num due;            /* BT-115 */
};

struct tandem_einv_vat {         /* BG-23 VAT breakdown */
	struct tandem_einv_num taxable;  /* BT-116 */
	struct tandem_einv_num tax;      /* BT-117 */
	const char *category;            /* BT-118 (UNCL 5305) */
	struct tandem_einv_num rate;     /* BT-119 */
	const char *exemption_reason;    /* BT-120 */
	const char *exemption_code;      /* BT-121 (VATEX) */
};

struct tandem_einv_document {    /* BG-24 additional supporting document */
	const char *id;                  /* BT-122 */
	const char *description;         /* BT-123 */
	const char *uri;                 /* BT-124 */
	struct tandem_einv_binary attachment; /* BT-125 */
};

struct tandem_einv_attribute {   /* BG-32 */
	const char *name;        /* BT-160 */
	const char *value;       /* BT-161 */
};

struct tandem_einv_item {        /* BG-31 */
	const char *name;                    /* BT-153 */
	const char *description;             /* BT-154 */
	const char *seller_id;               /* BT-155 */
	const char *buyer_id;                /* BT-156 */
	struct tandem_einv_id standard_id;   /* BT-157 */
	struct tandem_einv_ids classifications; /* BT-158 (0..n), e.g. CPV */
	const char *origin_country;          /* BT-159 */
	struct tandem_einv_attribute *attributes; /* BG-32 */
	size_t n_attributes;
};

struct tandem_einv_price {       /* BG-29 */
	struct tandem_einv_num net;            /* BT-146 */
	struct tandem_einv_num discount;       /* BT-147 */
	struct tandem_einv_num gross;          /* BT-148 */
	struct tandem_einv_num base_quantity;  /* BT-149 */
	const char *base_unit;                 /* BT-150 */
};

struct tandem_einv_line_vat {    /* BG-30 */
	const char *category;            /* BT-151 */
	struct tandem_einv_num rate;     /* BT-152 */
};

struct tandem_einv_line {        /* BG-25 */
	const char *id;                  /* BT-126 */
	const char *note;                /* BT-127 */
	struct tandem_einv_id object_id; /* BT-128 */
	struct tandem_einv_num quantity; /* BT-129 */
	const char *unit;                /* BT-130 (UN/ECE Rec 20/21) */
	struct tandem_einv_num net_amount; /* BT-131 */
	const char *order_line_ref;      /* BT-132 */
	const char *accounting_ref;      /* BT-133 */
	struct tandem_einv_period period; /* BG-26 */
	struct tandem_einv_allowance *allowances; /* BG-27 */
	size_t n_allowances;
	struct tandem_einv_allowance *charges;    /* BG-28 */
	size_t n_charges;
	struct tandem_einv_price price;  /* BG-29 */
	struct tandem_einv_line_vat vat; /* BG-30 */
	struct tandem_einv_item item;    /* BG-31 */
	long source_line;                /* line of the element in the XML */
};

struct tandem_einv_invoice {
	enum tandem_einv_syntax syntax;  /* where it was read from */
	const char *number;              /* BT-1 */
	const char *issue_date;          /* BT-2 */
	const char *type_code;           /* BT-3 (UNCL 1001) */
	const char *currency;            /* BT-5 (ISO 4217) */
	const char *vat_currency;        /* BT-6 */
	const char *tax_point_date;      /* BT-7 */
	const char *tax_point_code;      /* BT-8 (UNCL 2005) */
	const char *due_date;            /* BT-9 */
	const char *buyer_reference;     /* BT-10 (code service, Leitweg-ID) */
	const char *project_ref;         /* BT-11 */
	const char *contract_ref;        /* BT-12 */
	const char *order_ref;           /* BT-13 (engagement juridique) */
	const char *sales_order_ref;     /* BT-14 */
	const char *receiving_advice_ref; /* BT-15 */
	const char *despatch_advice_ref; /* BT-16 */
	const char *tender_ref;          /* BT-17 */
	struct tandem_einv_id object_id; /* BT-18 */
	const char *buyer_accounting_ref; /* BT-19 */
	const char *payment_terms;       /* BT-20 */
	struct tandem_einv_note *notes;  /* BG-1 */
	size_t n_notes;
	struct tandem_einv_process process; /* BG-2 */
	struct tandem_einv_preceding *preceding; /* BG-3 */
	size_t n_preceding;
	struct tandem_einv_party seller;    /* BG-4 */
	struct tandem_einv_party buyer;     /* BG-7 */
	struct tandem_einv_party payee;     /* BG-10 */
	struct tandem_einv_party tax_representative; /* BG-11 */
	struct tandem_einv_delivery delivery; /* BG-13 */
	struct tandem_einv_payment payment; /* BG-16 */
	struct tandem_einv_allowance *allowances; /* BG-20 */
	size_t n_allowances;
	struct tandem_einv_allowance *charges;    /* BG-21 */
	size_t n_charges;
	struct tandem_einv_totals totals;   /* BG-22 */
	struct tandem_einv_vat *vat;        /* BG-23 */
	size_t n_vat;
	struct tandem_einv_document *documents; /* BG-24 */
	size_t n_documents;
	struct tandem_einv_line *lines;     /* BG-25 */
	size_t n_lines;
};

/*
 * Reads the model from an opened invoice (tandem_einv_open). Returns 0;
 * TANDEM_EUNSUPPORTED for a syntax that is not EN 16931 (ZUGFeRD 1.0), with
 * a finding TANDEM-MODEL-SYNTAX; TANDEM_ELIMIT past the limits above;
 * TANDEM_ENOMEM. Values that cannot be read are findings (warnings), not
 * failures: the model keeps what the invoice says.
 */
int tandem_einv_read(struct tandem_arena *a, const struct tandem_einv_source *src,
		     struct tandem_diag *d, struct tandem_einv_invoice **out);

/*
 * Appends the model as JSON: one object per group, keys "BT-n Name" and
 * "BG-n NAME" as EN 16931-1 names them, absent terms left out, repeated
 * groups as arrays, numbers as strings holding the exact decimal written.
 */
int tandem_einv_to_json(const struct tandem_einv_invoice *inv, struct tandem_buf *out);

/*
 * Writes the model as an e-invoice: syntax TANDEM_EINV_SYNTAX_UBL_INVOICE,
 * _UBL_CREDITNOTE or _CII (D16B, as Factur-X 1.08 and XRechnung use it),
 * appended to out as UTF-8 XML. Every term of the model is written where
 * the binding of the syntax puts it (tandem invoice terms), children in the
 * order of the syntax's schema, so that reading the result gives the same
 * model. UBL amounts carry BT-5 as currencyID; UBL writes the note subject
 * BT-21 as "#CODE#" before the note; CII dates are written YYYYMMDD
 * (format 102). A term that cannot be written is a finding
 * TANDEM-WRITE-SKIPPED (warning) - e.g. BT-111 without BT-6.
 * Returns 0; TANDEM_EINVAL for another syntax; TANDEM_ENOMEM; or the
 * error of out (TANDEM_ELIMIT when it is full).
 */
int tandem_einv_write(const struct tandem_einv_invoice *inv, enum tandem_einv_syntax syntax,
		      struct tandem_diag *d, struct tandem_buf *out);

/* The UBL document an invoice is written as: the same as it came in when it
 * was UBL, else CreditNote for the credit note type codes (BT-3 81, 83,
 * 381, 396, 532) and Invoice for the others. */
enum tandem_einv_syntax tandem_einv_ubl_kind(const struct tandem_einv_invoice *inv);

/* Decodes an attached document into the arena. TANDEM_EBADINPUT when the
 * base64 is malformed. */
int tandem_einv_binary_decode(struct tandem_arena *a, const struct tandem_einv_binary *b,
			      unsigned char **out, size_t *len);

/* The business terms and groups as the model knows them, in EN 16931-1
 * order, for documentation and tools: id ("BT-27"), name, and the path of
 * the term in each syntax ("" when the syntax has no place for it). */
struct tandem_einv_term_info {
	const char *id;
	const char *name;
	const char *group;   /* id of the enclosing group, "" at the top */
	const char *ubl;
	const char *cii;
};
size_t tandem_einv_term_count(void);
void tandem_einv_term_get(size_t i, struct tandem_einv_term_info *out);

/*
 * tandem's own checks of the identifiers an invoice carries, as warnings
 * with ids TANDEM-ID-* (docs/einvoice.md lists them): SIRET and SIREN of
 * seller, buyer and payee when their scheme is 0009 or 0002, VAT ids of
 * seller, buyer and tax representative (French and German numbers checked
 * to the digit; others by their country prefix), IBAN and BIC of every
 * credit transfer, and the Leitweg-ID in BT-10 of an XRechnung invoice.
 */
int tandem_einv_check_ids(const struct tandem_einv_invoice *inv,
			  const struct tandem_einv_source *src, struct tandem_diag *d);

/* Routing keys of a public buyer. */
enum tandem_einv_route {
	TANDEM_EINV_ROUTE_NONE = 0,  /* neither French nor German public routing */
	TANDEM_EINV_ROUTE_CHORUS,    /* France: SIRET, code service, EJ number */
	TANDEM_EINV_ROUTE_LEITWEG,   /* Germany: Leitweg-ID */
};

struct tandem_einv_routing {
	enum tandem_einv_route kind;
	const char *buyer_siret;     /* BT-46 (or BT-47) with scheme 0009 */
	const char *service_code;    /* BT-10 when routing to Chorus Pro */
	const char *commitment;      /* BT-13 legal-commitment number */
	const char *leitweg_id;      /* BT-10 when it is a Leitweg-ID */
	bool valid;                  /* the keys pass their checks */
};

/* Derives the routing keys (no finding; tandem_einv_check_ids reports the
 * identifiers' problems). */
void tandem_einv_routing(const struct tandem_einv_invoice *inv,
			 struct tandem_einv_routing *out);

const char *tandem_einv_route_name(enum tandem_einv_route r); /* "none", "chorus", "leitweg" */

#endif /* TANDEM_EN16931_H */
