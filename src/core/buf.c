/*
 * src/core/buf.c - growable byte buffer with a hard maximum (tandem/buf.h).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "tandem/buf.h"
#include "tandem/slice.h"

/* An empty buffer points here so data is never NULL. Never written to. */
static char empty[1];

void tandem_buf_init(struct tandem_buf *b, size_t max)
{
	b->data = empty;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void tandem_buf_release(struct tandem_buf *b)
{
	if (b->cap)
		tandem_free(b->data);
	tandem_buf_init(b, b->max);
}

void tandem_buf_reset(struct tandem_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->data[0] = '\0';
}

int tandem_buf_grow(struct tandem_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	TANDEM_ASSERT(b->len <= b->max);
	/* The NUL needs one byte more than the content: SIZE_MAX is never
	 * reachable, whatever max says. */
	if (extra > b->max - b->len || extra >= SIZE_MAX - b->len)
		return TANDEM_ELIMIT;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap - 1 > b->max)
		cap = b->max + 1;
	if (cap < need)
		cap = need;
	p = tandem_realloc(b->cap ? b->data : NULL, cap);
	if (p == NULL)
		return TANDEM_ENOMEM;
	if (b->cap == 0)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
}

int tandem_buf_append(struct tandem_buf *b, const void *data, size_t len)
{
	int err = tandem_buf_grow(b, len);

	if (err)
		return err;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	TANDEM_ASSERT(b->len < b->cap);
	return 0;
}

int tandem_buf_puts(struct tandem_buf *b, const char *s)
{
	return tandem_buf_append(b, s, strlen(s));
}

int tandem_buf_putc(struct tandem_buf *b, char c)
{
	return tandem_buf_append(b, &c, 1);
}

int tandem_buf_vprintf(struct tandem_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n, err;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return TANDEM_EINVAL;
	err = tandem_buf_grow(b, (size_t)n);
	if (err)
		return err;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int tandem_buf_printf(struct tandem_buf *b, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = tandem_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return err;
}

int tandem_buf_json_string(struct tandem_buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t start_len = b->len;
	int err = tandem_buf_putc(b, '"');

	for (size_t i = 0; !err && i < len;) {
		unsigned char c = p[i];
		size_t n = tandem_utf8_sequence(s + i, len - i, NULL);
		char esc[8];

		if (n > 1) {
			err = tandem_buf_append(b, p + i, n);
			i += n;
			continue;
		}
		i++;
		switch (c) {
		case '"':  err = tandem_buf_puts(b, "\\\""); break;
		case '\\': err = tandem_buf_puts(b, "\\\\"); break;
		case '\n': err = tandem_buf_puts(b, "\\n"); break;
		case '\r': err = tandem_buf_puts(b, "\\r"); break;
		case '\t': err = tandem_buf_puts(b, "\\t"); break;
		default:
			if (c < 0x20 || c >= 0x7f || n == 0) {
				/* Control byte or a byte of broken UTF-8. */
				snprintf(esc, sizeof esc, "\\u%04x", c);
				err = tandem_buf_puts(b, esc);
			} else {
				err = tandem_buf_putc(b, (char)c);
			}
		}
	}
	if (!err)
		err = tandem_buf_putc(b, '"');
	if (err) {
		/* All or nothing: never leave half a string behind. */
		b->len = start_len;
		if (b->cap)
			b->data[b->len] = '\0';
	}
	return err;
}

char *tandem_buf_detach(struct tandem_buf *b, size_t *len)
{
	char *p;

	if (b->cap == 0 && tandem_buf_grow(b, 0) != 0)
		return NULL;
	p = b->data;
	if (len)
		*len = b->len;
	tandem_buf_init(b, b->max);
	return p;
}
