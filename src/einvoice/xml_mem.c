/*
 * src/einvoice/xml_mem.c - libxml2's allocations for one parsed document, in
 * a region of memory of its own.
 *
 * libxml2 builds a tree node by node, one malloc() for every node,
 * attribute, text and buffer, and xmlFreeDoc() frees them one by one: a
 * quarter of the work of opening an invoice. While einv_xml_parse() runs,
 * the thread's libxml2 allocations are carved instead from a region (a
 * slot of one reservation made once per process), freeing one of them
 * does nothing, and the whole region goes back when the document is freed.
 *
 * Why it is safe:
 *   - the functions given to xmlMemSetup() hand everything else to malloc,
 *     realloc and free. A pointer is a region's when it lies inside the
 *     reservation, which is never unmapped: a block from malloc (made
 *     before the setup, outside a parse or by another thread) is never
 *     taken for a region's, and a region's block never reaches free(), even
 *     after its region went back;
 *   - a thread has a region only between einv_xml_region_begin() and
 *     einv_xml_region_end(), around the parse, during which nothing but
 *     libxml2 and the SAX callbacks (which only count) runs on it;
 *   - what libxml2 keeps beyond a parse from xmlMalloc - the thread's last
 *     error, copied with xmlStrdup - is reset before the region ends
 *     (einv_xml_parse); the one global state a document could make it set
 *     up during a parse, its catalogs (<?oasis-xml-catalog?>), is switched
 *     off before any parse (xml.c); its per-thread state and mutexes come
 *     from malloc itself (libxml2 2.9.14's threads.c);
 *   - a block grown after the parse (a dictionary that takes a new name)
 *     moves to malloc; a full region hands the rest of its parse to malloc.
 *     Such a document is freed with xmlFreeDoc(), whose frees of the
 *     region's blocks do nothing, before the region goes back. The others -
 *     no block of the parse went to malloc, and no libxml2 block came from
 *     malloc anywhere since it ended (a count kept over all threads) - have
 *     all their blocks in the region and go with it, without the walk
 *     (einv_xml_region_whole);
 *   - the functions are installed before main(), when no thread can be
 *     inside libxml2, and only over libxml2's own defaults: a program that
 *     installed its own keeps them and parses without regions.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <libxml/xmlmemory.h>

#include "core/core.h"
#include "einvoice_int.h"

#define SLOT_BYTES  ((size_t)64 << 20) /* per document; beyond, malloc */
#define SLOTS       64                 /* documents parsed and alive at once */
#define KEEP_BYTES  ((size_t)16 << 20) /* kept backed when a slot goes back */
#define ALIGN       16                 /* as malloc's */
#define HEADER      16                 /* before each block: its size */

/* A region, at the start of its slot. */
struct einv_xml_region {
	char *base;  /* the slot */
	size_t used; /* bytes of the slot used, this record included */
	size_t last; /* offset of the last block's header: it can grow in place */
	size_t top;  /* the most bytes used at once (a block can shrink) */
	uint64_t outside_at_end; /* `outside` when the parse ended */
	unsigned slot;
	bool spilled; /* a block of the parse went to malloc: the region was full */
};

static char *reserve;      /* SLOTS * SLOT_BYTES, or NULL: no regions */
static size_t backed[SLOTS]; /* bytes at the start of each slot already faulted in */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned free_slot[SLOTS]; /* a stack: the slot freed last is reused first */
static unsigned nfree;
static _Thread_local struct einv_xml_region *current;
/* libxml2's blocks from malloc, by any thread: none since a document's
 * parse ended means none of its blocks lies outside its region. */
static _Atomic uint64_t outside;

static bool in_reserve(const void *p)
{
	uintptr_t u = (uintptr_t)p, lo = (uintptr_t)reserve;
	return reserve && u >= lo && u - lo < (uintptr_t)SLOTS * SLOT_BYTES;
}

static size_t round_up(size_t n)
{
	return (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

/* A block of n bytes from r, or NULL when it does not fit. */
static void *region_alloc(struct einv_xml_region *r, size_t n)
{
	if (n > SLOT_BYTES || HEADER + round_up(n) > SLOT_BYTES - r->used)
		return NULL;
	char *h = r->base + r->used;
	memcpy(h, &n, sizeof n);
	r->last = r->used;
	r->used += HEADER + round_up(n);
	if (r->used > r->top)
		r->top = r->used;
	return h + HEADER;
}

static void *mem_malloc(size_t n)
{
	void *p = current ? region_alloc(current, n) : NULL;
	if (p)
		return p;
	if (current)
		current->spilled = true;
	outside++;
	return malloc(n);
}

static void mem_free(void *p)
{
	if (p && !in_reserve(p))
		free(p);
}

static void *mem_realloc(void *p, size_t n)
{
	if (!p)
		return mem_malloc(n);
	if (!in_reserve(p)) {
		outside++;
		return realloc(p, n);
	}
	size_t old;
	memcpy(&old, (char *)p - HEADER, sizeof old);
	struct einv_xml_region *r = current;
	if (r && (char *)p == r->base + r->last + HEADER && n <= SLOT_BYTES &&
	    round_up(n) <= SLOT_BYTES - r->last - HEADER) {
		/* The last block of the thread's region grows (or shrinks) in place. */
		memcpy((char *)p - HEADER, &n, sizeof n);
		r->used = r->last + HEADER + round_up(n);
		if (r->used > r->top)
			r->top = r->used;
		return p;
	}
	void *q = mem_malloc(n);
	if (q)
		memcpy(q, p, old < n ? old : n);
	return q;
}

static char *mem_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *q = mem_malloc(n);
	if (q)
		memcpy(q, s, n);
	return q;
}

__attribute__((constructor)) static void xml_mem_install(void)
{
	xmlFreeFunc f;
	xmlMallocFunc m;
	xmlReallocFunc r;
	xmlStrdupFunc s;

	if (xmlMemGet(&f, &m, &r, &s) != 0 || f != free || m != malloc || r != realloc)
		return; /* someone else's allocator: leave it */
	void *map = mmap(NULL, (size_t)SLOTS * SLOT_BYTES, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		return; /* no address space to spare: libxml2 keeps malloc */
	reserve = map;
	for (unsigned i = 0; i < SLOTS; i++)
		free_slot[i] = SLOTS - 1 - i;
	nfree = SLOTS;
	if (xmlMemSetup(mem_free, mem_malloc, mem_realloc, mem_strdup) != 0) {
		munmap(map, (size_t)SLOTS * SLOT_BYTES);
		reserve = NULL;
	}
}

/*
 * Faults in, with one system call, the part of slot's memory that a text of
 * len bytes will likely fill: its tree takes 9 to 11 times the text's size
 * (median over the bench files; from 2.3 for a large attachment to 15). A
 * page faulted one by one costs some 10 us on a virtual machine, one of a
 * batch 2 to 3 (docs/einvoice.md, "Speed"): what a one-file run pays. A slot
 * reused keeps its pages (einv_xml_region_free), and is not asked again.
 */
static void prefault(unsigned slot, size_t len)
{
	size_t page = 4096, want = len < KEEP_BYTES / 8 ? len * 8 : KEEP_BYTES;
	want = (want + page - 1) / page * page;
	if (want <= backed[slot])
		return;
	char *from = reserve + (size_t)slot * SLOT_BYTES + backed[slot];
	if (tandem_pages_populate(from, want - backed[slot]))
		backed[slot] = want;
}

struct einv_xml_region *einv_xml_region_begin(size_t len)
{
	TANDEM_ASSERT(current == NULL);
	if (!reserve)
		return NULL;
	pthread_mutex_lock(&lock);
	unsigned slot = nfree ? free_slot[--nfree] : SLOTS;
	pthread_mutex_unlock(&lock);
	if (slot == SLOTS)
		return NULL; /* every slot holds a document: malloc */
	prefault(slot, len);
	struct einv_xml_region *r = (struct einv_xml_region *)(reserve + slot * SLOT_BYTES);
	*r = (struct einv_xml_region){.base = (char *)r, .used = round_up(sizeof *r),
				      .slot = slot};
	current = r;
	return r;
}

void einv_xml_region_end(struct einv_xml_region *r)
{
	TANDEM_ASSERT(current == r);
	current = NULL;
	if (r)
		r->outside_at_end = outside;
}

bool einv_xml_region_whole(const struct einv_xml_region *r)
{
	return r && !r->spilled && outside == r->outside_at_end;
}

void einv_xml_region_free(struct einv_xml_region *r)
{
	if (!r)
		return;
	TANDEM_ASSERT(current != r);
	TANDEM_ASSERT(r->slot < SLOTS && r->base == reserve + r->slot * SLOT_BYTES);
	/* Beyond KEEP_BYTES the pages go back to the system; below, they stay
	 * for the next document (faulting them in again costs more here than
	 * the parse that fills them). */
	if (r->top > KEEP_BYTES)
		madvise(r->base + KEEP_BYTES, r->top - KEEP_BYTES, MADV_DONTNEED);
	unsigned slot = r->slot;
	size_t kept = r->top < KEEP_BYTES ? r->top & ~(size_t)4095 : KEEP_BYTES;
	pthread_mutex_lock(&lock);
	if (kept > backed[slot])
		backed[slot] = kept;
	TANDEM_ASSERT(nfree < SLOTS);
	free_slot[nfree++] = slot;
	pthread_mutex_unlock(&lock);
}
