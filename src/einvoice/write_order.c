/*
 * src/einvoice/write_order.c - the order of child elements the schemas
 * require, for the elements the writers make.
 *
 * The sequences are those of the UBL 2.1 schemas (the complex types of
 * UBL-CommonAggregateComponents-2.1 and the Invoice and CreditNote
 * documents) and of the CII D16B schema as Factur-X 1.08 restricts it to
 * EN 16931 (FACTUR-X_EN16931.xsd), keyed by element name - each of these
 * names has one type in its syntax - and cut to the children tandem
 * writes. Children not listed keep their place after the listed ones.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "einvoice/write.h"
#include "tandem/alloc.h"
#include "tandem/error.h"

struct order {
	const char *parent;
	const char *children; /* local names in schema order, space separated */
};

static const struct order ubl_order[] = {
	{ "AdditionalDocumentReference",
	  "ID IssueDate DocumentTypeCode DocumentDescription Attachment" },
	{ "AdditionalItemProperty",
	  "ID Name Value" },
	{ "Address",
	  "ID StreetName AdditionalStreetName CityName PostalZone "
	  "CountrySubentity AddressLine Country" },
	{ "AllowanceCharge",
	  "ID ChargeIndicator AllowanceChargeReasonCode AllowanceChargeReason "
	  "MultiplierFactorNumeric Amount BaseAmount AccountingCost TaxCategory "
	  "TaxTotal PaymentMeans" },
	{ "Attachment",
	  "EmbeddedDocumentBinaryObject ExternalReference" },
	{ "BillingReference",
	  "InvoiceDocumentReference AdditionalDocumentReference" },
	{ "CardAccount",
	  "PrimaryAccountNumberID NetworkID HolderName" },
	{ "ClassifiedTaxCategory",
	  "ID Name Percent TaxExemptionReasonCode TaxExemptionReason TaxScheme" },
	{ "Contact",
	  "ID Name Telephone ElectronicMail Note" },
	{ "ContractDocumentReference",
	  "ID IssueDate DocumentTypeCode DocumentDescription Attachment" },
	{ "Country",
	  "IdentificationCode Name" },
	{ "CreditNote",
	  "CustomizationID ProfileID ID IssueDate TaxPointDate CreditNoteTypeCode "
	  "Note DocumentCurrencyCode TaxCurrencyCode AccountingCost "
	  "BuyerReference InvoicePeriod OrderReference BillingReference "
	  "DespatchDocumentReference ReceiptDocumentReference "
	  "ContractDocumentReference AdditionalDocumentReference "
	  "OriginatorDocumentReference AccountingSupplierParty "
	  "AccountingCustomerParty PayeeParty TaxRepresentativeParty Delivery "
	  "PaymentMeans PaymentTerms AllowanceCharge TaxTotal LegalMonetaryTotal "
	  "CreditNoteLine" },
	{ "CreditNoteLine",
	  "ID Note CreditedQuantity LineExtensionAmount TaxPointDate "
	  "AccountingCost InvoicePeriod OrderLineReference BillingReference "
	  "DocumentReference Delivery PaymentTerms TaxTotal AllowanceCharge Item "
	  "Price" },
	{ "Delivery",
	  "ID ActualDeliveryDate DeliveryLocation DeliveryParty" },
	{ "DeliveryLocation",
	  "ID Description CountrySubentity Name Address" },
	{ "DeliveryParty",
	  "EndpointID PartyIdentification PartyName PostalAddress PartyTaxScheme "
	  "PartyLegalEntity Contact" },
	{ "DespatchDocumentReference",
	  "ID IssueDate DocumentTypeCode DocumentDescription Attachment" },
	{ "DocumentReference",
	  "ID IssueDate DocumentTypeCode DocumentDescription Attachment" },
	{ "ExternalReference",
	  "URI Description" },
	{ "FinancialInstitutionBranch",
	  "ID Name Address" },
	{ "Invoice",
	  "CustomizationID ProfileID ID IssueDate DueDate InvoiceTypeCode Note "
	  "TaxPointDate DocumentCurrencyCode TaxCurrencyCode AccountingCost "
	  "BuyerReference InvoicePeriod OrderReference BillingReference "
	  "DespatchDocumentReference ReceiptDocumentReference "
	  "OriginatorDocumentReference ContractDocumentReference "
	  "AdditionalDocumentReference ProjectReference AccountingSupplierParty "
	  "AccountingCustomerParty PayeeParty TaxRepresentativeParty Delivery "
	  "PaymentMeans PaymentTerms AllowanceCharge TaxTotal LegalMonetaryTotal "
	  "InvoiceLine" },
	{ "InvoiceDocumentReference",
	  "ID IssueDate DocumentTypeCode DocumentDescription Attachment" },
	{ "InvoiceLine",
	  "ID Note InvoicedQuantity LineExtensionAmount TaxPointDate "
	  "AccountingCost InvoicePeriod OrderLineReference BillingReference "
	  "DocumentReference Delivery PaymentTerms AllowanceCharge TaxTotal Item "
	  "Price" },
	{ "InvoicePeriod",
	  "StartDate EndDate DescriptionCode Description" },
	{ "Item",
	  "Description Name BuyersItemIdentification SellersItemIdentification "
	  "StandardItemIdentification OriginCountry CommodityClassification "
	  "ClassifiedTaxCategory AdditionalItemProperty" },
	{ "LegalMonetaryTotal",
	  "LineExtensionAmount TaxExclusiveAmount TaxInclusiveAmount "
	  "AllowanceTotalAmount ChargeTotalAmount PrepaidAmount "
	  "PayableRoundingAmount PayableAmount" },
	{ "OrderLineReference",
	  "LineID OrderReference" },
	{ "OrderReference",
	  "ID SalesOrderID IssueDate DocumentReference" },
	{ "OriginCountry",
	  "IdentificationCode Name" },
	{ "OriginatorDocumentReference",
	  "ID IssueDate DocumentTypeCode DocumentDescription Attachment" },
	{ "Party",
	  "EndpointID PartyIdentification PartyName PostalAddress PartyTaxScheme "
	  "PartyLegalEntity Contact" },
	{ "PartyLegalEntity",
	  "RegistrationName CompanyID CompanyLegalForm" },
	{ "PartyTaxScheme",
	  "RegistrationName CompanyID ExemptionReasonCode ExemptionReason "
	  "TaxScheme" },
	{ "PayeeFinancialAccount",
	  "ID Name FinancialInstitutionBranch Country" },
	{ "PayeeParty",
	  "EndpointID PartyIdentification PartyName PostalAddress PartyTaxScheme "
	  "PartyLegalEntity Contact" },
	{ "PayerFinancialAccount",
	  "ID Name FinancialInstitutionBranch Country" },
	{ "PaymentMandate",
	  "ID PayerFinancialAccount" },
	{ "PaymentMeans",
	  "ID PaymentMeansCode PaymentDueDate PaymentID CardAccount "
	  "PayerFinancialAccount PayeeFinancialAccount PaymentMandate" },
	{ "PaymentTerms",
	  "ID Note Amount PaymentDueDate" },
	{ "PostalAddress",
	  "ID StreetName AdditionalStreetName CityName PostalZone "
	  "CountrySubentity AddressLine Country" },
	{ "Price",
	  "PriceAmount BaseQuantity AllowanceCharge" },
	{ "ProjectReference",
	  "ID IssueDate" },
	{ "ReceiptDocumentReference",
	  "ID IssueDate DocumentTypeCode DocumentDescription Attachment" },
	{ "TaxCategory",
	  "ID Name Percent TaxExemptionReasonCode TaxExemptionReason TaxScheme" },
	{ "TaxRepresentativeParty",
	  "EndpointID PartyIdentification PartyName PostalAddress PartyTaxScheme "
	  "PartyLegalEntity Contact" },
	{ "TaxScheme",
	  "ID Name" },
	{ "TaxSubtotal",
	  "TaxableAmount TaxAmount Percent TaxCategory" },
	{ "TaxTotal",
	  "TaxAmount RoundingAmount TaxSubtotal" },
};

static const struct order cii_order[] = {
	{ "AdditionalReferencedDocument",
	  "IssuerAssignedID URIID LineID TypeCode Name AttachmentBinaryObject "
	  "ReferenceTypeCode FormattedIssueDateTime" },
	{ "ApplicableHeaderTradeAgreement",
	  "BuyerReference SellerTradeParty BuyerTradeParty "
	  "SellerTaxRepresentativeTradeParty SellerOrderReferencedDocument "
	  "BuyerOrderReferencedDocument ContractReferencedDocument "
	  "AdditionalReferencedDocument SpecifiedProcuringProject" },
	{ "ApplicableHeaderTradeDelivery",
	  "ShipToTradeParty ActualDeliverySupplyChainEvent "
	  "DespatchAdviceReferencedDocument ReceivingAdviceReferencedDocument" },
	{ "ApplicableHeaderTradeSettlement",
	  "CreditorReferenceID PaymentReference TaxCurrencyCode "
	  "InvoiceCurrencyCode PayeeTradeParty "
	  "SpecifiedTradeSettlementPaymentMeans ApplicableTradeTax "
	  "BillingSpecifiedPeriod SpecifiedTradeAllowanceCharge "
	  "SpecifiedTradePaymentTerms "
	  "SpecifiedTradeSettlementHeaderMonetarySummation "
	  "InvoiceReferencedDocument ReceivableSpecifiedTradeAccountingAccount" },
	{ "ApplicableProductCharacteristic",
	  "Description Value" },
	{ "ApplicableTradeSettlementFinancialCard",
	  "ID CardholderName" },
	{ "ApplicableTradeTax",
	  "CalculatedAmount TypeCode ExemptionReason BasisAmount CategoryCode "
	  "ExemptionReasonCode TaxPointDate DueDateTypeCode RateApplicablePercent" },
	{ "AppliedTradeAllowanceCharge",
	  "ChargeIndicator CalculationPercent BasisAmount ActualAmount ReasonCode "
	  "Reason CategoryTradeTax" },
	{ "AssociatedDocumentLineDocument",
	  "LineID IncludedNote" },
	{ "BillingSpecifiedPeriod",
	  "StartDateTime EndDateTime" },
	{ "BuyerOrderReferencedDocument",
	  "IssuerAssignedID URIID LineID TypeCode Name AttachmentBinaryObject "
	  "ReferenceTypeCode FormattedIssueDateTime" },
	{ "BuyerTradeParty",
	  "ID GlobalID Name Description SpecifiedLegalOrganization "
	  "DefinedTradeContact PostalTradeAddress URIUniversalCommunication "
	  "SpecifiedTaxRegistration" },
	{ "CategoryTradeTax",
	  "CalculatedAmount TypeCode ExemptionReason BasisAmount CategoryCode "
	  "ExemptionReasonCode TaxPointDate DueDateTypeCode RateApplicablePercent" },
	{ "ContractReferencedDocument",
	  "IssuerAssignedID URIID LineID TypeCode Name AttachmentBinaryObject "
	  "ReferenceTypeCode FormattedIssueDateTime" },
	{ "CrossIndustryInvoice",
	  "ExchangedDocumentContext ExchangedDocument SupplyChainTradeTransaction" },
	{ "DefinedTradeContact",
	  "PersonName DepartmentName TelephoneUniversalCommunication "
	  "EmailURIUniversalCommunication" },
	{ "DespatchAdviceReferencedDocument",
	  "IssuerAssignedID URIID LineID TypeCode Name AttachmentBinaryObject "
	  "ReferenceTypeCode FormattedIssueDateTime" },
	{ "EmailURIUniversalCommunication",
	  "URIID CompleteNumber" },
	{ "ExchangedDocument",
	  "ID TypeCode IssueDateTime IncludedNote" },
	{ "ExchangedDocumentContext",
	  "BusinessProcessSpecifiedDocumentContextParameter "
	  "GuidelineSpecifiedDocumentContextParameter" },
	{ "GrossPriceProductTradePrice",
	  "ChargeAmount BasisQuantity AppliedTradeAllowanceCharge" },
	{ "IncludedNote",
	  "Content SubjectCode" },
	{ "IncludedSupplyChainTradeLineItem",
	  "AssociatedDocumentLineDocument SpecifiedTradeProduct "
	  "SpecifiedLineTradeAgreement SpecifiedLineTradeDelivery "
	  "SpecifiedLineTradeSettlement" },
	{ "InvoiceReferencedDocument",
	  "IssuerAssignedID URIID LineID TypeCode Name AttachmentBinaryObject "
	  "ReferenceTypeCode FormattedIssueDateTime" },
	{ "NetPriceProductTradePrice",
	  "ChargeAmount BasisQuantity AppliedTradeAllowanceCharge" },
	{ "PayeePartyCreditorFinancialAccount",
	  "IBANID AccountName ProprietaryID" },
	{ "PayeeTradeParty",
	  "ID GlobalID Name Description SpecifiedLegalOrganization "
	  "DefinedTradeContact PostalTradeAddress URIUniversalCommunication "
	  "SpecifiedTaxRegistration" },
	{ "PostalTradeAddress",
	  "PostcodeCode LineOne LineTwo LineThree CityName CountryID "
	  "CountrySubDivisionName" },
	{ "ReceivingAdviceReferencedDocument",
	  "IssuerAssignedID URIID LineID TypeCode Name AttachmentBinaryObject "
	  "ReferenceTypeCode FormattedIssueDateTime" },
	{ "SellerOrderReferencedDocument",
	  "IssuerAssignedID URIID LineID TypeCode Name AttachmentBinaryObject "
	  "ReferenceTypeCode FormattedIssueDateTime" },
	{ "SellerTaxRepresentativeTradeParty",
	  "ID GlobalID Name Description SpecifiedLegalOrganization "
	  "DefinedTradeContact PostalTradeAddress URIUniversalCommunication "
	  "SpecifiedTaxRegistration" },
	{ "SellerTradeParty",
	  "ID GlobalID Name Description SpecifiedLegalOrganization "
	  "DefinedTradeContact PostalTradeAddress URIUniversalCommunication "
	  "SpecifiedTaxRegistration" },
	{ "ShipToTradeParty",
	  "ID GlobalID Name Description SpecifiedLegalOrganization "
	  "DefinedTradeContact PostalTradeAddress URIUniversalCommunication "
	  "SpecifiedTaxRegistration" },
	{ "SpecifiedLegalOrganization",
	  "ID TradingBusinessName" },
	{ "SpecifiedLineTradeAgreement",
	  "BuyerOrderReferencedDocument GrossPriceProductTradePrice "
	  "NetPriceProductTradePrice" },
	{ "SpecifiedLineTradeSettlement",
	  "ApplicableTradeTax BillingSpecifiedPeriod "
	  "SpecifiedTradeAllowanceCharge "
	  "SpecifiedTradeSettlementLineMonetarySummation "
	  "AdditionalReferencedDocument ReceivableSpecifiedTradeAccountingAccount" },
	{ "SpecifiedProcuringProject",
	  "ID Name" },
	{ "SpecifiedTradeAllowanceCharge",
	  "ChargeIndicator CalculationPercent BasisAmount ActualAmount ReasonCode "
	  "Reason CategoryTradeTax" },
	{ "SpecifiedTradePaymentTerms",
	  "Description DueDateDateTime DirectDebitMandateID" },
	{ "SpecifiedTradeProduct",
	  "GlobalID SellerAssignedID BuyerAssignedID Name Description "
	  "ApplicableProductCharacteristic DesignatedProductClassification "
	  "OriginTradeCountry" },
	{ "SpecifiedTradeSettlementHeaderMonetarySummation",
	  "LineTotalAmount ChargeTotalAmount AllowanceTotalAmount "
	  "TaxBasisTotalAmount TaxTotalAmount RoundingAmount GrandTotalAmount "
	  "TotalPrepaidAmount DuePayableAmount" },
	{ "SpecifiedTradeSettlementPaymentMeans",
	  "TypeCode Information ApplicableTradeSettlementFinancialCard "
	  "PayerPartyDebtorFinancialAccount PayeePartyCreditorFinancialAccount "
	  "PayeeSpecifiedCreditorFinancialInstitution" },
	{ "SupplyChainTradeTransaction",
	  "IncludedSupplyChainTradeLineItem ApplicableHeaderTradeAgreement "
	  "ApplicableHeaderTradeDelivery ApplicableHeaderTradeSettlement" },
	{ "TelephoneUniversalCommunication",
	  "URIID CompleteNumber" },
	{ "URIUniversalCommunication",
	  "URIID CompleteNumber" },
};

struct child {
	size_t rank;
	size_t index;
	xmlNodePtr node;
};

static const char *sequence_of(const struct order *tab, size_t n, const xmlChar *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(tab[i].parent, (const char *)name) == 0)
			return tab[i].children;
	return NULL;
}

/* Position of the word name in seq; past the end when absent. */
static size_t rank_of(const char *seq, const xmlChar *name)
{
	size_t len = strlen((const char *)name);

	for (const char *p = strstr(seq, (const char *)name); p != NULL;
	     p = strstr(p + 1, (const char *)name))
		if ((p == seq || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
			return (size_t)(p - seq);
	return strlen(seq) + 1;
}

static int by_rank(const void *a, const void *b)
{
	const struct child *x = a;
	const struct child *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Sorts the element children of node (stable: repeated elements keep
 * their order) and relinks them after its other children. */
static int sort_children(xmlNodePtr node, const char *seq)
{
	size_t n = 0;
	struct child *kids;

	for (xmlNodePtr c = node->children; c != NULL; c = c->next)
		n += c->type == XML_ELEMENT_NODE;
	if (n < 2)
		return 0;
	kids = tandem_malloc(n * sizeof(struct child));
	if (kids == NULL)
		return TANDEM_ENOMEM;
	n = 0;
	for (xmlNodePtr c = node->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE) {
			kids[n].rank = rank_of(seq, c->name);
			kids[n].index = n;
			kids[n].node = c;
			n++;
		}
	qsort(kids, n, sizeof kids[0], by_rank);
	for (size_t i = 0; i < n; i++) {
		xmlUnlinkNode(kids[i].node);
		(void)xmlAddChild(node, kids[i].node);
	}
	tandem_free(kids);
	return 0;
}

static int order_tree(xmlNodePtr node, const struct order *tab, size_t n)
{
	const char *seq = sequence_of(tab, n, node->name);
	int rc = seq != NULL ? sort_children(node, seq) : 0;

	for (xmlNodePtr c = node->children; c != NULL && rc == 0; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			rc = order_tree(c, tab, n);
	return rc;
}

long einv_write_rank(enum einv_binding b, const char *parent, const char *child)
{
	const struct order *tab = b == EINV_B_CII ? cii_order : ubl_order;
	size_t n = b == EINV_B_CII ? sizeof cii_order / sizeof cii_order[0]
				   : sizeof ubl_order / sizeof ubl_order[0];
	const char *seq = sequence_of(tab, n, (const xmlChar *)parent);
	size_t rank;

	if (seq == NULL)
		return -1;
	rank = rank_of(seq, (const xmlChar *)child);
	return rank > strlen(seq) ? -1 : (long)rank;
}

int einv_write_order(xmlNodePtr root, enum einv_binding b)
{
	if (b == EINV_B_CII)
		return order_tree(root, cii_order, sizeof cii_order / sizeof cii_order[0]);
	return order_tree(root, ubl_order, sizeof ubl_order / sizeof ubl_order[0]);
}
