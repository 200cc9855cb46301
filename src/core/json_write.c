/*
 * src/core/json_write.c - JSON written as Python's json.dumps(value,
 * ensure_ascii=False) writes it (tandem/json.h), so that a text made
 * here is byte for byte the one a Python program makes of the same value:
 * what a language model was trained on.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem/json.h"

int tandem_json_string_py(struct tandem_buf *out, const char *s, size_t len)
{
	int rc = tandem_buf_putc(out, '"');
	size_t from = 0;

	for (size_t i = 0; i < len && rc == 0; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char hex[8];

		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			if (c >= 0x20)
				continue;
			(void)snprintf(hex, sizeof hex, "\\u%04x", c);
			esc = hex;
		}
		rc = tandem_buf_append(out, s + from, i - from);
		if (rc == 0)
			rc = tandem_buf_puts(out, esc);
		from = i + 1;
	}
	if (rc == 0)
		rc = tandem_buf_append(out, s + from, len - from);
	return rc == 0 ? tandem_buf_putc(out, '"') : rc;
}

/* An integer as written: -?(0|[1-9][0-9]*). */
static bool is_integer(const char *s, size_t n)
{
	size_t i = s[0] == '-' ? 1 : 0;

	if (i >= n)
		return false;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * Python's repr of a double: the shortest digits that read back as x
 * (at most 17), then fixed notation when the decimal point falls within
 * -4 < decpt <= 16 ("0.0001", "1e+16" beyond), with ".0" for an integral
 * value, else d.ddde±XX with at least two digits of exponent.
 */
static int put_double(struct tandem_buf *out, double x)
{
	static const char zeros[] = "0000000000000000";
	char e[40], digits[24], r[64];
	const char *sign = signbit(x) ? "-" : "";
	size_t nd = 0;
	int decpt;

	if (isnan(x))
		return tandem_buf_puts(out, "NaN");
	if (isinf(x))
		return tandem_buf_puts(out, x < 0 ? "-Infinity" : "Infinity");
	if (x == 0)
		return tandem_buf_puts(out, signbit(x) ? "-0.0" : "0.0");
	for (int p = 1; p <= 17; p++) {
		(void)snprintf(e, sizeof e, "%.*e", p - 1, x);
		if (strtod(e, NULL) == x)
			break;
	}
	/* e is [-]d[.ddd]e±XX: its digits without trailing zeros, and where
	 * the decimal point goes (0.d1d2... times 10^decpt). */
	for (const char *c = e; *c != 'e'; c++)
		if (*c >= '0' && *c <= '9')
			digits[nd++] = *c;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	decpt = atoi(strchr(e, 'e') + 1) + 1;
	if (decpt > -4 && decpt <= 0)
		(void)snprintf(r, sizeof r, "%s0.%.*s%s", sign, -decpt, zeros, digits);
	else if (decpt > 0 && decpt <= 16 && (size_t)decpt >= nd)
		(void)snprintf(r, sizeof r, "%s%s%.*s.0", sign, digits, decpt - (int)nd, zeros);
	else if (decpt > 0 && decpt <= 16)
		(void)snprintf(r, sizeof r, "%s%.*s.%s", sign, decpt, digits, digits + decpt);
	else
		(void)snprintf(r, sizeof r, "%s%c%s%se%c%02d", sign, digits[0], nd > 1 ? "." : "",
			       digits + 1, decpt - 1 < 0 ? '-' : '+', abs(decpt - 1));
	return tandem_buf_puts(out, r);
}

static int put_number(struct tandem_buf *out, const struct tandem_json *v)
{
	double x;

	if (is_integer(v->u.s, v->n))
		/* Python's int: "-0" reads as 0. */
		return v->n == 2 && v->u.s[0] == '-' && v->u.s[1] == '0'
			       ? tandem_buf_putc(out, '0')
			       : tandem_buf_append(out, v->u.s, v->n);
	x = strtod(v->u.s, NULL);
	return put_double(out, x);
}

/* A line break and the indentation of level (indent < 0: none, a space). */
static int newline(struct tandem_buf *out, int indent, unsigned level)
{
	int rc = indent < 0 ? 0 : tandem_buf_putc(out, '\n');

	for (size_t k = 0; indent > 0 && k < (size_t)indent * level && rc == 0; k++)
		rc = tandem_buf_putc(out, ' ');
	return rc;
}

/* v at level (containers inside containers), indent spaces a level or
 * none (indent < 0). */
static int write_py(const struct tandem_json *v, struct tandem_buf *out, int indent,
		    unsigned level)
{
	bool obj = v->type == TANDEM_JSON_OBJECT;
	int rc = 0;

	switch (v->type) {
	case TANDEM_JSON_NULL: return tandem_buf_puts(out, "null");
	case TANDEM_JSON_FALSE: return tandem_buf_puts(out, "false");
	case TANDEM_JSON_TRUE: return tandem_buf_puts(out, "true");
	case TANDEM_JSON_NUMBER: return put_number(out, v);
	case TANDEM_JSON_STRING: return tandem_json_string_py(out, v->u.s, v->n);
	case TANDEM_JSON_ARRAY:
	case TANDEM_JSON_OBJECT:
		rc = tandem_buf_putc(out, obj ? '{' : '[');
		for (size_t i = 0; i < v->n && rc == 0; i++) {
			const struct tandem_json_member *m = obj ? &v->u.members[i] : NULL;

			/* ", " without indentation; with it "," and a line. */
			if (i > 0)
				rc = tandem_buf_puts(out, indent < 0 ? ", " : ",");
			if (rc == 0 && indent >= 0)
				rc = newline(out, indent, level + 1);
			if (rc == 0 && m != NULL)
				rc = tandem_json_string_py(out, m->key, m->key_len);
			if (rc == 0 && m != NULL)
				rc = tandem_buf_puts(out, ": ");
			if (rc == 0)
				rc = write_py(m != NULL ? &m->value : &v->u.items[i], out, indent,
					      level + 1);
		}
		if (rc == 0 && v->n > 0 && indent >= 0)
			rc = newline(out, indent, level);
		return rc == 0 ? tandem_buf_putc(out, obj ? '}' : ']') : rc;
	}
	return rc;
}

int tandem_json_write_py(const struct tandem_json *v, struct tandem_buf *out)
{
	return write_py(v, out, -1, 0);
}

int tandem_json_write_py_indent(const struct tandem_json *v, unsigned indent,
				struct tandem_buf *out)
{
	return write_py(v, out, indent > 64 ? 64 : (int)indent, 0);
}
