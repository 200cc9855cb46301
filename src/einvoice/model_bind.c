/*
 * src/einvoice/model_bind.c - the binding table resolved for each syntax:
 * the paths of embedded groups joined into their terms' paths, the UBL
 * CreditNote spellings applied, and everything compiled once per process,
 * each syntax's at its first use (a one-file run reads one syntax: building
 * all three cost a cold `tandem invoice validate` some 57 page faults).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include "core/core.h"
#include "einvoice/model.h"
#include "tandem/log.h"

#define BIND_ARENA_MAX (4u << 20)
/* About what one syntax's table takes (70 KB for UBL): faulted in with one
 * system call before it is built, instead of 18 faults one at a time
 * (some 0.15 ms of a one-file run). */
#define BIND_POPULATE (96u << 10)

/* UBL Invoice names and their CreditNote spelling. */
static const struct {
	const char *invoice;
	const char *credit_note;
} cn_names[] = {
	{ "cac:InvoiceLine", "cac:CreditNoteLine" },
	{ "cbc:InvoiceTypeCode", "cbc:CreditNoteTypeCode" },
	{ "cbc:InvoicedQuantity", "cbc:CreditedQuantity" },
};

/* Built under bound_lock, into one arena; bound_state[b] is 0 until
 * binding b is built, then 1 (or 2 when it failed), stored with release
 * order so that a reader who loads it with acquire order sees bound[b]. */
static pthread_mutex_t bound_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tandem_arena arena;
static bool arena_ready;
static char *arena_mem; /* BIND_ARENA_MAX reserved for the fixed arena, or NULL */
static struct einv_bound bound[EINV_B_COUNT_];
static atomic_int bound_state[EINV_B_COUNT_];

/* The row's own path for the binding (NULL: none). */
static const char *own_path(enum einv_binding b, const char *ubl, const char *ubl_cn,
			    const char *cii)
{
	if (b == EINV_B_CII)
		return cii;
	if (b == EINV_B_UBL_CN && ubl_cn != NULL)
		return ubl_cn;
	return ubl;
}

/* Applies the CreditNote spellings to an Invoice path. */
static const char *credit_note(const char *path)
{
	struct tandem_buf buf;
	const char *out = path;
	const char *p = path;

	tandem_buf_init(&buf, 4096);
	while (*p != '\0') {
		size_t i;

		for (i = 0; i < sizeof cn_names / sizeof cn_names[0]; i++) {
			size_t len = strlen(cn_names[i].invoice);

			if (strncmp(p, cn_names[i].invoice, len) == 0 && !(p[len] >= 'A' &&
									 p[len] <= 'z')) {
				(void)tandem_buf_puts(&buf, cn_names[i].credit_note);
				p += len;
				break;
			}
		}
		if (i == sizeof cn_names / sizeof cn_names[0])
			(void)tandem_buf_putc(&buf, *p++);
	}
	if (buf.len > 0)
		out = tandem_arena_strndup(&arena, buf.data, buf.len);
	tandem_buf_release(&buf);
	return out;
}

static const struct einv_path *compile(const char *text, const char *what)
{
	char err[160];
	const struct einv_path *p = einv_path_compile(&arena, text, err, sizeof err);

	if (p == NULL)
		tandem_log(TANDEM_LOG_ERROR, "einvoice", "binding of %s: %s: %s", what, text, err);
	return p;
}

static bool build(enum einv_binding b)
{
	struct einv_bound *bd = &bound[b];
	const char *rel[EINV_G_COUNT_] = { "" };

	bd->term = tandem_arena_calloc(&arena, einv_term_count, sizeof(const struct einv_path *));
	bd->scheme = tandem_arena_calloc(&arena, einv_term_count, sizeof(const struct einv_path *));
	bd->version = tandem_arena_calloc(&arena, einv_term_count, sizeof(const struct einv_path *));
	bd->term_text = tandem_arena_calloc(&arena, einv_term_count, sizeof *bd->term_text);
	bd->group_text = tandem_arena_calloc(&arena, EINV_G_COUNT_, sizeof *bd->group_text);
	if (bd->term == NULL || bd->scheme == NULL || bd->version == NULL ||
	    bd->term_text == NULL || bd->group_text == NULL)
		return false;
	bd->group_text[EINV_G_INVOICE] = "";
	for (int g = 1; g < EINV_G_COUNT_; g++) {
		const struct einv_group *gr = &einv_groups[g];
		const char *own = own_path(b, gr->ubl, gr->ubl_cn, gr->cii);
		const struct einv_group *parent = &einv_groups[gr->parent];
		bool from_parent = parent->many || gr->parent == EINV_G_INVOICE;
		const char *full = from_parent ? own : einv_path_join(&arena, rel[gr->parent], own);

		if (full == NULL)
			return false;
		if (b == EINV_B_UBL_CN && gr->ubl_cn == NULL)
			full = credit_note(full);
		rel[g] = full;
		bd->group_text[g] = full;
		if (gr->many && (bd->group[g] = compile(full, gr->id)) == NULL)
			return false;
	}
	for (size_t i = 0; i < einv_term_count; i++) {
		const struct einv_term *t = &einv_terms[i];
		const struct einv_group *gr = &einv_groups[t->group];
		const char *own = own_path(b, t->ubl, t->ubl_cn, t->cii);
		const char *scheme = b == EINV_B_CII ? t->cii_scheme : t->ubl_scheme;
		const char *full;

		if (own == NULL)
			continue;
		full = gr->many || t->group == EINV_G_INVOICE ?
			       own : einv_path_join(&arena, rel[t->group], own);
		if (full == NULL)
			return false;
		if (b == EINV_B_UBL_CN && t->ubl_cn == NULL)
			full = credit_note(full);
		bd->term_text[i] = full;
		if ((bd->term[i] = compile(full, t->id)) == NULL)
			return false;
		if (t->kind == EINV_ID || t->kind == EINV_IDS) {
			bd->scheme[i] = compile(scheme != NULL ? scheme : "@schemeID", t->id);
			if (bd->scheme[i] == NULL)
				return false;
		}
		if (t->version != NULL && (bd->version[i] = compile(t->version, t->id)) == NULL)
			return false;
	}
	return true;
}

static const char *map_code(size_t term, enum einv_binding b, const char *v, bool to_model)
{
	for (size_t i = 0; v != NULL && i < einv_code_map_count; i++) {
		const struct einv_code_map *m = &einv_code_maps[i];

		if (m->binding == b && strcmp(m->term, einv_terms[term].id) == 0 &&
		    strcmp(to_model ? m->syntax : m->model, v) == 0)
			return to_model ? m->model : m->syntax;
	}
	return v;
}

const char *einv_code_to_model(size_t term, enum einv_binding b, const char *v)
{
	return map_code(term, b, v, true);
}

const char *einv_code_to_syntax(size_t term, enum einv_binding b, const char *v)
{
	return map_code(term, b, v, false);
}

const struct einv_bound *einv_bound_get(enum einv_binding b)
{
	int state = atomic_load_explicit(&bound_state[b], memory_order_acquire);
	if (state == 0) {
		(void)pthread_mutex_lock(&bound_lock);
		state = atomic_load_explicit(&bound_state[b], memory_order_relaxed);
		if (state == 0) {
			if (!arena_ready) {
				void *m = mmap(NULL, BIND_ARENA_MAX, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
				arena_mem = m == MAP_FAILED ? NULL : m;
				if (arena_mem)
					tandem_arena_init_fixed(&arena, arena_mem, BIND_ARENA_MAX);
				else
					tandem_arena_init(&arena, BIND_ARENA_MAX);
				arena_ready = true;
			}
			if (arena_mem) {
				size_t used = tandem_arena_fixed_used(&arena);
				size_t n = BIND_ARENA_MAX - used < BIND_POPULATE ? BIND_ARENA_MAX - used
										 : BIND_POPULATE;
				(void)tandem_pages_populate(arena_mem + used, n);
			}
			state = build(b) ? 1 : 2;
			atomic_store_explicit(&bound_state[b], state, memory_order_release);
		}
		(void)pthread_mutex_unlock(&bound_lock);
	}
	return state == 1 ? &bound[b] : NULL;
}
