/*
 * src/schematron/xp_rewrite.c - rewrites of parsed XPath expressions into
 * equivalent ones that evaluate faster. Each rewrite states why the result
 * selects exactly what the original does; none changes a value, an order or
 * an error.
 */
#include <string.h>

#include "xp.h"

/* Whether e reads the position or size of the focus it is evaluated in. */
static bool uses_position(const struct xp_expr *e)
{
	if (e->op == XP_OP_CALL && (strcmp(e->fn->name, "position") == 0 ||
				    strcmp(e->fn->name, "last") == 0))
		return true;
	/* The right side of a path and predicates get a focus of their own. */
	size_t kids = e->op == XP_OP_PATH ? 1 : e->nkids;
	for (size_t i = 0; i < kids; i++)
		if (uses_position(e->kids[i]))
			return true;
	return false;
}

bool xp_plain_predicate(const struct xp_expr *e)
{
	if (uses_position(e))
		return false;
	switch (e->op) {
	case XP_OP_OR:
	case XP_OP_AND:
	case XP_OP_GCMP:
	case XP_OP_VCMP:
	case XP_OP_NCMP:
	case XP_OP_STEP:
	case XP_OP_CASTABLE:
		return true;
	case XP_OP_PATH:
		return e->kids[1]->op == XP_OP_STEP;
	case XP_OP_CALL: {
		static const char *const boolean_fns[] = {"not", "exists", "empty", "boolean",
							  "true", "false", "contains", "starts-with",
							  "ends-with", "matches"};
		for (size_t i = 0; i < sizeof boolean_fns / sizeof boolean_fns[0]; i++)
			if (strcmp(e->fn->name, boolean_fns[i]) == 0)
				return true;
		return false;
	}
	default:
		return false;
	}
}

/* Whether b is a child or attribute step, or a union of them, that
 * descendant:: or descendant-attribute:: can replace. */
bool xp_can_descend(const struct xp_expr *b)
{
	if (b->op == XP_OP_STEP && (b->axis == XP_AXIS_CHILD || b->axis == XP_AXIS_ATTRIBUTE)) {
		for (size_t i = 0; i < b->npreds; i++)
			if (!xp_plain_predicate(b->preds[i]))
				return false;
		return true;
	}
	return b->op == XP_OP_UNION && xp_can_descend(b->kids[0]) && xp_can_descend(b->kids[1]);
}

/*
 * descendant::x selects what descendant-or-self::node()/child::x does, and
 * descendant-attribute::x what descendant-or-self::node()/attribute::x does:
 * the attributes of the node and of its descendant elements.
 */
void xp_descend(struct xp_expr *b)
{
	if (b->op == XP_OP_STEP) {
		b->axis = b->axis == XP_AXIS_ATTRIBUTE ? XP_AXIS_DESCENDANT_ATTRIBUTE
						       : XP_AXIS_DESCENDANT;
		return;
	}
	xp_descend(b->kids[0]);
	xp_descend(b->kids[1]);
}
