/*
 * tandem/json.h - JSON (RFC 8259) read into a tree, and written back as
 * Python's json.dumps(value, ensure_ascii=False) writes it.
 *
 * The reader takes what Python's json.loads takes (the literals NaN,
 * Infinity and -Infinity included; a key given twice keeps its first
 * place and its last value) within limits: text, depth, members and
 * elements, number length. It refuses, as not JSON (TANDEM_EBADINPUT),
 * anything else: trailing data, a control character inside a string,
 * bytes that are not UTF-8; and, where Python would go on, a lone UTF-16
 * surrogate escape (\ud800), which no UTF-8 text can hold
 * (TANDEM_EUNSUPPORTED), and input beyond a limit (TANDEM_ELIMIT). So a
 * caller can tell "Python would not read this either" from "tandem does
 * not follow here". Each refusal has a finding TANDEM-JSON with the byte.
 *
 * The tree lives in the caller's arena; strings are copied there (the
 * text may go once parsed).
 *
 *	struct tandem_json *v;
 *	rc = tandem_json_parse(text, len, &arena, &v, &diag);
 *	const struct tandem_json *name = tandem_json_get(v, "name");
 */
#ifndef TANDEM_JSON_H
#define TANDEM_JSON_H

#include <stddef.h>

#include "tandem/arena.h"
#include "tandem/buf.h"
#include "tandem/diag.h"

#define TANDEM_JSON_TEXT_MAX    (1u << 22)  /* bytes of a text */
#define TANDEM_JSON_DEPTH_MAX   64          /* arrays and objects inside each other */
#define TANDEM_JSON_MEMBERS_MAX 4096        /* members of one object */
#define TANDEM_JSON_ITEMS_MAX   (1u << 16)  /* elements of one array */
#define TANDEM_JSON_NUMBER_MAX  256         /* bytes of one number */

enum tandem_json_type {
	TANDEM_JSON_NULL,
	TANDEM_JSON_FALSE,
	TANDEM_JSON_TRUE,
	TANDEM_JSON_NUMBER,
	TANDEM_JSON_STRING,
	TANDEM_JSON_ARRAY,
	TANDEM_JSON_OBJECT,
};

struct tandem_json_member;

struct tandem_json {
	enum tandem_json_type type;
	size_t n;       /* STRING, NUMBER: bytes; ARRAY: elements; OBJECT: members */
	union {
		/* STRING: the value, UTF-8, NUL-terminated (it may hold NUL
		 * bytes: \u0000); NUMBER: as written (NaN, Infinity too). */
		const char *s;
		struct tandem_json *items;
		struct tandem_json_member *members;   /* in their order */
	} u;
};

struct tandem_json_member {
	const char *key;    /* UTF-8, NUL-terminated; key_len bytes */
	size_t key_len;
	struct tandem_json value;
};

/* len bytes of text into *out (allocated in a). 0, or TANDEM_EBADINPUT,
 * TANDEM_EUNSUPPORTED, TANDEM_ELIMIT, TANDEM_ENOMEM with a finding. */
int tandem_json_parse(const char *text, size_t len, struct tandem_arena *a,
		      struct tandem_json **out, struct tandem_diag *d);

/* The value of the member key of an object (the last if twice), NULL when
 * there is none or v is no object. */
const struct tandem_json *tandem_json_get(const struct tandem_json *v, const char *key);

/*
 * Appends v as Python's json.dumps(v, ensure_ascii=False) writes it: ", "
 * between elements, ": " after a key, members in their order; in strings
 * only '"', '\\' and the control characters escaped (\n \r \t \b \f, the
 * others \u00XX), everything else as it is; integers as written ("-0" as
 * 0); other numbers as Python's repr of the double they read as: the
 * shortest digits that read back, "1.0", "0.0001", "1e-05", "1e+16",
 * "Infinity" for what overflows. 0, or TANDEM_ELIMIT / TANDEM_ENOMEM
 * from the buffer.
 */
int tandem_json_write_py(const struct tandem_json *v, struct tandem_buf *out);

/*
 * The same with json.dumps(v, ensure_ascii=False, indent=indent): each
 * element and member on a line of its own, indent spaces deeper than its
 * container (at most 64), "," at the end of a line, an empty array or
 * object as [] or {}.
 */
int tandem_json_write_py_indent(const struct tandem_json *v, unsigned indent,
				struct tandem_buf *out);

/* Appends s (len bytes) as a string the same way. */
int tandem_json_string_py(struct tandem_buf *out, const char *s, size_t len);

#endif /* TANDEM_JSON_H */
