/*
 * src/tlog/record_json.c - the JSON form of a log record, one object on one
 * line: written by `tandem log show`, read by `tandem log append`. The
 * reader takes one flat object whose members are the record's version,
 * type, time and fields (tandem/tlog_record.h), each at most once.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "tandem/error.h"
#include "tandem/tlog_record.h"
#include "tlog_int.h"

/* ---- writing ---- */

struct out {
	char *p;
	size_t size, len;
	bool full;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n >= o->size) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void putf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(struct out *o, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	put(o, tmp, n > 0 ? (size_t)n : 0);
}

static void put_string(struct out *o, struct tandem_slice s)
{
	put(o, "\"", 1);
	for (size_t i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];

		if (c == '"' || c == '\\')
			putf(o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			putf(o, "\\u%04x", c);
		else
			put(o, (const char *)&c, 1);
	}
	put(o, "\"", 1);
}

void tlog_format_time(uint64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t > UINT64_C(253402300799) || gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)snprintf(out, 32, "%" PRIu64, t);
}

int tandem_tlog_record_to_json(const struct tandem_tlog_record *r, char *buf, size_t size)
{
	struct out o = { buf, size, 0, false };
	char when[32];
	const char *type = tandem_tlog_type_name(r->type);

	if (size == 0)
		return TANDEM_ELIMIT;
	buf[0] = '\0';
	if (type == NULL)
		return TANDEM_EBADINPUT;
	tlog_format_time(r->time, when);
	putf(&o, "{\"version\": %d, \"type\": \"%s\", \"time\": \"%s\"",
	     TANDEM_TLOG_RECORD_VERSION, type, when);
	for (unsigned tag = 1; tag < TANDEM_TLOG_F_COUNT; tag++) {
		char hex[2 * TANDEM_TLOG_HASH + 1];

		if ((r->present & (UINT32_C(1) << tag)) == 0)
			continue;
		putf(&o, ", \"%s\": ", tlog_field_name(tag));
		switch (tlog_field_kind(tag)) {
		case TANDEM_TLOG_U64:
			putf(&o, "%" PRIu64, r->num[tag]);
			break;
		case TANDEM_TLOG_I64:
			putf(&o, "%" PRId64, (int64_t)r->num[tag]);
			break;
		case TANDEM_TLOG_SHA256:
			if (r->bytes[tag].len != TANDEM_TLOG_HASH)
				return TANDEM_EBADINPUT;
			(void)sodium_bin2hex(hex, sizeof hex, (const unsigned char *)r->bytes[tag].ptr,
					     TANDEM_TLOG_HASH);
			putf(&o, "\"%s\"", hex);
			break;
		default:
			put_string(&o, r->bytes[tag]);
			break;
		}
	}
	put(&o, "}", 1);
	return o.full ? TANDEM_ELIMIT : 0;
}

/* ---- reading ---- */

struct in {
	const char *p, *end;
	char *buf;              /* decoded strings, back to back */
	size_t size, used;
	const char *error;
};

static bool bad(struct in *in, const char *why)
{
	if (in->error == NULL)
		in->error = why;
	return false;
}

static void ws(struct in *in)
{
	while (in->p < in->end && (*in->p == ' ' || *in->p == '\t' || *in->p == '\n' ||
				   *in->p == '\r'))
		in->p++;
}

static bool eat(struct in *in, char c)
{
	ws(in);
	if (in->p >= in->end || *in->p != c)
		return bad(in, "malformed JSON");
	in->p++;
	return true;
}

static bool hex4(struct in *in, unsigned *v)
{
	*v = 0;
	if (in->end - in->p < 4)
		return bad(in, "a \\u escape cut short");
	for (int i = 0; i < 4; i++) {
		char c = *in->p++;
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;

		if (d == 16)
			return bad(in, "a \\u escape that is not hex");
		*v = *v << 4 | d;
	}
	return true;
}

static bool emit(struct in *in, unsigned char c)
{
	if (in->used >= in->size)
		return bad(in, "the strings are too long");
	in->buf[in->used++] = (char)c;
	return true;
}

/* The code point cp as UTF-8. */
static bool emit_cp(struct in *in, unsigned cp)
{
	if (cp < 0x80)
		return emit(in, (unsigned char)cp);
	if (cp < 0x800)
		return emit(in, (unsigned char)(0xc0 | cp >> 6)) &&
		       emit(in, (unsigned char)(0x80 | (cp & 0x3f)));
	if (cp < 0x10000)
		return emit(in, (unsigned char)(0xe0 | cp >> 12)) &&
		       emit(in, (unsigned char)(0x80 | ((cp >> 6) & 0x3f))) &&
		       emit(in, (unsigned char)(0x80 | (cp & 0x3f)));
	return emit(in, (unsigned char)(0xf0 | cp >> 18)) &&
	       emit(in, (unsigned char)(0x80 | ((cp >> 12) & 0x3f))) &&
	       emit(in, (unsigned char)(0x80 | ((cp >> 6) & 0x3f))) &&
	       emit(in, (unsigned char)(0x80 | (cp & 0x3f)));
}

static bool escape(struct in *in)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	unsigned cp, lo;

	if (in->p >= in->end)
		return bad(in, "a string cut short");
	hit = strchr(from, *in->p);
	if (*in->p != 'u')
		return hit != NULL && *in->p != '\0' ? (in->p++, emit(in, (unsigned char)to[hit - from]))
						     : bad(in, "an unknown escape");
	in->p++;
	if (!hex4(in, &cp))
		return false;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return bad(in, "a lone low surrogate");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (in->end - in->p < 2 || in->p[0] != '\\' || in->p[1] != 'u')
			return bad(in, "a lone high surrogate");
		in->p += 2;
		if (!hex4(in, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return bad(in, "a lone high surrogate");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	return cp == 0 ? bad(in, "a NUL in a string") : emit_cp(in, cp);
}

/* A string, decoded into the buffer: *s points at it. */
static bool string(struct in *in, struct tandem_slice *s)
{
	size_t from;

	if (!eat(in, '"'))
		return false;
	from = in->used;
	for (;;) {
		unsigned char c;

		if (in->p >= in->end)
			return bad(in, "a string cut short");
		c = (unsigned char)*in->p++;
		if (c == '"')
			break;
		if (c < 0x20)
			return bad(in, "a control character in a string");
		if (c == '\\' ? !escape(in) : !emit(in, c))
			return false;
	}
	*s = tandem_slice_make(in->buf + from, in->used - from);
	return true;
}

/* An integer: *neg when it has a minus sign, *v its magnitude. */
static bool integer(struct in *in, bool *neg, uint64_t *v)
{
	const char *from;

	ws(in);
	*neg = in->p < in->end && *in->p == '-';
	if (*neg)
		in->p++;
	from = in->p;
	*v = 0;
	while (in->p < in->end && *in->p >= '0' && *in->p <= '9') {
		unsigned d = (unsigned)(*in->p++ - '0');

		if (*v > (UINT64_MAX - d) / 10)
			return bad(in, "a number beyond 64 bits");
		*v = *v * 10 + d;
	}
	if (in->p == from || (in->p - from > 1 && *from == '0'))
		return bad(in, "a number expected (digits, no leading zero)");
	return true;
}

/* The number of the digits s[at..at+n), or -1. */
static int digits(struct tandem_slice s, size_t at, size_t n)
{
	int v = 0;

	for (size_t i = at; i < at + n; i++) {
		if (s.ptr[i] < '0' || s.ptr[i] > '9')
			return -1;
		v = v * 10 + (s.ptr[i] - '0');
	}
	return v;
}

bool tlog_parse_time(struct tandem_slice s, uint64_t *t)
{
	static const char shape[] = "0000-00-00T00:00:00Z";
	int year, mon, day, hour, min, sec;
	struct tm tm;
	time_t v;

	if (s.len != sizeof shape - 1)
		return false;
	for (size_t i = 0; i < s.len; i++)
		if (shape[i] != '0' && s.ptr[i] != shape[i])
			return false;
	year = digits(s, 0, 4);
	mon = digits(s, 5, 2);
	day = digits(s, 8, 2);
	hour = digits(s, 11, 2);
	min = digits(s, 14, 2);
	sec = digits(s, 17, 2);
	if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
	    min < 0 || min > 59 || sec < 0 || sec > 59)
		return false;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	v = timegm(&tm);
	/* timegm carries 31 February into March: refused. */
	if (v < 0 || tm.tm_mday != day || tm.tm_mon != mon - 1)
		return false;
	*t = (uint64_t)v;
	return true;
}

bool tandem_tlog_time_parse(const char *text, uint64_t *t)
{
	return text != NULL && tlog_parse_time(tandem_slice_from_cstr(text), t);
}

static bool time_value(struct in *in, struct tandem_tlog_record *r)
{
	struct tandem_slice s;
	bool neg;

	ws(in);
	if (in->p < in->end && *in->p != '"')
		return integer(in, &neg, &r->time) && (!neg || bad(in, "a time before 1970"));
	return string(in, &s) &&
	       (tlog_parse_time(s, &r->time) || bad(in, "time: not YYYY-MM-DDTHH:MM:SSZ"));
}

static bool field_value(struct in *in, struct tandem_tlog_record *r, unsigned tag)
{
	struct tandem_slice s;
	uint8_t *hash;
	bool neg;
	uint64_t v;

	switch (tlog_field_kind(tag)) {
	case TANDEM_TLOG_U64:
		if (!integer(in, &neg, &v) || (neg && v != 0 && !bad(in, "a negative identifier")))
			return false;
		r->num[tag] = v;
		return true;
	case TANDEM_TLOG_I64:
		if (!integer(in, &neg, &v))
			return false;
		if (v > (neg ? UINT64_C(1) << 63 : (UINT64_C(1) << 63) - 1))
			return bad(in, "an amount beyond 64 bits");
		r->num[tag] = neg ? (uint64_t)0 - v : v;
		return true;
	case TANDEM_TLOG_SHA256:
		if (!string(in, &s))
			return false;
		hash = (uint8_t *)in->buf + in->used;
		if (s.len != (size_t)2 * TANDEM_TLOG_HASH || in->size - in->used < TANDEM_TLOG_HASH ||
		    sodium_hex2bin(hash, TANDEM_TLOG_HASH, s.ptr, s.len, NULL, NULL, NULL) != 0)
			return bad(in, "a hash that is not 64 hex digits");
		in->used += TANDEM_TLOG_HASH;
		r->bytes[tag] = tandem_slice_make((const char *)hash, TANDEM_TLOG_HASH);
		return true;
	default:
		if (!string(in, &s))
			return false;
		r->bytes[tag] = s;
		return true;
	}
}

static bool member(struct in *in, struct tandem_tlog_record *r, uint32_t *seen)
{
	struct tandem_slice key;
	unsigned slot;
	bool neg;
	uint64_t v;

	if (!string(in, &key) || !eat(in, ':'))
		return false;
	in->used -= key.len;    /* the key is not kept */
	if (tandem_slice_eq_cstr(key, "version"))
		slot = 0;
	else if (tandem_slice_eq_cstr(key, "type"))
		slot = TANDEM_TLOG_F_COUNT;
	else if (tandem_slice_eq_cstr(key, "time"))
		slot = TANDEM_TLOG_F_COUNT + 1;
	else
		for (slot = 1; slot < TANDEM_TLOG_F_COUNT; slot++)
			if (tandem_slice_eq_cstr(key, tlog_field_name(slot)))
				break;
	if (slot == TANDEM_TLOG_F_COUNT && !tandem_slice_eq_cstr(key, "type"))
		return bad(in, "an unknown member");
	if ((*seen & (UINT32_C(1) << slot)) != 0)
		return bad(in, "a member given twice");
	*seen |= UINT32_C(1) << slot;
	if (slot == 0)
		return integer(in, &neg, &v) &&
		       (v == TANDEM_TLOG_RECORD_VERSION || bad(in, "an unknown record version"));
	if (slot == TANDEM_TLOG_F_COUNT) {
		struct tandem_slice name;

		if (!string(in, &name))
			return false;
		r->type = tandem_tlog_type_of(name);
		return r->type != 0 || bad(in, "an unknown record type");
	}
	if (slot == TANDEM_TLOG_F_COUNT + 1)
		return time_value(in, r);
	r->present |= UINT32_C(1) << slot;
	return field_value(in, r, slot);
}

int tandem_tlog_record_from_json(const char *json, size_t len, uint64_t now_s,
				 struct tandem_tlog_record *r, char *buf, size_t buf_size,
				 char *why, size_t why_size)
{
	struct in in = { json, json + len, buf, buf_size, 0, NULL };
	uint32_t seen = 0;
	bool ok = eat(&in, '{');

	memset(r, 0, sizeof *r);
	r->time = now_s;
	ws(&in);
	if (ok && in.p < in.end && *in.p == '}')
		ok = bad(&in, "an empty object: no type");
	while (ok) {
		ok = member(&in, r, &seen);
		ws(&in);
		if (ok && in.p < in.end && *in.p == ',') {
			in.p++;
			continue;
		}
		ok = ok && eat(&in, '}');
		break;
	}
	ws(&in);
	if (ok && in.p != in.end)
		ok = bad(&in, "text after the object");
	if (ok && r->type == 0)
		ok = bad(&in, "no type");
	if (!ok) {
		(void)snprintf(why, why_size, "%s", in.error != NULL ? in.error : "malformed JSON");
		return TANDEM_EBADINPUT;
	}
	return 0;
}
