/*
 * src/einvoice/model_terms.c - EN 16931-1 business groups and terms and
 * their syntax bindings: UBL 2.1 (EN 16931-3-2) and UN/CEFACT CII
 * (EN 16931-3-3). The path language is described in model.h.
 *
 * Conventions of the bindings that the rows rely on:
 *   - UBL CreditNote: cac:InvoiceLine, cbc:InvoiceTypeCode and
 *     cbc:InvoicedQuantity are spelt CreditNoteLine, CreditNoteTypeCode and
 *     CreditedQuantity (model_bind.c renames them); BT-9, BT-11 and BG-24
 *     have their own CreditNote paths (column ubl_cn).
 *   - UBL BT-21: the note subject code is written at the start of the note
 *     as #CODE# (the convention of Peppol BIS and XRechnung); the reader
 *     splits it off.
 *   - UBL BT-90 is a party identifier of the seller (or payee) with scheme
 *     SEPA, so BT-29 and BT-60 leave that scheme out.
 *   - BT-110 and BT-111 are the tax totals whose currency is BT-5 and BT-6.
 */
#include <stddef.h>

#include "einvoice/model.h"

#define INV(m) offsetof(struct tandem_einv_invoice, m)
#define PTY(m) offsetof(struct tandem_einv_party, m)
#define ADR(m) offsetof(struct tandem_einv_address, m)
#define CON(m) offsetof(struct tandem_einv_contact, m)
#define ALW(m) offsetof(struct tandem_einv_allowance, m)
#define LIN(m) offsetof(struct tandem_einv_line, m)

/* Array group: member and its count in the parent struct. */
#define MANY(type, m, n) true, offsetof(type, m), offsetof(type, n)
#define ONE(type, m) false, offsetof(type, m), 0

/* Frequent CII prefixes. */
#define CII_DOC "rsm:ExchangedDocument/"
#define CII_TX "rsm:SupplyChainTradeTransaction/"
#define CII_AGR CII_TX "ram:ApplicableHeaderTradeAgreement/"
#define CII_DLV CII_TX "ram:ApplicableHeaderTradeDelivery/"
#define CII_SET CII_TX "ram:ApplicableHeaderTradeSettlement/"

const struct einv_group einv_groups[EINV_G_COUNT_] = {
	[EINV_G_INVOICE] = { "", "INVOICE", -1, false, 0, 0, 0, "", NULL, "" },
	[EINV_G_NOTE] = { "BG-1", "INVOICE NOTE", EINV_G_INVOICE,
		MANY(struct tandem_einv_invoice, notes, n_notes),
		sizeof(struct tandem_einv_note),
		"cbc:Note", NULL, CII_DOC "ram:IncludedNote" },
	[EINV_G_PROCESS] = { "BG-2", "PROCESS CONTROL", EINV_G_INVOICE,
		ONE(struct tandem_einv_invoice, process), 0,
		"", NULL, "rsm:ExchangedDocumentContext" },
	[EINV_G_PRECEDING] = { "BG-3", "PRECEDING INVOICE REFERENCE", EINV_G_INVOICE,
		MANY(struct tandem_einv_invoice, preceding, n_preceding),
		sizeof(struct tandem_einv_preceding),
		"+cac:BillingReference/cac:InvoiceDocumentReference", NULL,
		CII_SET "ram:InvoiceReferencedDocument" },
	[EINV_G_SELLER] = { "BG-4", "SELLER", EINV_G_INVOICE,
		ONE(struct tandem_einv_invoice, seller), 0,
		"cac:AccountingSupplierParty/cac:Party", NULL,
		CII_AGR "ram:SellerTradeParty" },
	[EINV_G_SELLER_ADDRESS] = { "BG-5", "SELLER POSTAL ADDRESS", EINV_G_SELLER,
		ONE(struct tandem_einv_party, address), 0,
		"cac:PostalAddress", NULL, "ram:PostalTradeAddress" },
	[EINV_G_SELLER_CONTACT] = { "BG-6", "SELLER CONTACT", EINV_G_SELLER,
		ONE(struct tandem_einv_party, contact), 0,
		"cac:Contact", NULL, "ram:DefinedTradeContact" },
	[EINV_G_BUYER] = { "BG-7", "BUYER", EINV_G_INVOICE,
		ONE(struct tandem_einv_invoice, buyer), 0,
		"cac:AccountingCustomerParty/cac:Party", NULL,
		CII_AGR "ram:BuyerTradeParty" },
	[EINV_G_BUYER_ADDRESS] = { "BG-8", "BUYER POSTAL ADDRESS", EINV_G_BUYER,
		ONE(struct tandem_einv_party, address), 0,
		"cac:PostalAddress", NULL, "ram:PostalTradeAddress" },
	[EINV_G_BUYER_CONTACT] = { "BG-9", "BUYER CONTACT", EINV_G_BUYER,
		ONE(struct tandem_einv_party, contact), 0,
		"cac:Contact", NULL, "ram:DefinedTradeContact" },
	[EINV_G_PAYEE] = { "BG-10", "PAYEE", EINV_G_INVOICE,
		ONE(struct tandem_einv_invoice, payee), 0,
		"cac:PayeeParty", NULL, CII_SET "ram:PayeeTradeParty" },
	[EINV_G_TAXREP] = { "BG-11", "SELLER TAX REPRESENTATIVE PARTY", EINV_G_INVOICE,
		ONE(struct tandem_einv_invoice, tax_representative), 0,
		"cac:TaxRepresentativeParty", NULL,
		CII_AGR "ram:SellerTaxRepresentativeTradeParty" },
	[EINV_G_TAXREP_ADDRESS] = { "BG-12", "SELLER TAX REPRESENTATIVE POSTAL ADDRESS",
		EINV_G_TAXREP, ONE(struct tandem_einv_party, address), 0,
		"cac:PostalAddress", NULL, "ram:PostalTradeAddress" },
	[EINV_G_DELIVERY] = { "BG-13", "DELIVERY INFORMATION", EINV_G_INVOICE,
		ONE(struct tandem_einv_invoice, delivery), 0,
		"cac:Delivery", NULL, CII_TX "ram:ApplicableHeaderTradeDelivery" },
	[EINV_G_PERIOD] = { "BG-14", "INVOICING PERIOD", EINV_G_DELIVERY,
		ONE(struct tandem_einv_delivery, period), 0,
		"../cac:InvoicePeriod", NULL,
		"../ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod" },
	[EINV_G_DELIVERY_ADDRESS] = { "BG-15", "DELIVER TO ADDRESS", EINV_G_DELIVERY,
		ONE(struct tandem_einv_delivery, address), 0,
		"cac:DeliveryLocation/cac:Address", NULL,
		"ram:ShipToTradeParty/ram:PostalTradeAddress" },
	[EINV_G_PAYMENT] = { "BG-16", "PAYMENT INSTRUCTIONS", EINV_G_INVOICE,
		ONE(struct tandem_einv_invoice, payment), 0,
		"+cac:PaymentMeans", NULL,
		CII_SET "+ram:SpecifiedTradeSettlementPaymentMeans" },
	[EINV_G_TRANSFER] = { "BG-17", "CREDIT TRANSFER", EINV_G_PAYMENT,
		MANY(struct tandem_einv_payment, transfers, n_transfers),
		sizeof(struct tandem_einv_transfer),
		"cac:PayeeFinancialAccount", NULL,
		"ram:PayeePartyCreditorFinancialAccount" },
	[EINV_G_CARD] = { "BG-18", "PAYMENT CARD INFORMATION", EINV_G_PAYMENT,
		ONE(struct tandem_einv_payment, card), 0,
		"cac:CardAccount", NULL, "ram:ApplicableTradeSettlementFinancialCard" },
	[EINV_G_DEBIT] = { "BG-19", "DIRECT DEBIT", EINV_G_PAYMENT,
		ONE(struct tandem_einv_payment, debit), 0,
		"cac:PaymentMandate", NULL, "" },
	[EINV_G_ALLOWANCE] = { "BG-20", "DOCUMENT LEVEL ALLOWANCES", EINV_G_INVOICE,
		MANY(struct tandem_einv_invoice, allowances, n_allowances),
		sizeof(struct tandem_einv_allowance),
		"cac:AllowanceCharge[cbc:ChargeIndicator='false']", NULL,
		CII_SET "ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator='false']" },
	[EINV_G_CHARGE] = { "BG-21", "DOCUMENT LEVEL CHARGES", EINV_G_INVOICE,
		MANY(struct tandem_einv_invoice, charges, n_charges),
		sizeof(struct tandem_einv_allowance),
		"cac:AllowanceCharge[cbc:ChargeIndicator='true']", NULL,
		CII_SET "ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator='true']" },
	[EINV_G_TOTALS] = { "BG-22", "DOCUMENT TOTALS", EINV_G_INVOICE,
		ONE(struct tandem_einv_invoice, totals), 0,
		"cac:LegalMonetaryTotal", NULL,
		CII_SET "ram:SpecifiedTradeSettlementHeaderMonetarySummation" },
	[EINV_G_VAT] = { "BG-23", "VAT BREAKDOWN", EINV_G_INVOICE,
		MANY(struct tandem_einv_invoice, vat, n_vat),
		sizeof(struct tandem_einv_vat),
		"cac:TaxTotal/cac:TaxSubtotal", NULL, CII_SET "ram:ApplicableTradeTax" },
	[EINV_G_DOCUMENT] = { "BG-24", "ADDITIONAL SUPPORTING DOCUMENTS", EINV_G_INVOICE,
		MANY(struct tandem_einv_invoice, documents, n_documents),
		sizeof(struct tandem_einv_document),
		"cac:AdditionalDocumentReference[cbc:DocumentTypeCode!='130']",
		"cac:AdditionalDocumentReference[cbc:DocumentTypeCode!='130']"
		"[cbc:DocumentTypeCode!='50']",
		CII_AGR "ram:AdditionalReferencedDocument[ram:TypeCode='916']" },
	[EINV_G_LINE] = { "BG-25", "INVOICE LINE", EINV_G_INVOICE,
		MANY(struct tandem_einv_invoice, lines, n_lines),
		sizeof(struct tandem_einv_line),
		"cac:InvoiceLine", NULL, CII_TX "ram:IncludedSupplyChainTradeLineItem" },
	[EINV_G_LINE_PERIOD] = { "BG-26", "INVOICE LINE PERIOD", EINV_G_LINE,
		ONE(struct tandem_einv_line, period), 0,
		"cac:InvoicePeriod", NULL,
		"ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod" },
	[EINV_G_LINE_ALLOWANCE] = { "BG-27", "INVOICE LINE ALLOWANCES", EINV_G_LINE,
		MANY(struct tandem_einv_line, allowances, n_allowances),
		sizeof(struct tandem_einv_allowance),
		"cac:AllowanceCharge[cbc:ChargeIndicator='false']", NULL,
		"ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge"
		"[ram:ChargeIndicator/udt:Indicator='false']" },
	[EINV_G_LINE_CHARGE] = { "BG-28", "INVOICE LINE CHARGES", EINV_G_LINE,
		MANY(struct tandem_einv_line, charges, n_charges),
		sizeof(struct tandem_einv_allowance),
		"cac:AllowanceCharge[cbc:ChargeIndicator='true']", NULL,
		"ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeAllowanceCharge"
		"[ram:ChargeIndicator/udt:Indicator='true']" },
	[EINV_G_PRICE] = { "BG-29", "PRICE DETAILS", EINV_G_LINE,
		ONE(struct tandem_einv_line, price), 0,
		"cac:Price", NULL, "ram:SpecifiedLineTradeAgreement" },
	[EINV_G_LINE_VAT] = { "BG-30", "LINE VAT INFORMATION", EINV_G_LINE,
		ONE(struct tandem_einv_line, vat), 0,
		"cac:Item/cac:ClassifiedTaxCategory", NULL,
		"ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax" },
	[EINV_G_ITEM] = { "BG-31", "ITEM INFORMATION", EINV_G_LINE,
		ONE(struct tandem_einv_line, item), 0,
		"cac:Item", NULL, "ram:SpecifiedTradeProduct" },
	[EINV_G_ATTRIBUTE] = { "BG-32", "ITEM ATTRIBUTES", EINV_G_ITEM,
		MANY(struct tandem_einv_item, attributes, n_attributes),
		sizeof(struct tandem_einv_attribute),
		"cac:AdditionalItemProperty", NULL, "ram:ApplicableProductCharacteristic" },
};

/* T: a term in both syntaxes; S: with scheme paths (ID, IDS). */
#define T(id, name, g, kind, off, ubl, cii) \
	{ id, name, EINV_G_##g, EINV_##kind, off, ubl, NULL, cii, NULL, NULL, NULL }
#define S(id, name, g, kind, off, ubl, cii, ubl_scheme, cii_scheme) \
	{ id, name, EINV_G_##g, EINV_##kind, off, ubl, NULL, cii, ubl_scheme, cii_scheme, NULL }

/* Address rows, the same for the four addresses. */
#define ADDRESS(G, L1, L2, L3, CITY, PC, SUB, CC, WHAT)                            \
	T(L1, WHAT " address line 1", G, TEXT, ADR(line1), "cbc:StreetName",        \
	  "ram:LineOne"),                                                           \
	T(L2, WHAT " address line 2", G, TEXT, ADR(line2),                          \
	  "cbc:AdditionalStreetName", "ram:LineTwo"),                               \
	T(L3, WHAT " address line 3", G, TEXT, ADR(line3),                          \
	  "cac:AddressLine/cbc:Line", "ram:LineThree"),                             \
	T(CITY, WHAT " city", G, TEXT, ADR(city), "cbc:CityName", "ram:CityName"),  \
	T(PC, WHAT " post code", G, TEXT, ADR(post_code), "cbc:PostalZone",         \
	  "ram:PostcodeCode"),                                                      \
	T(SUB, WHAT " country subdivision", G, TEXT, ADR(subdivision),              \
	  "cbc:CountrySubentity", "ram:CountrySubDivisionName"),                    \
	T(CC, WHAT " country code", G, TEXT, ADR(country),                          \
	  "cac:Country/cbc:IdentificationCode", "ram:CountryID")

#define CONTACT(G, POINT, TEL, MAIL, WHAT)                                         \
	T(POINT, WHAT " contact point", G, TEXT, CON(point), "cbc:Name",            \
	  "ram:PersonName|ram:DepartmentName"),                                     \
	T(TEL, WHAT " contact telephone number", G, TEXT, CON(telephone),           \
	  "cbc:Telephone", "ram:TelephoneUniversalCommunication/ram:CompleteNumber"), \
	T(MAIL, WHAT " contact email address", G, TEXT, CON(email),                 \
	  "cbc:ElectronicMail", "ram:EmailURIUniversalCommunication/ram:URIID")

/* Amount, base, percentage, reason and code of an allowance or charge. */
#define AC_COMMON(G, AMT, BASE, PCT, WHY, CODE, WHAT)                              \
	T(AMT, WHAT " amount", G, NUM, ALW(amount), "cbc:Amount",                   \
	  "ram:ActualAmount"),                                                      \
	T(BASE, WHAT " base amount", G, NUM, ALW(base), "cbc:BaseAmount",           \
	  "ram:BasisAmount"),                                                       \
	T(PCT, WHAT " percentage", G, NUM, ALW(percent),                            \
	  "cbc:MultiplierFactorNumeric", "ram:CalculationPercent"),                 \
	T(WHY, WHAT " reason", G, TEXT, ALW(reason), "cbc:AllowanceChargeReason",   \
	  "ram:Reason"),                                                            \
	T(CODE, WHAT " reason code", G, TEXT, ALW(reason_code),                     \
	  "cbc:AllowanceChargeReasonCode", "ram:ReasonCode")

/* Document level (BG-20, BG-21) adds the VAT category and rate. */
#define DOC_AC(G, AMT, BASE, PCT, CAT, RATE, WHY, CODE, WHAT)                      \
	AC_COMMON(G, AMT, BASE, PCT, WHY, CODE, WHAT),                              \
	T(CAT, WHAT " VAT category code", G, TEXT, ALW(vat_category),               \
	  "cac:TaxCategory/cbc:ID", "ram:CategoryTradeTax/ram:CategoryCode"),       \
	T(RATE, WHAT " VAT rate", G, NUM, ALW(vat_rate),                            \
	  "cac:TaxCategory/cbc:Percent",                                            \
	  "ram:CategoryTradeTax/ram:RateApplicablePercent")

#define SEPA_ID "cac:PartyIdentification[cbc:ID/@schemeID='SEPA']/cbc:ID"

const struct einv_term einv_terms[] = {
	T("BT-1", "Invoice number", INVOICE, TEXT, INV(number), "cbc:ID", CII_DOC "ram:ID"),
	T("BT-2", "Invoice issue date", INVOICE, DATE, INV(issue_date), "cbc:IssueDate",
	  CII_DOC "ram:IssueDateTime/udt:DateTimeString"),
	T("BT-3", "Invoice type code", INVOICE, TEXT, INV(type_code), "cbc:InvoiceTypeCode",
	  CII_DOC "ram:TypeCode"),
	T("BT-5", "Invoice currency code", INVOICE, TEXT, INV(currency),
	  "cbc:DocumentCurrencyCode", CII_SET "ram:InvoiceCurrencyCode"),
	T("BT-6", "VAT accounting currency code", INVOICE, TEXT, INV(vat_currency),
	  "cbc:TaxCurrencyCode", CII_SET "ram:TaxCurrencyCode"),
	T("BT-7", "Value added tax point date", INVOICE, DATE, INV(tax_point_date),
	  "cbc:TaxPointDate", CII_SET "ram:ApplicableTradeTax/ram:TaxPointDate/udt:DateString"),
	T("BT-8", "Value added tax point date code", INVOICE, TEXT, INV(tax_point_code),
	  "cac:InvoicePeriod/cbc:DescriptionCode",
	  CII_SET "ram:ApplicableTradeTax/ram:DueDateTypeCode"),
	{ "BT-9", "Payment due date", EINV_G_INVOICE, EINV_DATE, INV(due_date),
	  "cbc:DueDate", "cac:PaymentMeans/cbc:PaymentDueDate",
	  CII_SET "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
	  NULL, NULL, NULL },
	T("BT-10", "Buyer reference", INVOICE, TEXT, INV(buyer_reference),
	  "cbc:BuyerReference", CII_AGR "ram:BuyerReference"),
	{ "BT-11", "Project reference", EINV_G_INVOICE, EINV_TEXT, INV(project_ref),
	  "cac:ProjectReference/cbc:ID",
	  "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='50']/cbc:ID",
	  CII_AGR "ram:SpecifiedProcuringProject/ram:ID", NULL, NULL, NULL },
	T("BT-12", "Contract reference", INVOICE, TEXT, INV(contract_ref),
	  "cac:ContractDocumentReference/cbc:ID",
	  CII_AGR "ram:ContractReferencedDocument/ram:IssuerAssignedID"),
	T("BT-13", "Purchase order reference", INVOICE, TEXT, INV(order_ref),
	  "cac:OrderReference/cbc:ID",
	  CII_AGR "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
	T("BT-14", "Sales order reference", INVOICE, TEXT, INV(sales_order_ref),
	  "cac:OrderReference/cbc:SalesOrderID",
	  CII_AGR "ram:SellerOrderReferencedDocument/ram:IssuerAssignedID"),
	T("BT-15", "Receiving advice reference", INVOICE, TEXT, INV(receiving_advice_ref),
	  "cac:ReceiptDocumentReference/cbc:ID",
	  CII_DLV "ram:ReceivingAdviceReferencedDocument/ram:IssuerAssignedID"),
	T("BT-16", "Despatch advice reference", INVOICE, TEXT, INV(despatch_advice_ref),
	  "cac:DespatchDocumentReference/cbc:ID",
	  CII_DLV "ram:DespatchAdviceReferencedDocument/ram:IssuerAssignedID"),
	T("BT-17", "Tender or lot reference", INVOICE, TEXT, INV(tender_ref),
	  "cac:OriginatorDocumentReference/cbc:ID",
	  CII_AGR "ram:AdditionalReferencedDocument[ram:TypeCode='50']/ram:IssuerAssignedID"),
	S("BT-18", "Invoiced object identifier", INVOICE, ID, INV(object_id),
	  "cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID",
	  CII_AGR "ram:AdditionalReferencedDocument[ram:TypeCode='130']/ram:IssuerAssignedID",
	  NULL, "../ram:ReferenceTypeCode"),
	T("BT-19", "Buyer accounting reference", INVOICE, TEXT, INV(buyer_accounting_ref),
	  "cbc:AccountingCost", CII_SET "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"),
	T("BT-20", "Payment terms", INVOICE, PROSE, INV(payment_terms),
	  "cac:PaymentTerms/cbc:Note", CII_SET "ram:SpecifiedTradePaymentTerms/ram:Description"),

	/* BG-1: in UBL the subject code is split off the note's text. */
	T("BT-21", "Invoice note subject code", NOTE, TEXT,
	  offsetof(struct tandem_einv_note, subject), NULL, "ram:SubjectCode"),
	T("BT-22", "Invoice note", NOTE, TEXT, offsetof(struct tandem_einv_note, text),
	  ".", "ram:Content"),

	T("BT-23", "Business process type", PROCESS, TEXT,
	  offsetof(struct tandem_einv_process, business_process), "cbc:ProfileID",
	  "ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"),
	T("BT-24", "Specification identifier", PROCESS, TEXT,
	  offsetof(struct tandem_einv_process, specification), "cbc:CustomizationID",
	  "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"),

	T("BT-25", "Preceding Invoice reference", PRECEDING, TEXT,
	  offsetof(struct tandem_einv_preceding, number), "cbc:ID", "ram:IssuerAssignedID"),
	T("BT-26", "Preceding Invoice issue date", PRECEDING, DATE,
	  offsetof(struct tandem_einv_preceding, date), "cbc:IssueDate",
	  "ram:FormattedIssueDateTime/qdt:DateTimeString"),

	T("BT-27", "Seller name", SELLER, TEXT, PTY(name),
	  "cac:PartyLegalEntity/cbc:RegistrationName", "ram:Name"),
	T("BT-28", "Seller trading name", SELLER, TEXT, PTY(trading_name),
	  "cac:PartyName/cbc:Name", "ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
	S("BT-29", "Seller identifier", SELLER, IDS, PTY(ids),
	  "+cac:PartyIdentification/cbc:ID[@schemeID!='SEPA']", "ram:ID|ram:GlobalID",
	  NULL, NULL),
	S("BT-30", "Seller legal registration identifier", SELLER, ID, PTY(legal_id),
	  "cac:PartyLegalEntity/cbc:CompanyID", "ram:SpecifiedLegalOrganization/ram:ID",
	  NULL, NULL),
	T("BT-31", "Seller VAT identifier", SELLER, TEXT, PTY(vat_id),
	  "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID",
	  "ram:SpecifiedTaxRegistration[ram:ID/@schemeID='VA']/ram:ID"),
	T("BT-32", "Seller tax registration identifier", SELLER, TEXT,
	  PTY(tax_registration_id),
	  "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID!='VAT']/cbc:CompanyID",
	  "ram:SpecifiedTaxRegistration[ram:ID/@schemeID='FC']/ram:ID"),
	T("BT-33", "Seller additional legal information", SELLER, TEXT, PTY(legal_info),
	  "cac:PartyLegalEntity/cbc:CompanyLegalForm", "ram:Description"),
	S("BT-34", "Seller electronic address", SELLER, ID, PTY(endpoint),
	  "cbc:EndpointID", "ram:URIUniversalCommunication/ram:URIID", NULL, NULL),
	ADDRESS(SELLER_ADDRESS, "BT-35", "BT-36", "BT-162", "BT-37", "BT-38", "BT-39",
		"BT-40", "Seller"),
	CONTACT(SELLER_CONTACT, "BT-41", "BT-42", "BT-43", "Seller"),

	T("BT-44", "Buyer name", BUYER, TEXT, PTY(name),
	  "cac:PartyLegalEntity/cbc:RegistrationName", "ram:Name"),
	T("BT-45", "Buyer trading name", BUYER, TEXT, PTY(trading_name),
	  "cac:PartyName/cbc:Name", "ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
	S("BT-46", "Buyer identifier", BUYER, IDS, PTY(ids),
	  "+cac:PartyIdentification/cbc:ID", "ram:ID|ram:GlobalID", NULL, NULL),
	S("BT-47", "Buyer legal registration identifier", BUYER, ID, PTY(legal_id),
	  "cac:PartyLegalEntity/cbc:CompanyID", "ram:SpecifiedLegalOrganization/ram:ID",
	  NULL, NULL),
	T("BT-48", "Buyer VAT identifier", BUYER, TEXT, PTY(vat_id),
	  "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID",
	  "ram:SpecifiedTaxRegistration[ram:ID/@schemeID='VA']/ram:ID"),
	S("BT-49", "Buyer electronic address", BUYER, ID, PTY(endpoint),
	  "cbc:EndpointID", "ram:URIUniversalCommunication/ram:URIID", NULL, NULL),
	ADDRESS(BUYER_ADDRESS, "BT-50", "BT-51", "BT-163", "BT-52", "BT-53", "BT-54",
		"BT-55", "Buyer"),
	CONTACT(BUYER_CONTACT, "BT-56", "BT-57", "BT-58", "Buyer"),

	T("BT-59", "Payee name", PAYEE, TEXT, PTY(name), "cac:PartyName/cbc:Name", "ram:Name"),
	S("BT-60", "Payee identifier", PAYEE, IDS, PTY(ids),
	  "+cac:PartyIdentification/cbc:ID[@schemeID!='SEPA']", "ram:ID|ram:GlobalID",
	  NULL, NULL),
	S("BT-61", "Payee legal registration identifier", PAYEE, ID, PTY(legal_id),
	  "cac:PartyLegalEntity/cbc:CompanyID", "ram:SpecifiedLegalOrganization/ram:ID",
	  NULL, NULL),

	T("BT-62", "Seller tax representative name", TAXREP, TEXT, PTY(name),
	  "cac:PartyName/cbc:Name", "ram:Name"),
	T("BT-63", "Seller tax representative VAT identifier", TAXREP, TEXT, PTY(vat_id),
	  "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID",
	  "ram:SpecifiedTaxRegistration[ram:ID/@schemeID='VA']/ram:ID"),
	ADDRESS(TAXREP_ADDRESS, "BT-64", "BT-65", "BT-164", "BT-66", "BT-67", "BT-68",
		"BT-69", "Tax representative"),

	T("BT-70", "Deliver to party name", DELIVERY, TEXT,
	  offsetof(struct tandem_einv_delivery, party_name),
	  "cac:DeliveryParty/cac:PartyName/cbc:Name", "ram:ShipToTradeParty/ram:Name"),
	S("BT-71", "Deliver to location identifier", DELIVERY, ID,
	  offsetof(struct tandem_einv_delivery, location), "cac:DeliveryLocation/cbc:ID",
	  "ram:ShipToTradeParty/ram:ID|ram:ShipToTradeParty/ram:GlobalID", NULL, NULL),
	T("BT-72", "Actual delivery date", DELIVERY, DATE,
	  offsetof(struct tandem_einv_delivery, date), "cbc:ActualDeliveryDate",
	  "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString"),
	T("BT-73", "Invoicing period start date", PERIOD, DATE,
	  offsetof(struct tandem_einv_period, start), "cbc:StartDate",
	  "ram:StartDateTime/udt:DateTimeString"),
	T("BT-74", "Invoicing period end date", PERIOD, DATE,
	  offsetof(struct tandem_einv_period, end), "cbc:EndDate",
	  "ram:EndDateTime/udt:DateTimeString"),
	ADDRESS(DELIVERY_ADDRESS, "BT-75", "BT-76", "BT-165", "BT-77", "BT-78", "BT-79",
		"BT-80", "Deliver to"),

	T("BT-81", "Payment means type code", PAYMENT, TEXT,
	  offsetof(struct tandem_einv_payment, means_code), "cbc:PaymentMeansCode",
	  "ram:TypeCode"),
	T("BT-82", "Payment means text", PAYMENT, TEXT,
	  offsetof(struct tandem_einv_payment, means_text), "cbc:PaymentMeansCode/@name",
	  "ram:Information"),
	T("BT-83", "Remittance information", PAYMENT, TEXT,
	  offsetof(struct tandem_einv_payment, remittance), "cbc:PaymentID",
	  "../ram:PaymentReference"),
	T("BT-84", "Payment account identifier", TRANSFER, TEXT,
	  offsetof(struct tandem_einv_transfer, account), "cbc:ID",
	  "ram:IBANID|ram:ProprietaryID"),
	T("BT-85", "Payment account name", TRANSFER, TEXT,
	  offsetof(struct tandem_einv_transfer, account_name), "cbc:Name", "ram:AccountName"),
	T("BT-86", "Payment service provider identifier", TRANSFER, TEXT,
	  offsetof(struct tandem_einv_transfer, bic), "cac:FinancialInstitutionBranch/cbc:ID",
	  "../ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
	T("BT-87", "Payment card primary account number", CARD, TEXT,
	  offsetof(struct tandem_einv_card, pan), "cbc:PrimaryAccountNumberID", "ram:ID"),
	T("BT-88", "Payment card holder name", CARD, TEXT,
	  offsetof(struct tandem_einv_card, holder), "cbc:HolderName", "ram:CardholderName"),
	T("BT-89", "Mandate reference identifier", DEBIT, TEXT,
	  offsetof(struct tandem_einv_direct_debit, mandate), "cbc:ID",
	  "../ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID"),
	T("BT-90", "Bank assigned creditor identifier", DEBIT, TEXT,
	  offsetof(struct tandem_einv_direct_debit, creditor_id),
	  "../../cac:AccountingSupplierParty/cac:Party/" SEPA_ID
	  "|../../cac:PayeeParty/" SEPA_ID,
	  "../ram:CreditorReferenceID"),
	T("BT-91", "Debited account identifier", DEBIT, TEXT,
	  offsetof(struct tandem_einv_direct_debit, debited_account),
	  "cac:PayerFinancialAccount/cbc:ID", "ram:PayerPartyDebtorFinancialAccount/ram:IBANID"),

	DOC_AC(ALLOWANCE, "BT-92", "BT-93", "BT-94", "BT-95", "BT-96", "BT-97", "BT-98",
	       "Document level allowance"),
	DOC_AC(CHARGE, "BT-99", "BT-100", "BT-101", "BT-102", "BT-103", "BT-104", "BT-105",
	       "Document level charge"),

#define TOT(m) offsetof(struct tandem_einv_totals, m)
	T("BT-106", "Sum of Invoice line net amount", TOTALS, NUM, TOT(line_net),
	  "cbc:LineExtensionAmount", "ram:LineTotalAmount"),
	T("BT-107", "Sum of allowances on document level", TOTALS, NUM, TOT(allowances),
	  "cbc:AllowanceTotalAmount", "ram:AllowanceTotalAmount"),
	T("BT-108", "Sum of charges on document level", TOTALS, NUM, TOT(charges),
	  "cbc:ChargeTotalAmount", "ram:ChargeTotalAmount"),
	T("BT-109", "Invoice total amount without VAT", TOTALS, NUM, TOT(without_vat),
	  "cbc:TaxExclusiveAmount", "ram:TaxBasisTotalAmount"),
	T("BT-110", "Invoice total VAT amount", TOTALS, NUM, TOT(vat),
	  "../cac:TaxTotal[cbc:TaxAmount/@currencyID=$BT-5]/cbc:TaxAmount[@currencyID=$BT-5]",
	  "ram:TaxTotalAmount[@currencyID=$BT-5]"),
	T("BT-111", "Invoice total VAT amount in accounting currency", TOTALS, NUM,
	  TOT(vat_accounting),
	  "../cac:TaxTotal[cbc:TaxAmount/@currencyID=$BT-6]/cbc:TaxAmount[@currencyID=$BT-6]",
	  "ram:TaxTotalAmount[@currencyID=$BT-6]"),
	T("BT-112", "Invoice total amount with VAT", TOTALS, NUM, TOT(with_vat),
	  "cbc:TaxInclusiveAmount", "ram:GrandTotalAmount"),
	T("BT-113", "Paid amount", TOTALS, NUM, TOT(paid), "cbc:PrepaidAmount",
	  "ram:TotalPrepaidAmount"),
	T("BT-114", "Rounding amount", TOTALS, NUM, TOT(rounding), "cbc:PayableRoundingAmount",
	  "ram:RoundingAmount"),
	T("BT-115", "Amount due for payment", TOTALS, NUM, TOT(due), "cbc:PayableAmount",
	  "ram:DuePayableAmount"),
#undef TOT

#define VAT(m) offsetof(struct tandem_einv_vat, m)
	T("BT-116", "VAT category taxable amount", VAT, NUM, VAT(taxable),
	  "cbc:TaxableAmount", "ram:BasisAmount"),
	T("BT-117", "VAT category tax amount", VAT, NUM, VAT(tax), "cbc:TaxAmount",
	  "ram:CalculatedAmount"),
	T("BT-118", "VAT category code", VAT, TEXT, VAT(category), "cac:TaxCategory/cbc:ID",
	  "ram:CategoryCode"),
	T("BT-119", "VAT category rate", VAT, NUM, VAT(rate), "cac:TaxCategory/cbc:Percent",
	  "ram:RateApplicablePercent"),
	T("BT-120", "VAT exemption reason text", VAT, TEXT, VAT(exemption_reason),
	  "cac:TaxCategory/cbc:TaxExemptionReason", "ram:ExemptionReason"),
	T("BT-121", "VAT exemption reason code", VAT, TEXT, VAT(exemption_code),
	  "cac:TaxCategory/cbc:TaxExemptionReasonCode", "ram:ExemptionReasonCode"),
#undef VAT

#define DOC(m) offsetof(struct tandem_einv_document, m)
	T("BT-122", "Supporting document reference", DOCUMENT, TEXT, DOC(id), "cbc:ID",
	  "ram:IssuerAssignedID"),
	T("BT-123", "Supporting document description", DOCUMENT, TEXT, DOC(description),
	  "cbc:DocumentDescription", "ram:Name"),
	T("BT-124", "External document location", DOCUMENT, TEXT, DOC(uri),
	  "cac:Attachment/cac:ExternalReference/cbc:URI", "ram:URIID"),
	T("BT-125", "Attached document", DOCUMENT, BIN, DOC(attachment),
	  "cac:Attachment/cbc:EmbeddedDocumentBinaryObject", "ram:AttachmentBinaryObject"),
#undef DOC

	T("BT-126", "Invoice line identifier", LINE, TEXT, LIN(id), "cbc:ID",
	  "ram:AssociatedDocumentLineDocument/ram:LineID"),
	T("BT-127", "Invoice line note", LINE, TEXT, LIN(note), "cbc:Note",
	  "ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content"),
	S("BT-128", "Invoice line object identifier", LINE, ID, LIN(object_id),
	  "cac:DocumentReference[cbc:DocumentTypeCode='130']/cbc:ID",
	  "ram:SpecifiedLineTradeSettlement/ram:AdditionalReferencedDocument"
	  "[ram:TypeCode='130']/ram:IssuerAssignedID",
	  NULL, "../ram:ReferenceTypeCode"),
	T("BT-129", "Invoiced quantity", LINE, NUM, LIN(quantity), "cbc:InvoicedQuantity",
	  "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"),
	T("BT-130", "Invoiced quantity unit of measure code", LINE, TEXT, LIN(unit),
	  "cbc:InvoicedQuantity/@unitCode",
	  "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode"),
	T("BT-131", "Invoice line net amount", LINE, NUM, LIN(net_amount),
	  "cbc:LineExtensionAmount",
	  "ram:SpecifiedLineTradeSettlement/"
	  "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"),
	T("BT-132", "Referenced purchase order line reference", LINE, TEXT,
	  LIN(order_line_ref), "cac:OrderLineReference/cbc:LineID",
	  "ram:SpecifiedLineTradeAgreement/ram:BuyerOrderReferencedDocument/ram:LineID"),
	T("BT-133", "Invoice line Buyer accounting reference", LINE, TEXT,
	  LIN(accounting_ref), "cbc:AccountingCost",
	  "ram:SpecifiedLineTradeSettlement/ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"),
	T("BT-134", "Invoice line period start date", LINE_PERIOD, DATE,
	  offsetof(struct tandem_einv_period, start), "cbc:StartDate",
	  "ram:StartDateTime/udt:DateTimeString"),
	T("BT-135", "Invoice line period end date", LINE_PERIOD, DATE,
	  offsetof(struct tandem_einv_period, end), "cbc:EndDate",
	  "ram:EndDateTime/udt:DateTimeString"),
	AC_COMMON(LINE_ALLOWANCE, "BT-136", "BT-137", "BT-138", "BT-139", "BT-140",
		  "Invoice line allowance"),
	AC_COMMON(LINE_CHARGE, "BT-141", "BT-142", "BT-143", "BT-144", "BT-145",
		  "Invoice line charge"),

#define PRC(m) offsetof(struct tandem_einv_price, m)
	T("BT-146", "Item net price", PRICE, NUM, PRC(net), "cbc:PriceAmount",
	  "ram:NetPriceProductTradePrice/ram:ChargeAmount"),
	T("BT-147", "Item price discount", PRICE, NUM, PRC(discount),
	  "cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:Amount",
	  "ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge"
	  "[ram:ChargeIndicator/udt:Indicator='false']/ram:ActualAmount"),
	T("BT-148", "Item gross price", PRICE, NUM, PRC(gross),
	  "cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:BaseAmount",
	  "ram:GrossPriceProductTradePrice/ram:ChargeAmount"),
	T("BT-149", "Item price base quantity", PRICE, NUM, PRC(base_quantity),
	  "cbc:BaseQuantity",
	  "ram:NetPriceProductTradePrice/ram:BasisQuantity"
	  "|ram:GrossPriceProductTradePrice/ram:BasisQuantity"),
	T("BT-150", "Item price base quantity unit of measure code", PRICE, TEXT,
	  PRC(base_unit), "cbc:BaseQuantity/@unitCode",
	  "ram:NetPriceProductTradePrice/ram:BasisQuantity/@unitCode"
	  "|ram:GrossPriceProductTradePrice/ram:BasisQuantity/@unitCode"),
#undef PRC

	T("BT-151", "Invoiced item VAT category code", LINE_VAT, TEXT,
	  offsetof(struct tandem_einv_line_vat, category), "cbc:ID", "ram:CategoryCode"),
	T("BT-152", "Invoiced item VAT rate", LINE_VAT, NUM,
	  offsetof(struct tandem_einv_line_vat, rate), "cbc:Percent",
	  "ram:RateApplicablePercent"),

#define ITM(m) offsetof(struct tandem_einv_item, m)
	T("BT-153", "Item name", ITEM, TEXT, ITM(name), "cbc:Name", "ram:Name"),
	T("BT-154", "Item description", ITEM, TEXT, ITM(description), "cbc:Description",
	  "ram:Description"),
	T("BT-155", "Item Seller's identifier", ITEM, TEXT, ITM(seller_id),
	  "cac:SellersItemIdentification/cbc:ID", "ram:SellerAssignedID"),
	T("BT-156", "Item Buyer's identifier", ITEM, TEXT, ITM(buyer_id),
	  "cac:BuyersItemIdentification/cbc:ID", "ram:BuyerAssignedID"),
	S("BT-157", "Item standard identifier", ITEM, ID, ITM(standard_id),
	  "cac:StandardItemIdentification/cbc:ID", "ram:GlobalID", NULL, NULL),
	{ "BT-158", "Item classification identifier", EINV_G_ITEM, EINV_IDS,
	  ITM(classifications), "+cac:CommodityClassification/cbc:ItemClassificationCode",
	  NULL, "+ram:DesignatedProductClassification/ram:ClassCode", "@listID", "@listID",
	  "@listVersionID" },
	T("BT-159", "Item country of origin", ITEM, TEXT, ITM(origin_country),
	  "cac:OriginCountry/cbc:IdentificationCode", "ram:OriginTradeCountry/ram:ID"),
#undef ITM
	T("BT-160", "Item attribute name", ATTRIBUTE, TEXT,
	  offsetof(struct tandem_einv_attribute, name), "cbc:Name", "ram:Description"),
	T("BT-161", "Item attribute value", ATTRIBUTE, TEXT,
	  offsetof(struct tandem_einv_attribute, value), "cbc:Value", "ram:Value"),
};

const size_t einv_term_count = sizeof einv_terms / sizeof einv_terms[0];

/* BT-8 is a UNTDID 2005 code in EN 16931-1 and UBL (3 invoice date, 35
 * delivery date, 432 paid-to date); CII writes it from UNTDID 2475 (5, 29,
 * 72), as the CEN code list of BR-CL-06 for CII says. */
const struct einv_code_map einv_code_maps[] = {
	{ "BT-8", EINV_B_CII, "3", "5" },
	{ "BT-8", EINV_B_CII, "35", "29" },
	{ "BT-8", EINV_B_CII, "432", "72" },
};

const size_t einv_code_map_count = sizeof einv_code_maps / sizeof einv_code_maps[0];
