/*
 * src/llm/gguf_int.h - what the GGUF reader's files share: the opened file
 * and the hash index that finds a key or a tensor name at once (and
 * catches the same one twice while reading).
 */
#ifndef TANDEM_GGUF_INT_H
#define TANDEM_GGUF_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tandem/arena.h"
#include "tandem/gguf.h"

/* Open addressing over the names of kv[] or tensors[]: slots hold index + 1
 * (0 is empty); at least twice as many slots as names. */
struct gguf_index {
	uint32_t *slots;
	size_t mask;
	const struct tandem_gguf_kv *kv;          /* one of the two is set */
	const struct tandem_gguf_tensor *tensors;
};

struct tandem_gguf {
	const unsigned char *bytes;   /* the file: mapped (mapped) or the caller's */
	size_t len;
	bool mapped;
	uint32_t version, alignment;
	uint64_t data_offset;         /* where the data section starts */
	struct tandem_gguf_kv *kv;
	size_t n_kv;
	struct tandem_gguf_tensor *tensors;
	size_t n_tensors;
	struct gguf_index kv_index, tensor_index;
	struct tandem_arena arena;    /* everything above but the file */
};

int gguf_index_init(struct gguf_index *x, struct tandem_arena *a, size_t n);
/* Adds name as entry i; TANDEM_EEXIST when the name is there already. */
int gguf_index_add(struct gguf_index *x, struct tandem_gguf_str name, size_t i);
/* The entry of name, or -1. */
long gguf_index_find(const struct gguf_index *x, const char *name, size_t len);

#endif /* TANDEM_GGUF_INT_H */
