/*
 * tests/sepa_schema.h - payment files checked against the ISO 20022
 * pain.001.001.09 schema and the EPC's SCT customer-to-PSP schema of
 * ../shared/data/sepa.
 */
#ifndef TANDEM_TEST_SEPA_SCHEMA_H
#define TANDEM_TEST_SEPA_SCHEMA_H

#include <stddef.h>

#include <libxml/xmlschemas.h>

#define XSD_ISO "pain.001.001.09.xsd"
#define XSD_EPC "pain.001.001.09.EPC132-08-2023-SCT-C2PSP.xsd"

/* A schema of ../shared/data/sepa; SKIP when the shared data is missing. */
xmlSchemaPtr load_schema(const char *name);
/* NULL if xml[0..len) is valid against s, else the first error. */
const char *schema_check(xmlSchemaPtr s, const char *xml, size_t len);
/* xml must be valid against both schemas (FAIL otherwise). */
void expect_schema_valid(const char *what, const char *xml);

#endif /* TANDEM_TEST_SEPA_SCHEMA_H */
