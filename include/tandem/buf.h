/*
 * tandem/buf.h - growable byte buffer with a mandatory maximum size.
 *
 * A struct tandem_buf holds len bytes at data, always followed by a NUL so it
 * can be used as a C string when it holds text. It grows on demand, but never
 * beyond max bytes of content: an append that would cross the limit fails with
 * TANDEM_ELIMIT and leaves the buffer exactly as it was.
 *
 *	struct tandem_buf b;
 *	tandem_buf_init(&b, 1 << 20);
 *	err = tandem_buf_printf(&b, "%d items", n);
 *	...
 *	tandem_buf_release(&b);
 */
#ifndef TANDEM_BUF_H
#define TANDEM_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct tandem_buf {
	char *data; /* len bytes + NUL; never NULL after init */
	size_t len; /* bytes of content */
	size_t cap; /* bytes allocated at data, the NUL included; 0 if static */
	size_t max; /* hard maximum of len */
};

/* Prepares an empty buffer; no allocation happens until the first append. */
void tandem_buf_init(struct tandem_buf *b, size_t max);

/* Frees the memory and leaves the buffer empty (still usable, same max). */
void tandem_buf_release(struct tandem_buf *b);

/* Empties the buffer, keeping its memory. */
void tandem_buf_reset(struct tandem_buf *b);

/* Makes room for at least extra more bytes. 0, TANDEM_ENOMEM or TANDEM_ELIMIT. */
int tandem_buf_grow(struct tandem_buf *b, size_t extra);

int tandem_buf_append(struct tandem_buf *b, const void *data, size_t len);
int tandem_buf_puts(struct tandem_buf *b, const char *s);
int tandem_buf_putc(struct tandem_buf *b, char c);
int tandem_buf_printf(struct tandem_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int tandem_buf_vprintf(struct tandem_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Appends s[0..len) as a JSON string literal, quotes included (RFC 8259).
 * Control characters and invalid UTF-8 bytes are escaped as \u00XX so the
 * output is always valid JSON whatever the input.
 */
int tandem_buf_json_string(struct tandem_buf *b, const char *s, size_t len);

/*
 * Hands the memory over to the caller (free it with tandem_free) and leaves
 * the buffer empty. Returns NULL on allocation failure for an empty buffer.
 */
char *tandem_buf_detach(struct tandem_buf *b, size_t *len);

#endif /* TANDEM_BUF_H */
