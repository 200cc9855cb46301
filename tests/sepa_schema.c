/*
 * tests/sepa_schema.c - validation of payment files against the two
 * schemas of ../shared/data/sepa, in-process with libxml2, for the tests
 * of the SEPA writer and of payment runs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "sepa_schema.h"
#include "test.h"

static char schema_error[512];

static void on_schema_error(void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void on_schema_error(void *ctx, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	if (schema_error[0] != '\0')
		return; /* the first error says enough */
	va_start(ap, fmt);
	vsnprintf(schema_error, sizeof schema_error, fmt, ap);
	va_end(ap);
}

static void quiet(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

/* A schema of ../shared/data/sepa; SKIP when the shared data is missing. */
xmlSchemaPtr load_schema(const char *name)
{
	char path[4096];
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr s;
	FILE *f;

	snprintf(path, sizeof path, "%s/sepa/%s", test_shared_data(), name);
	f = fopen(path, "rb");
	if (f == NULL)
		SKIP("../shared/data/sepa is missing: the payment file is not validated "
		     "against the ISO 20022 and EPC schemas");
	fclose(f);
	pc = xmlSchemaNewParserCtxt(path);
	if (pc == NULL)
		FAIL("cannot read %s", path);
	xmlSchemaSetParserErrors(pc, quiet, quiet, NULL);
	s = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (s == NULL)
		FAIL("%s does not compile as a schema", path);
	return s;
}

/* NULL if xml[0..len) is valid against s, else the first error. */
const char *schema_check(xmlSchemaPtr s, const char *xml, size_t len)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)len, "payment.xml", NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlSchemaValidCtxtPtr ctx = xmlSchemaNewValidCtxt(s);
	int rc;

	schema_error[0] = '\0';
	if (doc == NULL || ctx == NULL) {
		xmlSchemaFreeValidCtxt(ctx);
		xmlFreeDoc(doc);
		return "not well-formed XML";
	}
	xmlSchemaSetValidErrors(ctx, on_schema_error, on_schema_error, NULL);
	rc = xmlSchemaValidateDoc(ctx, doc);
	xmlSchemaFreeValidCtxt(ctx);
	xmlFreeDoc(doc);
	if (rc == 0)
		return NULL;
	return schema_error[0] != '\0' ? schema_error : "invalid (no message)";
}

/* xml must be valid against both schemas. */
void expect_schema_valid(const char *what, const char *xml)
{
	static const char *const names[] = {XSD_ISO, XSD_EPC};

	for (size_t i = 0; i < 2; i++) {
		xmlSchemaPtr s = load_schema(names[i]);
		const char *err = schema_check(s, xml, strlen(xml));

		xmlSchemaFree(s);
		if (err != NULL)
			FAIL("%s is not valid against %s: %s", what, names[i], err);
	}
}

