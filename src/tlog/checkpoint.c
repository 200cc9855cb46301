/*
 * src/tlog/checkpoint.c - reading a signed checkpoint: the body (origin,
 * tree size, base64 root, optional extension lines), a blank line, then
 * signature lines "\u2014 <name> <base64(key id || signature)>". The
 * signature of the log's key must be there and verify; witnesses'
 * signatures are counted and left to their own verifiers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "tandem/error.h"
#include "tlog_int.h"

#define DASH "\xe2\x80\x94 "
#define DASH_LEN 4
#define SIG_LINES_MAX 100
#define B64 sodium_base64_VARIANT_ORIGINAL

/* A refusal, said in why. */
#define bad(why, why_size, ...) tlog_say((why), (why_size), TANDEM_EBADINPUT, __VA_ARGS__)

/* The next line of [*p, end) without its "\n" (which must be there). */
static bool next_line(const char **p, const char *end, const char **line, size_t *len)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));

	if (nl == NULL)
		return false;
	*line = *p;
	*len = (size_t)(nl - *p);
	*p = nl + 1;
	return true;
}

static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return n > 0;
}

static bool parse_size(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* The body: origin, size, root, then extension lines up to the blank one. */
static int body(const char **p, const char *end, struct tandem_tlog_checkpoint *out, char *why,
		size_t why_size)
{
	const char *line;
	size_t len, got = 0;
	char text[64];

	if (!next_line(p, end, &line, &len) || !printable(line, len) ||
	    len > TANDEM_TLOG_ORIGIN_MAX)
		return bad(why, why_size, "the first line is not an origin");
	memcpy(out->origin, line, len);
	out->origin[len] = '\0';
	if (!next_line(p, end, &line, &len) || !parse_size(line, len, &out->size))
		return bad(why, why_size, "the second line is not a tree size");
	if (!next_line(p, end, &line, &len) || len >= sizeof text)
		return bad(why, why_size, "the third line is not a base64 root hash");
	memcpy(text, line, len);
	text[len] = '\0';
	if (sodium_base642bin(out->root, TANDEM_TLOG_HASH, text, len, NULL, &got, NULL, B64) != 0 ||
	    got != TANDEM_TLOG_HASH)
		return bad(why, why_size, "the third line is not a base64 root hash");
	for (;;) {
		if (!next_line(p, end, &line, &len))
			return bad(why, why_size, "no blank line before the signatures");
		if (len == 0)
			return 0;
		if (!printable(line, len))
			return bad(why, why_size, "an extension line that is not text");
	}
}

int tandem_tlog_checkpoint_open(const char *note, size_t len, const char *public_key,
				struct tandem_tlog_checkpoint *out, char *why, size_t why_size)
{
	char name[TANDEM_TLOG_ORIGIN_MAX + 1];
	uint8_t id[4], pk[32];
	const char *p = note, *end = note + len, *line;
	size_t body_len, n;
	bool signed_by_key = false;
	int rc;

	memset(out, 0, sizeof *out);
	if (len > TANDEM_TLOG_NOTE_MAX)
		return bad(why, why_size, "larger than %d bytes", TANDEM_TLOG_NOTE_MAX);
	if (memchr(note, '\0', len) != NULL)
		return bad(why, why_size, "a NUL byte in the checkpoint");
	if (tlog_public_key_parse(public_key, name, id, pk) != 0)
		return bad(why, why_size, "the public key is not a key line "
			   "(<name>+<hex id>+<base64 key>)");
	rc = body(&p, end, out, why, why_size);
	if (rc != 0)
		return rc;
	body_len = (size_t)(p - note) - 1;      /* the signed text ends before the blank line */
	while (p < end) {
		uint8_t sig[4 + crypto_sign_BYTES + 64];
		char b64[256];
		const char *space;
		size_t got = 0;

		if (!next_line(&p, end, &line, &n) || n < DASH_LEN ||
		    memcmp(line, DASH, DASH_LEN) != 0)
			return bad(why, why_size, "a line after the blank one that is not a "
				   "signature (\u2014 name base64)");
		if (++out->signatures > SIG_LINES_MAX)
			return bad(why, why_size, "more than %d signatures", SIG_LINES_MAX);
		line += DASH_LEN;
		n -= DASH_LEN;
		space = memchr(line, ' ', n);
		if (space == NULL || space == line || (size_t)(line + n - space - 1) >= sizeof b64)
			return bad(why, why_size, "a signature line without name and signature");
		memcpy(b64, space + 1, (size_t)(line + n - space - 1));
		b64[line + n - space - 1] = '\0';
		if (sodium_base642bin(sig, sizeof sig, b64, strlen(b64), NULL, &got, NULL, B64) != 0
		    || got < 5)
			return bad(why, why_size, "a signature that is not base64");
		if ((size_t)(space - line) != strlen(name) || memcmp(line, name, strlen(name)) != 0 ||
		    memcmp(sig, id, 4) != 0)
			continue;       /* a witness's, or another key's */
		if (got != 4 + crypto_sign_BYTES ||
		    crypto_sign_verify_detached(sig + 4, (const uint8_t *)note, body_len, pk) != 0)
			return bad(why, why_size, "the signature of %s does not verify: the "
				   "checkpoint was altered or not signed by this key", name);
		signed_by_key = true;
	}
	if (out->signatures == 0)
		return bad(why, why_size, "no signature");
	if (!signed_by_key)
		return bad(why, why_size, "not signed by the key %s", name);
	if (why != NULL && why_size > 0)
		(void)snprintf(why, why_size, "signed by %s", name);
	return 0;
}
