/*
 * tests/list.h - the registry of tests, one TEST_DECLARE(name) per test.
 * Each test file keeps its own list, included here in running order.
 */
#include "list_core.h"
#include "list_decimal.h"
#include "list_ident.h"
#include "list_einvoice.h"
#include "list_validate.h"
#include "list_model.h"
#include "list_model_detail.h"
#include "list_write.h"
#include "list_store.h"
#include "list_ledger.h"
#include "list_sepa.h"
#include "list_tlog.h"
#include "list_tlog_log.h"
#include "list_cli_log.h"
#include "list_demo.h"
#include "list_xpath.h"
#include "list_cache.h"
#include "list_keep.h"
#include "list_cli.h"
#include "list_fuzz.h"
