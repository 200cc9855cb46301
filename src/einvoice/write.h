/*
 * src/einvoice/write.h - the steps of writing that the binding table
 * cannot express, private to src/einvoice/.
 */
#ifndef TANDEM_EINVOICE_WRITE_H
#define TANDEM_EINVOICE_WRITE_H

#include <libxml/tree.h>

#include "einvoice/model.h"
#include "tandem/diag.h"

/* The longest text written in one element (an attachment's base64). */
#define TANDEM_EINV_WRITE_TEXT_MAX (256 << 20)

/* Adds the children the syntax requires that no business term gives (the
 * VAT tax scheme of UBL tax categories, CII's tax type code and trade
 * sections), and repeats the payment means code in every payment means
 * element a second credit transfer account opened. write_fix.c. */
int einv_write_fix(const struct einv_maker *m, enum einv_binding b, struct tandem_diag *d);

/* Puts the children of every element in the order its schema type
 * requires (UBL 2.1; CII D16B as Factur-X 1.08 EN 16931 restricts it).
 * write_order.c. */
int einv_write_order(xmlNodePtr root, enum einv_binding b);

/* The place of child among the children of parent (local names) in the
 * writers' order; -1 when the order does not say. For the tests. */
long einv_write_rank(enum einv_binding b, const char *parent, const char *child);

#endif /* TANDEM_EINVOICE_WRITE_H */
