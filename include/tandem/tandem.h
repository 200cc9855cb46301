/*
 * tandem/tandem.h - the whole public API of the tandem library.
 *
 * tandem is software for the public finances of French and German
 * administrations: e-invoice intake, budget execution, audit, classification,
 * an embedded LLM engine and a tamper-evident log. Each header below is the
 * reference documentation of its part; docs/ARCHITECTURE.md shows how they
 * fit together.
 */
#ifndef TANDEM_TANDEM_H
#define TANDEM_TANDEM_H

#include "tandem/alloc.h"
#include "tandem/arena.h"
#include "tandem/assert.h"
#include "tandem/buf.h"
#include "tandem/decimal.h"
#include "tandem/diag.h"
#include "tandem/error.h"
#include "tandem/ident.h"
#include "tandem/log.h"
#include "tandem/slice.h"
#include "tandem/version.h"

#endif /* TANDEM_TANDEM_H */
