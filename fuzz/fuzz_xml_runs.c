/*
 * fuzz/fuzz_xml_runs.c - fuzz target of the stand-ins einv_xml_parse()
 * gives libxml2 for long runs of plain text (src/einvoice/xml_scan.c):
 * for any bytes, einv_xml_parse() must build the tree libxml2 alone
 * builds from them, or report the error libxml2 alone reports, at the
 * same line (fuzz/xml_same.h). The seeds are small documents with runs
 * of base64 between tags, in comments, in CDATA sections, after the root
 * element, with line feeds, carriage returns or neither.
 */
#include "fuzz.h"
#include "tandem/error.h"
#include "xml_same.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	int rc = xml_same_check((const char *)data, size);
	TANDEM_ASSERT(rc == 0 || rc == TANDEM_EBADINPUT || rc == TANDEM_ELIMIT ||
		      rc == TANDEM_ENOMEM);
	return 0;
}
