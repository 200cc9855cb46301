/*
 * tests/test_buf.c - unit tests of the bounded buffer and its JSON string
 * encoder (tandem/buf.h), of string slices (tandem/slice.h) and of the
 * CPU feature check (core/cpu.h). Expected outputs are written out by hand
 * from the headers.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tandem/alloc.h"
#include "tandem/arena.h"
#include "tandem/assert.h"
#include "tandem/buf.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/log.h"
#include "tandem/slice.h"
#include "tandem/version.h"

#include "core/cpu.h"
#include "core_helpers.h"
#include "test.h"

/* ---------------------------------------------------------------- buf */

TEST(core_buf_init_empty)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 100);
	ASSERT(b.data != NULL);
	ASSERT_STR_EQ(b.data, "");
	ASSERT_EQ(b.len, 0);
	ASSERT_EQ(b.max, 100);
	tandem_buf_release(&b);
	ASSERT(b.data != NULL);
	ASSERT_EQ(b.len, 0);
}

TEST(core_buf_append_forms)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_buf_append(&b, "abc", 3), 0);
	ASSERT_STR_EQ(b.data, "abc");
	ASSERT_EQ(tandem_buf_puts(&b, "def"), 0);
	ASSERT_STR_EQ(b.data, "abcdef");
	ASSERT_EQ(tandem_buf_putc(&b, 'g'), 0);
	ASSERT_STR_EQ(b.data, "abcdefg");
	ASSERT_EQ(tandem_buf_printf(&b, "%d-%s|%05.1f", 42, "x", 2.25), 0);
	ASSERT_STR_EQ(b.data, "abcdefg42-x|002.2");
	ASSERT_EQ(b.len, strlen("abcdefg42-x|002.2"));
	ASSERT_EQ(tandem_buf_puts(&b, ""), 0);
	ASSERT_EQ(tandem_buf_append(&b, "zzz", 0), 0);
	ASSERT_EQ(tandem_buf_printf(&b, "%s", ""), 0);
	ASSERT_EQ(b.len, strlen("abcdefg42-x|002.2"));
	ASSERT_EQ(b.data[b.len], '\0');
	ASSERT_LT(b.len, b.cap);
	tandem_buf_release(&b);
}

TEST(core_buf_binary_and_nul)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_buf_append(&b, "a\0b", 3), 0);
	ASSERT_EQ(b.len, 3);
	ASSERT_MEM_EQ(b.data, "a\0b", 4);
	ASSERT_EQ(tandem_buf_putc(&b, '\0'), 0);
	ASSERT_EQ(b.len, 4);
	ASSERT_EQ(b.data[3], '\0');
	ASSERT_EQ(b.data[4], '\0');
	tandem_buf_release(&b);
}

TEST(core_buf_growth)
{
	struct tandem_buf b;
	const size_t total = 100003;

	tandem_buf_init(&b, 1 << 20);
	while (b.len < total) {
		char chunk[7];
		size_t n = total - b.len < 7 ? total - b.len : 7;

		for (size_t j = 0; j < n; j++)
			chunk[j] = (char)('a' + (b.len + j) % 26);
		ASSERT_EQ(tandem_buf_append(&b, chunk, n), 0);
		ASSERT_EQ(b.data[b.len], '\0');
		ASSERT_LT(b.len, b.cap);
	}
	ASSERT_EQ(b.len, total);
	for (size_t i = 0; i < total; i++)
		ASSERT_EQ(b.data[i], 'a' + i % 26);
	ASSERT_EQ(strlen(b.data), total);
	tandem_buf_release(&b);
	core_assert_no_leaks();
}

TEST(core_buf_max_exact)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 10);
	ASSERT_EQ(tandem_buf_append(&b, "0123456789", 10), 0);
	ASSERT_STR_EQ(b.data, "0123456789");
	ASSERT_EQ(tandem_buf_putc(&b, 'x'), TANDEM_ELIMIT);
	ASSERT_EQ(tandem_buf_puts(&b, "y"), TANDEM_ELIMIT);
	ASSERT_EQ(tandem_buf_append(&b, "zz", 2), TANDEM_ELIMIT);
	ASSERT_EQ(b.len, 10);
	ASSERT_STR_EQ(b.data, "0123456789");
	/* Appending nothing at the limit is fine. */
	ASSERT_EQ(tandem_buf_append(&b, "", 0), 0);
	tandem_buf_release(&b);

	/* An append crossing the limit is refused whole, not cut. */
	tandem_buf_init(&b, 10);
	ASSERT_EQ(tandem_buf_puts(&b, "012345678"), 0);
	ASSERT_EQ(tandem_buf_puts(&b, "ab"), TANDEM_ELIMIT);
	ASSERT_STR_EQ(b.data, "012345678");
	ASSERT_EQ(b.len, 9);
	ASSERT_EQ(tandem_buf_putc(&b, '9'), 0);
	ASSERT_STR_EQ(b.data, "0123456789");
	tandem_buf_release(&b);

	/* A buffer of max 0 takes nothing. */
	tandem_buf_init(&b, 0);
	ASSERT_EQ(tandem_buf_putc(&b, 'a'), TANDEM_ELIMIT);
	ASSERT_STR_EQ(b.data, "");
	tandem_buf_release(&b);
}

TEST(core_buf_printf_over_max)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 10);
	ASSERT_EQ(tandem_buf_puts(&b, "abc"), 0);
	ASSERT_EQ(tandem_buf_printf(&b, "%s-%d", "hello", 12345), TANDEM_ELIMIT);
	ASSERT_EQ(b.len, 3);
	ASSERT_STR_EQ(b.data, "abc");
	ASSERT_EQ(tandem_buf_printf(&b, "%d", 1234567), 0);
	ASSERT_STR_EQ(b.data, "abc1234567");
	ASSERT_EQ(tandem_buf_printf(&b, "%c", 'x'), TANDEM_ELIMIT);
	ASSERT_STR_EQ(b.data, "abc1234567");
	tandem_buf_release(&b);

	/* Over the limit on an empty buffer too. */
	tandem_buf_init(&b, 4);
	ASSERT_EQ(tandem_buf_printf(&b, "%s", "hello"), TANDEM_ELIMIT);
	ASSERT_EQ(b.len, 0);
	ASSERT_STR_EQ(b.data, "");
	tandem_buf_release(&b);
}

TEST(core_buf_grow)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 100);
	ASSERT_EQ(tandem_buf_grow(&b, 101), TANDEM_ELIMIT);
	ASSERT_EQ(tandem_buf_grow(&b, 100), 0);
	ASSERT_GE(b.cap, 101);
	ASSERT_STR_EQ(b.data, "");
	ASSERT_EQ(tandem_buf_puts(&b, "abc"), 0);
	ASSERT_EQ(tandem_buf_grow(&b, 98), TANDEM_ELIMIT);
	ASSERT_EQ(tandem_buf_grow(&b, 97), 0);
	ASSERT_STR_EQ(b.data, "abc");
	tandem_buf_release(&b);

	/* Growth failing for lack of memory reports ENOMEM, buffer intact. */
	tandem_buf_init(&b, 1 << 20);
	ASSERT_EQ(tandem_buf_puts(&b, "keep"), 0);
	tandem_alloc_fail_at(1);
	ASSERT_EQ(tandem_buf_grow(&b, 100000), TANDEM_ENOMEM);
	ASSERT_STR_EQ(b.data, "keep");
	ASSERT_EQ(b.len, 4);
	tandem_buf_release(&b);
}

TEST(core_buf_max_size_max)
{
	struct tandem_buf b;

	/*
	 * SIZE_MAX is the natural maximum for "as large as memory allows".
	 * Such a buffer must work normally and refuse an impossible growth.
	 */
	tandem_buf_init(&b, SIZE_MAX);
	ASSERT_EQ(tandem_buf_puts(&b, "hello"), 0);
	ASSERT_STR_EQ(b.data, "hello");
	ASSERT_LT(b.len, b.cap);
	ASSERT(tandem_buf_grow(&b, SIZE_MAX - 5) != 0);
	ASSERT_STR_EQ(b.data, "hello");
	tandem_buf_release(&b);
}

TEST(core_buf_reset_keeps_memory)
{
	struct tandem_buf b;
	char *data;
	size_t cap;

	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_buf_puts(&b, "some text that takes room"), 0);
	data = b.data;
	cap = b.cap;
	tandem_buf_reset(&b);
	ASSERT_EQ(b.len, 0);
	ASSERT_STR_EQ(b.data, "");
	ASSERT(b.data == data);
	ASSERT_EQ(b.cap, cap);

	/* Refilling within the old size takes nothing from the heap. */
	unsigned long before = tandem_alloc_calls();
	ASSERT_EQ(tandem_buf_puts(&b, "again"), 0);
	ASSERT_EQ(tandem_alloc_calls(), before);
	ASSERT(b.data == data);
	ASSERT_STR_EQ(b.data, "again");
	tandem_buf_release(&b);

	/* Resetting a buffer that never allocated is harmless. */
	tandem_buf_init(&b, 10);
	tandem_buf_reset(&b);
	ASSERT_STR_EQ(b.data, "");
	ASSERT_EQ(b.len, 0);
	tandem_buf_release(&b);
}

TEST(core_buf_release_reusable)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 8);
	ASSERT_EQ(tandem_buf_puts(&b, "12345678"), 0);
	tandem_buf_release(&b);
	ASSERT_EQ(b.len, 0);
	ASSERT_EQ(b.max, 8);
	ASSERT_STR_EQ(b.data, "");
	ASSERT_EQ(tandem_buf_puts(&b, "abcdefgh"), 0);
	ASSERT_EQ(tandem_buf_putc(&b, 'i'), TANDEM_ELIMIT);
	ASSERT_STR_EQ(b.data, "abcdefgh");
	tandem_buf_release(&b);
	tandem_buf_release(&b);
	core_assert_no_leaks();
}

TEST(core_buf_detach)
{
	struct tandem_buf b;
	size_t len = 0;
	char *s;

	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_buf_printf(&b, "detached %d", 7), 0);
	s = tandem_buf_detach(&b, &len);
	ASSERT(s != NULL);
	ASSERT_STR_EQ(s, "detached 7");
	ASSERT_EQ(len, 10);
	ASSERT_EQ(b.len, 0);
	ASSERT(b.data != NULL);
	ASSERT(b.data != s);
	ASSERT_STR_EQ(b.data, "");
	ASSERT_EQ(b.max, 1 << 16);

	/* The buffer is independent of the string it handed over. */
	ASSERT_EQ(tandem_buf_puts(&b, "new"), 0);
	ASSERT_STR_EQ(s, "detached 7");
	ASSERT_STR_EQ(b.data, "new");
	tandem_free(s);
	s = tandem_buf_detach(&b, NULL);
	ASSERT(s != NULL);
	ASSERT_STR_EQ(s, "new");
	tandem_free(s);
	tandem_buf_release(&b);
	core_assert_no_leaks();
}

TEST(core_buf_detach_empty)
{
	struct tandem_buf b;
	size_t len = 99;
	char *s;

	tandem_buf_init(&b, 16);
	s = tandem_buf_detach(&b, &len);
	ASSERT(s != NULL);
	ASSERT_STR_EQ(s, "");
	ASSERT_EQ(len, 0);
	tandem_free(s);

	/* An empty buffer may need memory to detach; failure gives NULL. */
	tandem_alloc_fail_at(1);
	s = tandem_buf_detach(&b, &len);
	if (s != NULL) {
		ASSERT_STR_EQ(s, "");
		tandem_free(s);
	}
	tandem_alloc_fail_at(0);
	tandem_buf_release(&b);
	core_assert_no_leaks();
}

TEST(core_buf_json_escapes)
{
	ASSERT_STR_EQ(core_json_of("", 0), "\"\"");
	ASSERT_STR_EQ(core_json_of("plain text", 10), "\"plain text\"");
	ASSERT_STR_EQ(core_json_of("say \"hi\"", 8), "\"say \\\"hi\\\"\"");
	ASSERT_STR_EQ(core_json_of("a\\b", 3), "\"a\\\\b\"");
	ASSERT_STR_EQ(core_json_of("\n\r\t", 3), "\"\\n\\r\\t\"");
	ASSERT_STR_EQ(core_json_of("\x01\x1f", 2), "\"\\u0001\\u001f\"");
	ASSERT_STR_EQ(core_json_of("\b\f\x1b", 3), "\"\\u0008\\u000c\\u001b\"");
	ASSERT_STR_EQ(core_json_of("/ ~ }", 5), "\"/ ~ }\"");
	/* Only len bytes are read. */
	ASSERT_STR_EQ(core_json_of("abc\"def", 3), "\"abc\"");
}

TEST(core_buf_json_utf8_valid)
{
	/* e-acute (2 bytes), euro sign (3 bytes), G clef (4 bytes). */
	const char *s = "\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e";

	ASSERT_STR_EQ(core_json_of(s, strlen(s)),
		      "\"\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e\"");
	/* The first and last code points of each length. */
	s = "\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf";
	char expect[64];
	snprintf(expect, sizeof expect, "\"%s\"", s);
	ASSERT_STR_EQ(core_json_of(s, strlen(s)), expect);
}

TEST(core_buf_json_utf8_invalid)
{
	ASSERT_STR_EQ(core_json_of("\xc3", 1), "\"\\u00c3\"");
	ASSERT_STR_EQ(core_json_of("a\xc3z", 3), "\"a\\u00c3z\"");
	ASSERT_STR_EQ(core_json_of("\xff", 1), "\"\\u00ff\"");
	ASSERT_STR_EQ(core_json_of("\xfe", 1), "\"\\u00fe\"");
	ASSERT_STR_EQ(core_json_of("\x80", 1), "\"\\u0080\"");
	/* Overlong encodings of '/' and of U+0000. */
	ASSERT_STR_EQ(core_json_of("\xc0\xaf", 2), "\"\\u00c0\\u00af\"");
	ASSERT_STR_EQ(core_json_of("\xe0\x80\xaf", 3), "\"\\u00e0\\u0080\\u00af\"");
	ASSERT_STR_EQ(core_json_of("\xc0\x80", 2), "\"\\u00c0\\u0080\"");
	/* A UTF-16 surrogate encoded in UTF-8. */
	ASSERT_STR_EQ(core_json_of("\xed\xa0\x80", 3), "\"\\u00ed\\u00a0\\u0080\"");
	/* Beyond U+10FFFF. */
	ASSERT_STR_EQ(core_json_of("\xf4\x90\x80\x80", 4),
		      "\"\\u00f4\\u0090\\u0080\\u0080\"");
	/* A sequence cut short by the end of input. */
	ASSERT_STR_EQ(core_json_of("\xe2\x82", 2), "\"\\u00e2\\u0082\"");
	/* A broken lead byte does not swallow a valid sequence after it. */
	ASSERT_STR_EQ(core_json_of("\xc3\xc3\xa9", 3), "\"\\u00c3\xc3\xa9\"");
}

TEST(core_buf_json_nul)
{
	ASSERT_STR_EQ(core_json_of("a\0b", 3), "\"a\\u0000b\"");
	ASSERT_STR_EQ(core_json_of("\0", 1), "\"\\u0000\"");
}

TEST(core_buf_json_appends)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 100);
	ASSERT_EQ(tandem_buf_puts(&b, "{\"k\":"), 0);
	ASSERT_EQ(tandem_buf_json_string(&b, "v\n", 2), 0);
	ASSERT_EQ(tandem_buf_putc(&b, '}'), 0);
	ASSERT_STR_EQ(b.data, "{\"k\":\"v\\n\"}");
	tandem_buf_release(&b);
}

TEST(core_buf_json_limit_all_or_nothing)
{
	struct tandem_buf b;

	tandem_buf_init(&b, 12);
	ASSERT_EQ(tandem_buf_puts(&b, "abc"), 0);
	/* Needs 13 bytes of output. */
	ASSERT_EQ(tandem_buf_json_string(&b, "hello world", 11), TANDEM_ELIMIT);
	ASSERT_EQ(b.len, 3);
	ASSERT_STR_EQ(b.data, "abc");
	/* Fails on the escapes. */
	ASSERT_EQ(tandem_buf_json_string(&b, "\x01\x02", 2), TANDEM_ELIMIT);
	ASSERT_EQ(b.len, 3);
	ASSERT_STR_EQ(b.data, "abc");
	/* Everything but the closing quote fits. */
	ASSERT_EQ(tandem_buf_json_string(&b, "12345678", 8), TANDEM_ELIMIT);
	ASSERT_EQ(b.len, 3);
	ASSERT_STR_EQ(b.data, "abc");
	/* Exactly fits. */
	ASSERT_EQ(tandem_buf_json_string(&b, "1234567", 7), 0);
	ASSERT_STR_EQ(b.data, "abc\"1234567\"");
	tandem_buf_release(&b);

	/* On a buffer that has not allocated yet. */
	tandem_buf_init(&b, 4);
	ASSERT_EQ(tandem_buf_json_string(&b, "abcdef", 6), TANDEM_ELIMIT);
	ASSERT_EQ(b.len, 0);
	ASSERT_STR_EQ(b.data, "");
	tandem_buf_release(&b);

	/* Out of memory half-way is all or nothing too. */
	char fill[61];
	memset(fill, 'f', 60);
	fill[60] = '\0';
	tandem_buf_init(&b, 1 << 16);
	ASSERT_EQ(tandem_buf_puts(&b, fill), 0);
	ASSERT_EQ(tandem_buf_grow(&b, 0), 0);
	size_t cap = b.cap;
	char big[300];
	memset(big, 'g', sizeof big);
	tandem_alloc_fail_at(1);
	ASSERT_EQ(tandem_buf_json_string(&b, big, sizeof big), TANDEM_ENOMEM);
	ASSERT_EQ(b.len, 60);
	ASSERT_STR_EQ(b.data, fill);
	ASSERT_LE(b.cap, cap + 400);
	tandem_buf_release(&b);
}

/* ---------------------------------------------------------------- slice */

/* Shorthand for a slice over a string literal, embedded NULs included. */
#define SL(lit) tandem_slice_make((lit), sizeof(lit) - 1)

TEST(core_slice_from_cstr)
{
	const char *text = "abc";
	struct tandem_slice s = tandem_slice_from_cstr(NULL);

	ASSERT_EQ(s.len, 0);
	ASSERT(tandem_slice_eq_cstr(s, ""));
	ASSERT(tandem_slice_eq(s, SL("")));
	s = tandem_slice_from_cstr(text);
	ASSERT(s.ptr == text);
	ASSERT_EQ(s.len, 3);
	s = tandem_slice_from_cstr("");
	ASSERT_EQ(s.len, 0);
}

TEST(core_slice_eq)
{
	char copy[] = "abc";

	ASSERT(tandem_slice_eq(SL("abc"), tandem_slice_from_cstr(copy)));
	ASSERT(!tandem_slice_eq(SL("abc"), SL("abd")));
	ASSERT(!tandem_slice_eq(SL("abc"), SL("ab")));
	ASSERT(!tandem_slice_eq(SL("ab"), SL("abc")));
	ASSERT(tandem_slice_eq(SL(""), SL("")));
	/* Bytes after an embedded NUL still count. */
	ASSERT(!tandem_slice_eq(SL("a\0b"), SL("a\0c")));
	ASSERT(tandem_slice_eq(SL("a\0b"), SL("a\0b")));

	ASSERT(tandem_slice_eq_cstr(tandem_slice_make("abcdef", 3), "abc"));
	ASSERT(!tandem_slice_eq_cstr(tandem_slice_make("abcdef", 3), "abcd"));
	ASSERT(!tandem_slice_eq_cstr(tandem_slice_make("abcdef", 3), "ab"));
	ASSERT(!tandem_slice_eq_cstr(SL("a\0"), "a"));
	ASSERT(tandem_slice_eq_cstr(SL(""), ""));
	ASSERT(!tandem_slice_eq_cstr(SL(""), "x"));
}

TEST(core_slice_has_prefix)
{
	ASSERT(tandem_slice_has_prefix(SL("invoice.xml"), "inv"));
	ASSERT(tandem_slice_has_prefix(SL("invoice.xml"), ""));
	ASSERT(tandem_slice_has_prefix(SL("invoice.xml"), "invoice.xml"));
	ASSERT(!tandem_slice_has_prefix(SL("invoice.xml"), "invoice.xmlx"));
	ASSERT(!tandem_slice_has_prefix(SL("invoice.xml"), "nv"));
	/* The slice's length bounds the comparison, not the NUL. */
	ASSERT(!tandem_slice_has_prefix(tandem_slice_make("abcdef", 2), "abc"));
	ASSERT(tandem_slice_has_prefix(tandem_slice_make("abcdef", 3), "abc"));
	ASSERT(tandem_slice_has_prefix(SL(""), ""));
	ASSERT(!tandem_slice_has_prefix(SL(""), "a"));
}

TEST(core_slice_trim)
{
	struct tandem_slice s;
	const char *text = "abc";

	s = tandem_slice_trim(SL(" \t\r\n\v\fa b\t\r\n\v\f "));
	ASSERT(tandem_slice_eq_cstr(s, "a b"));
	s = tandem_slice_trim(SL(" \t\r\n\v\f"));
	ASSERT_EQ(s.len, 0);
	s = tandem_slice_trim(SL(""));
	ASSERT_EQ(s.len, 0);
	s = tandem_slice_trim(tandem_slice_from_cstr(text));
	ASSERT(s.ptr == text);
	ASSERT_EQ(s.len, 3);
	/* Each kind alone, at either end. */
	const char kinds[] = " \t\r\n\v\f";
	for (size_t i = 0; i < sizeof kinds - 1; i++) {
		char lead[3] = {kinds[i], 'x', '\0'};
		char trail[3] = {'x', kinds[i], '\0'};
		ASSERT(tandem_slice_eq_cstr(
			tandem_slice_trim(tandem_slice_from_cstr(lead)), "x"));
		ASSERT(tandem_slice_eq_cstr(
			tandem_slice_trim(tandem_slice_from_cstr(trail)), "x"));
	}
	/* Not ASCII whitespace: NUL, NBSP in Latin-1 and in UTF-8, NEL. */
	s = tandem_slice_trim(SL("\0x\0"));
	ASSERT_EQ(s.len, 3);
	s = tandem_slice_trim(SL("\xa0x\x85"));
	ASSERT_EQ(s.len, 3);
	s = tandem_slice_trim(SL("\xc2\xa0x"));
	ASSERT_EQ(s.len, 3);
	/* Trimming only looks at the slice, not at the bytes after it. */
	s = tandem_slice_trim(tandem_slice_make(" ab cd", 3));
	ASSERT(tandem_slice_eq_cstr(s, "ab"));
}

TEST(core_slice_cut)
{
	struct tandem_slice in = SL("key=value=x"), before, after;

	ASSERT(tandem_slice_cut(in, '=', &before, &after));
	ASSERT(tandem_slice_eq_cstr(before, "key"));
	ASSERT(tandem_slice_eq_cstr(after, "value=x"));
	ASSERT(before.ptr == in.ptr);
	ASSERT(after.ptr == in.ptr + 4);

	in = SL("novalue");
	ASSERT(!tandem_slice_cut(in, '=', &before, &after));
	ASSERT(before.ptr == in.ptr);
	ASSERT_EQ(before.len, in.len);
	ASSERT_EQ(after.len, 0);

	ASSERT(tandem_slice_cut(SL("=v"), '=', &before, &after));
	ASSERT_EQ(before.len, 0);
	ASSERT(tandem_slice_eq_cstr(after, "v"));
	ASSERT(tandem_slice_cut(SL("k="), '=', &before, &after));
	ASSERT(tandem_slice_eq_cstr(before, "k"));
	ASSERT_EQ(after.len, 0);

	ASSERT(!tandem_slice_cut(SL(""), '=', &before, &after));
	ASSERT_EQ(before.len, 0);
	ASSERT_EQ(after.len, 0);

	/* The separator beyond the slice's end does not count. */
	ASSERT(!tandem_slice_cut(tandem_slice_make("ab=c", 2), '=', &before,
				 &after));
	/* NUL is a separator like any other. */
	ASSERT(tandem_slice_cut(SL("a\0b"), '\0', &before, &after));
	ASSERT(tandem_slice_eq_cstr(before, "a"));
	ASSERT(tandem_slice_eq_cstr(after, "b"));
}

TEST(core_slice_has_nul)
{
	ASSERT(tandem_slice_has_nul(SL("ab\0c")));
	ASSERT(tandem_slice_has_nul(SL("\0")));
	ASSERT(!tandem_slice_has_nul(SL("abc")));
	ASSERT(!tandem_slice_has_nul(SL("")));
	/* The terminator after the slice is not part of it. */
	ASSERT(!tandem_slice_has_nul(tandem_slice_make("a", 1)));
}

TEST(core_slice_zero_initialised)
{
	/*
	 * A zero-initialised slice {NULL, 0} is the empty slice a struct
	 * member starts as; every function must take it without touching
	 * memory (UBSan reports NULL passed to memcmp or memchr).
	 */
	struct tandem_slice z = {NULL, 0}, before, after;

	ASSERT(tandem_slice_eq(z, SL("")));
	ASSERT(tandem_slice_eq_cstr(z, ""));
	ASSERT(tandem_slice_has_prefix(z, ""));
	ASSERT(!tandem_slice_has_prefix(z, "a"));
	ASSERT_EQ(tandem_slice_trim(z).len, 0);
	ASSERT(!tandem_slice_has_nul(z));
	ASSERT(!tandem_slice_cut(z, '=', &before, &after));
	ASSERT_EQ(before.len, 0);
	ASSERT_EQ(after.len, 0);
}

TEST(core_utf8_sequence)
{
	unsigned cp = 0;

	ASSERT_EQ(tandem_utf8_sequence("A", 1, &cp), 1);
	ASSERT_EQ(cp, 'A');
	ASSERT_EQ(tandem_utf8_sequence("\xc3\xa9", 2, &cp), 2);      /* é */
	ASSERT_EQ(cp, 0xe9);
	ASSERT_EQ(tandem_utf8_sequence("\xe2\x82\xac", 3, &cp), 3);  /* € */
	ASSERT_EQ(cp, 0x20ac);
	ASSERT_EQ(tandem_utf8_sequence("\xf0\x9d\x84\x9e", 4, &cp), 4); /* 𝄞 */
	ASSERT_EQ(cp, 0x1d11e);
	ASSERT_EQ(tandem_utf8_sequence("\xc2\x9b", 2, &cp), 2);      /* C1 CSI */
	ASSERT_EQ(cp, 0x9b);
	/* Invalid: cut short, overlong, surrogate, above U+10FFFF, stray. */
	ASSERT_EQ(tandem_utf8_sequence("\xe2\x82", 2, NULL), 0);
	ASSERT_EQ(tandem_utf8_sequence("\xc0\xaf", 2, NULL), 0);
	ASSERT_EQ(tandem_utf8_sequence("\xe0\x80\xaf", 3, NULL), 0);
	ASSERT_EQ(tandem_utf8_sequence("\xed\xa0\x80", 3, NULL), 0);
	ASSERT_EQ(tandem_utf8_sequence("\xf4\x90\x80\x80", 4, NULL), 0);
	ASSERT_EQ(tandem_utf8_sequence("\x80", 1, NULL), 0);
	ASSERT_EQ(tandem_utf8_sequence("\xc3" "A", 2, NULL), 0);
}

/*
 * tandem_cpu_has() against the compiler's own detection, feature by
 * feature: the two read the same CPUID and XCR0 bits their own way.
 */
TEST(core_cpu_features_as_the_compiler_sees_them)
{
#if defined(__x86_64__)
	__builtin_cpu_init();
	ASSERT_EQ(tandem_cpu_has(TANDEM_CPU_POPCNT), __builtin_cpu_supports("popcnt") != 0);
	ASSERT_EQ(tandem_cpu_has(TANDEM_CPU_AVX2), __builtin_cpu_supports("avx2") != 0);
	ASSERT_EQ(tandem_cpu_has(TANDEM_CPU_FMA), __builtin_cpu_supports("fma") != 0);
	ASSERT_EQ(tandem_cpu_has(TANDEM_CPU_AVX512F), __builtin_cpu_supports("avx512f") != 0);
	ASSERT_EQ(tandem_cpu_has(TANDEM_CPU_AVX512BW), __builtin_cpu_supports("avx512bw") != 0);
	ASSERT_EQ(tandem_cpu_has(TANDEM_CPU_AVX512DQ), __builtin_cpu_supports("avx512dq") != 0);
	ASSERT_EQ(tandem_cpu_has(TANDEM_CPU_AVX512VL), __builtin_cpu_supports("avx512vl") != 0);
	ASSERT_EQ(tandem_cpu_has(TANDEM_CPU_AVX512VNNI), __builtin_cpu_supports("avx512vnni") != 0);
	ASSERT_EQ(tandem_cpu_has(TANDEM_CPU_AVX512VBMI), __builtin_cpu_supports("avx512vbmi") != 0);
	/* A mask asks for all of its features. */
	ASSERT_EQ(tandem_cpu_has(TANDEM_CPU_AVX2 | TANDEM_CPU_AVX512F),
		  tandem_cpu_has(TANDEM_CPU_AVX2) && tandem_cpu_has(TANDEM_CPU_AVX512F));
	ASSERT(tandem_cpu_has(0));
#else
	ASSERT(!tandem_cpu_has(TANDEM_CPU_AVX2));
#endif
}
