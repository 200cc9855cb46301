/*
 * src/schematron/sch_cand.h - the candidate contexts of a node, for the
 * runner (sch_run.c): which alternatives of which pattern a node of its
 * kind, name, namespace and parent can match at all (sch_cand.c). The
 * runner then matches only those.
 */
#ifndef TANDEM_SCH_CAND_H
#define TANDEM_SCH_CAND_H

#include "schematron_int.h"

/*
 * Per document, each pattern's name groups are looked up by the interned
 * name of the node: a hash table from name pointer to group.
 */
struct sch_dispatch {
	size_t slots; /* power of two */
	const xmlChar **keys;
	const struct sch_name_group **groups;
};

static inline size_t sch_dispatch_slot(const struct sch_dispatch *d, const xmlChar *key)
{
	size_t i = (((uintptr_t)key >> 4) * 0x9E3779B97F4A7C15u) & (d->slots - 1);
	while (d->keys[i] && d->keys[i] != key)
		i = (i + 1) & (d->slots - 1);
	return i;
}

/* The kind of node an alternative asks for (struct sch_alt, node_kind). */
static inline int sch_node_kind(xmlNodePtr n)
{
	return n->type == XML_ELEMENT_NODE	? XML_ELEMENT_NODE
	       : n->type == XML_ATTRIBUTE_NODE ? XML_ATTRIBUTE_NODE
					       : XML_DOCUMENT_NODE;
}

/* The candidates of every pattern: those of pattern p are alts[start[p] .. start[p + 1]). */
struct sch_cand_lists {
	uint32_t *start; /* npatterns + 1 offsets into alts */
	const struct sch_alt **alts;
};

/* A runner's tables of candidates: some for the document, some kept across documents. */
struct sch_cands;

int sch_cands_new(struct sch_cands **out);
void sch_cands_free(struct sch_cands *t);

/*
 * Starts a document: its lists are built in c's scratch memory, and leave
 * out the generic contexts whose node set (generic, by generic_index) is
 * empty. Both must stay until the document's last sch_cands_get().
 */
void sch_cands_begin(struct sch_cands *t, struct xp_ctx *c, const struct xp_seq *generic);

/*
 * The candidates for n (not the document node) under rule set s, whose
 * patterns' dispatch is d: 0 and *out, NULL when the tables are full (then
 * every alternative is a candidate); or the error of c.
 */
int sch_cands_get(struct sch_cands *t, const struct sch_schema *s, const struct sch_dispatch *d,
		  xmlNodePtr n, const struct sch_cand_lists **out);

#endif /* TANDEM_SCH_CAND_H */
