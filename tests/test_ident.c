/*
 * tests/test_ident.c - unit tests of the identifier checks (tandem/ident.h).
 *
 * Every test vector of DOMAIN.md section 3, official example IBANs of the
 * SWIFT IBAN registry, every rejection reason of every type with the position
 * and the expected check digits where the header promises them, the La Poste
 * SIRET exception, normalisation of spaces and no-break spaces, compute,
 * detect, the name tables, and the valid ratio of the real SIRETs of
 * shared/data/procurement/parties.tsv. Every check digit written here was
 * computed beforehand with an independent Python implementation of the
 * algorithms, never guessed.
 */
#include <stdbool.h>

#include "tandem/error.h"
#include "tandem/ident.h"
#include "test.h"

/* Rows of parties.tsv are short; a longer line is cut, never overflowed. */
#define PARTIES_LINE_MAX 4096

/*
 * Checks the invariants every result must satisfy, whatever the input: the
 * status agrees with the reason, every string is NUL-terminated within its
 * array, the detail sentence is not empty, and a valid value carries no
 * position. `what` names the input in the failure message.
 */
static void check_sane(const char *what, int rc,
		       const struct tandem_id_result *r)
{
	if (memchr(r->normalized, '\0', sizeof r->normalized) == NULL)
		FAIL("\"%s\": normalized is not NUL-terminated", what);
	if (memchr(r->expected, '\0', sizeof r->expected) == NULL)
		FAIL("\"%s\": expected is not NUL-terminated", what);
	if (memchr(r->detail, '\0', sizeof r->detail) == NULL)
		FAIL("\"%s\": detail is not NUL-terminated", what);
	if (r->detail[0] == '\0')
		FAIL("\"%s\": empty detail (reason %s)", what,
		     tandem_id_reason_name(r->reason));
	if (rc != 0 && rc != TANDEM_EBADINPUT)
		FAIL("\"%s\": unexpected status %d", what, rc);
	if ((rc == 0) != (r->reason == TANDEM_ID_R_OK))
		FAIL("\"%s\": status %d but reason %s", what, rc,
		     tandem_id_reason_name(r->reason));
	if (rc == 0 && r->pos != -1)
		FAIL("\"%s\": valid but pos %ld", what, r->pos);
}

/* tandem_id_check() of a NUL-terminated string, with the invariants checked. */
static int check_str(enum tandem_id_type type, const char *value,
		     struct tandem_id_result *r)
{
	int rc = tandem_id_check(type, value, strlen(value), r);

	check_sane(value, rc, r);
	return rc;
}

/* The value must be valid for the type. */
#define EXPECT_VALID(type, value)                                              \
	do {                                                                   \
		struct tandem_id_result r_;                                    \
		if (check_str((type), (value), &r_) != 0)                      \
			FAIL("\"%s\" rejected: %s (%s)", (value),              \
			     tandem_id_reason_name(r_.reason), r_.detail);     \
	} while (0)

/* The value must be rejected with exactly this reason. */
#define EXPECT_REASON(type, value, want)                                       \
	do {                                                                   \
		struct tandem_id_result r_;                                    \
		int rc_ = check_str((type), (value), &r_);                     \
		if (rc_ != TANDEM_EBADINPUT || r_.reason != (want))            \
			FAIL("\"%s\": status %d reason %s, want %s (%s)",      \
			     (value), rc_, tandem_id_reason_name(r_.reason),   \
			     tandem_id_reason_name(want), r_.detail);          \
	} while (0)

/* The value must fail its check digits; r.expected must give the right ones. */
#define EXPECT_CHECKSUM(type, value, want_expected)                            \
	do {                                                                   \
		struct tandem_id_result r_;                                    \
		int rc_ = check_str((type), (value), &r_);                     \
		if (rc_ != TANDEM_EBADINPUT ||                                 \
		    r_.reason != TANDEM_ID_R_BAD_CHECKSUM)                     \
			FAIL("\"%s\": status %d reason %s, want bad_checksum", \
			     (value), rc_, tandem_id_reason_name(r_.reason));  \
		ASSERT_STR_EQ(r_.expected, (want_expected));                   \
	} while (0)

/* The value must be rejected with BAD_CHAR at byte offset want_pos. */
#define EXPECT_BAD_CHAR(type, value, len, want_pos)                            \
	do {                                                                   \
		struct tandem_id_result r_;                                    \
		int rc_ = tandem_id_check((type), (value), (len), &r_);        \
		check_sane("(bad char input)", rc_, &r_);                      \
		ASSERT_EQ(rc_, TANDEM_EBADINPUT);                              \
		ASSERT_EQ(r_.reason, TANDEM_ID_R_BAD_CHAR);                    \
		ASSERT_EQ(r_.pos, (want_pos));                                 \
	} while (0)

/*
 * A character of the scheme's alphabet in a place where the format forbids it
 * (a letter where digits are due): BAD_FORMAT, or BAD_CHAR pointing at that
 * very character. The header allows both readings.
 */
#define EXPECT_MISPLACED(type, value, want_pos)                                \
	do {                                                                   \
		struct tandem_id_result r_;                                    \
		int rc_ = check_str((type), (value), &r_);                     \
		if (rc_ != TANDEM_EBADINPUT ||                                 \
		    (r_.reason != TANDEM_ID_R_BAD_FORMAT &&                    \
		     (r_.reason != TANDEM_ID_R_BAD_CHAR ||                     \
		      r_.pos != (want_pos))))                                  \
			FAIL("\"%s\": status %d reason %s pos %ld, want "      \
			     "bad_format or bad_char at %d (%s)",              \
			     (value), rc_, tandem_id_reason_name(r_.reason),   \
			     r_.pos, (want_pos), r_.detail);                   \
	} while (0)

/* compute(in) must give want, and want must then check valid. */
#define EXPECT_COMPUTE(type, in, want)                                         \
	do {                                                                   \
		char cout_[64];                                                \
		struct tandem_id_result cr_;                                   \
		int crc_ = tandem_id_compute((type), (in), strlen(in), cout_,  \
					    sizeof cout_, &cr_);               \
		if (crc_ != 0)                                                 \
			FAIL("compute \"%s\": status %d reason %s (%s)", (in), \
			     crc_, tandem_id_reason_name(cr_.reason),          \
			     cr_.detail);                                      \
		ASSERT_STR_EQ(cout_, (want));                                  \
		EXPECT_VALID((type), cout_);                                   \
	} while (0)

/* compute(in) must refuse with TANDEM_EBADINPUT and this reason. */
#define EXPECT_COMPUTE_REJECT(type, in, want)                                  \
	do {                                                                   \
		char cout_[64];                                                \
		struct tandem_id_result cr_;                                   \
		int crc_ = tandem_id_compute((type), (in), strlen(in), cout_,  \
					    sizeof cout_, &cr_);               \
		if (crc_ != TANDEM_EBADINPUT || cr_.reason != (want))          \
			FAIL("compute \"%s\": status %d reason %s, want %s",   \
			     (in), crc_, tandem_id_reason_name(cr_.reason),    \
			     tandem_id_reason_name(want));                     \
		ASSERT(cr_.detail[0] != '\0');                                 \
	} while (0)

TEST(ident_siren_valid)
{
	struct tandem_id_result r;

	ASSERT_EQ(check_str(TANDEM_ID_SIREN, "732829320", &r), 0);
	ASSERT_EQ(r.type, TANDEM_ID_SIREN);
	ASSERT_EQ(r.reason, TANDEM_ID_R_OK);
	ASSERT_EQ(r.flags, 0);
	ASSERT_STR_EQ(r.normalized, "732829320");
	EXPECT_VALID(TANDEM_ID_SIREN, "356000000");
	EXPECT_VALID(TANDEM_ID_SIREN, "303265045");
	EXPECT_VALID(TANDEM_ID_SIREN, "399859412");
	ASSERT_EQ(check_str(TANDEM_ID_SIREN, "732 829 320", &r), 0);
	ASSERT_STR_EQ(r.normalized, "732829320");
	ASSERT_EQ(check_str(TANDEM_ID_SIREN, " \t732829320\t ", &r), 0);
	ASSERT_STR_EQ(r.normalized, "732829320");
}

TEST(ident_siren_rejections)
{
	EXPECT_REASON(TANDEM_ID_SIREN, "", TANDEM_ID_R_EMPTY);
	EXPECT_REASON(TANDEM_ID_SIREN, "   ", TANDEM_ID_R_EMPTY);
	EXPECT_REASON(TANDEM_ID_SIREN, " \t\xc2\xa0 ", TANDEM_ID_R_EMPTY);
	EXPECT_BAD_CHAR(TANDEM_ID_SIREN, "7328293X0", 9, 7);
	EXPECT_BAD_CHAR(TANDEM_ID_SIREN, "732 829 3X0", 11, 9);
	EXPECT_BAD_CHAR(TANDEM_ID_SIREN, "-732829320", 10, 0);
	EXPECT_REASON(TANDEM_ID_SIREN, "73282932", TANDEM_ID_R_BAD_LENGTH);
	EXPECT_REASON(TANDEM_ID_SIREN, "7328293200", TANDEM_ID_R_BAD_LENGTH);
	EXPECT_REASON(TANDEM_ID_SIREN, "000000000", TANDEM_ID_R_PLACEHOLDER);
	EXPECT_REASON(TANDEM_ID_SIREN, "000 000 000", TANDEM_ID_R_PLACEHOLDER);
	EXPECT_CHECKSUM(TANDEM_ID_SIREN, "732829321", "0");
	EXPECT_CHECKSUM(TANDEM_ID_SIREN, "303265046", "5");
}

TEST(ident_siret_valid)
{
	struct tandem_id_result r;

	ASSERT_EQ(check_str(TANDEM_ID_SIRET, "73282932000074", &r), 0);
	ASSERT_EQ(r.type, TANDEM_ID_SIRET);
	ASSERT_EQ(r.flags & TANDEM_ID_F_LA_POSTE, 0);
	ASSERT_EQ(check_str(TANDEM_ID_SIRET, "732 829 320 00074", &r), 0);
	ASSERT_STR_EQ(r.normalized, "73282932000074");
	/* Real SIRETs of parties.tsv. */
	EXPECT_VALID(TANDEM_ID_SIRET, "32359288100060");
	EXPECT_VALID(TANDEM_ID_SIRET, "39012265300012");
	EXPECT_VALID(TANDEM_ID_SIRET, "305 163 040 00119");
}

TEST(ident_siret_rejections)
{
	EXPECT_REASON(TANDEM_ID_SIRET, "", TANDEM_ID_R_EMPTY);
	EXPECT_REASON(TANDEM_ID_SIRET, "7328293200007", TANDEM_ID_R_BAD_LENGTH);
	EXPECT_REASON(TANDEM_ID_SIRET, "732829320000740",
		      TANDEM_ID_R_BAD_LENGTH);
	EXPECT_REASON(TANDEM_ID_SIRET, "732829320", TANDEM_ID_R_BAD_LENGTH);
	EXPECT_BAD_CHAR(TANDEM_ID_SIRET, "7328293200007A", 14, 13);
	EXPECT_REASON(TANDEM_ID_SIRET, "00000000000000",
		      TANDEM_ID_R_PLACEHOLDER);
	EXPECT_CHECKSUM(TANDEM_ID_SIRET, "73282932000070", "4");
	/* The 14-digit Luhn passes, the SIREN 732829321 does not. */
	EXPECT_REASON(TANDEM_ID_SIRET, "73282932100015", TANDEM_ID_R_BAD_SIREN);
	/*
	 * The SIREN part is checked first: a digit mistyped among the first
	 * nine breaks both checks, and "the last digit should be 5" would
	 * suggest a fix that leaves the SIREN invalid. So both failing is
	 * BAD_SIREN, with no expected digit and the offset of the SIREN.
	 */
	{
		struct tandem_id_result r;

		ASSERT_EQ(tandem_id_check(TANDEM_ID_SIRET, "73282932100016", 14, &r),
			  TANDEM_EBADINPUT);
		ASSERT_EQ(r.reason, TANDEM_ID_R_BAD_SIREN);
		ASSERT_EQ(r.pos, 0);
		ASSERT_STR_EQ(r.expected, "");
	}
	/* Digit sum 15, a multiple of 5, but not La Poste: Luhn applies, and
	 * the SIREN 356000001 fails it first. */
	EXPECT_REASON(TANDEM_ID_SIRET, "35600000100000", TANDEM_ID_R_BAD_SIREN);
	/* A valid SIREN with a wrong last digit: BAD_CHECKSUM with the digit. */
	EXPECT_CHECKSUM(TANDEM_ID_SIRET, "73282932000070", "4");
}

TEST(ident_siret_la_poste)
{
	struct tandem_id_result r;

	/* The head office passes Luhn; its digit sum, 26, fails mod 5. */
	ASSERT_EQ(check_str(TANDEM_ID_SIRET, "35600000000048", &r), 0);
	ASSERT_EQ(r.flags & TANDEM_ID_F_LA_POSTE, 0);
	/* Digit sum 15: valid by the La Poste rule although Luhn fails. */
	ASSERT_EQ(check_str(TANDEM_ID_SIRET, "35600000000100", &r), 0);
	ASSERT_NE(r.flags & TANDEM_ID_F_LA_POSTE, 0);
	ASSERT_EQ(check_str(TANDEM_ID_SIRET, "356 000 000 00010", &r), 0);
	ASSERT_NE(r.flags & TANDEM_ID_F_LA_POSTE, 0);
	/* Digit sum 19: invalid by the La Poste rule although Luhn passes. */
	ASSERT_EQ(check_str(TANDEM_ID_SIRET, "35600000000113", &r),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(r.reason, TANDEM_ID_R_BAD_CHECKSUM);
	ASSERT_NE(r.flags & TANDEM_ID_F_LA_POSTE, 0);
}

TEST(ident_vat_fr_valid)
{
	struct tandem_id_result r;

	ASSERT_EQ(check_str(TANDEM_ID_VAT_FR, "FR40303265045", &r), 0);
	ASSERT_EQ(r.type, TANDEM_ID_VAT_FR);
	ASSERT_STR_EQ(r.normalized, "FR40303265045");
	ASSERT_EQ(check_str(TANDEM_ID_VAT_FR, "fr 40 303 265 045", &r), 0);
	ASSERT_STR_EQ(r.normalized, "FR40303265045");
	/* Alphanumeric keys of old numbers: letter first, then digit first. */
	EXPECT_VALID(TANDEM_ID_VAT_FR, "FRK7399859412");
	EXPECT_VALID(TANDEM_ID_VAT_FR, "FRA9303265045");
	EXPECT_VALID(TANDEM_ID_VAT_FR, "FR0H303265045");
	EXPECT_VALID(TANDEM_ID_VAT_FR, "fr0h303265045");
	/* Monaco: SIREN part 000123450 fails Luhn, which does not apply. */
	EXPECT_VALID(TANDEM_ID_VAT_FR, "FR16000123450");
}

TEST(ident_vat_fr_rejections)
{
	EXPECT_REASON(TANDEM_ID_VAT_FR, "", TANDEM_ID_R_EMPTY);
	EXPECT_CHECKSUM(TANDEM_ID_VAT_FR, "FR41303265045", "40");
	EXPECT_CHECKSUM(TANDEM_ID_VAT_FR, "FR00303265045", "40");
	EXPECT_REASON(TANDEM_ID_VAT_FR, "FR0A303265045",
		      TANDEM_ID_R_BAD_CHECKSUM);
	EXPECT_REASON(TANDEM_ID_VAT_FR, "FRA0303265045",
		      TANDEM_ID_R_BAD_CHECKSUM);
	/* Key 43 is right for 303265046, but that SIREN fails Luhn. */
	EXPECT_REASON(TANDEM_ID_VAT_FR, "FR43303265046", TANDEM_ID_R_BAD_SIREN);
	EXPECT_REASON(TANDEM_ID_VAT_FR, "FR4030326504", TANDEM_ID_R_BAD_LENGTH);
	EXPECT_REASON(TANDEM_ID_VAT_FR, "FR403032650450",
		      TANDEM_ID_R_BAD_LENGTH);
	EXPECT_MISPLACED(TANDEM_ID_VAT_FR, "FR40A03265045", 4);
	EXPECT_REASON(TANDEM_ID_VAT_FR, "BE40303265045",
		      TANDEM_ID_R_BAD_COUNTRY);
	EXPECT_BAD_CHAR(TANDEM_ID_VAT_FR, "FR40.303265045", 14, 4);
	EXPECT_BAD_CHAR(TANDEM_ID_VAT_FR, "FR 40 303 265 04\xc3\xa9", 18, 16);
}

TEST(ident_vat_de)
{
	struct tandem_id_result r;

	ASSERT_EQ(check_str(TANDEM_ID_VAT_DE, "DE136695976", &r), 0);
	ASSERT_EQ(r.type, TANDEM_ID_VAT_DE);
	ASSERT_EQ(check_str(TANDEM_ID_VAT_DE, "de 136 695 976", &r), 0);
	ASSERT_STR_EQ(r.normalized, "DE136695976");
	EXPECT_VALID(TANDEM_ID_VAT_DE, "DE123456788");
	EXPECT_VALID(TANDEM_ID_VAT_DE, "DE811111113");
	EXPECT_REASON(TANDEM_ID_VAT_DE, "", TANDEM_ID_R_EMPTY);
	EXPECT_CHECKSUM(TANDEM_ID_VAT_DE, "DE136695977", "6");
	EXPECT_CHECKSUM(TANDEM_ID_VAT_DE, "DE123456789", "8");
	EXPECT_REASON(TANDEM_ID_VAT_DE, "DE036695976", TANDEM_ID_R_BAD_FORMAT);
	EXPECT_REASON(TANDEM_ID_VAT_DE, "DE13669597", TANDEM_ID_R_BAD_LENGTH);
	EXPECT_REASON(TANDEM_ID_VAT_DE, "DE1366959760", TANDEM_ID_R_BAD_LENGTH);
	EXPECT_REASON(TANDEM_ID_VAT_DE, "AT136695976", TANDEM_ID_R_BAD_COUNTRY);
	EXPECT_BAD_CHAR(TANDEM_ID_VAT_DE, "DE136695!76", 11, 8);
}

TEST(ident_vat_dispatch)
{
	struct tandem_id_result r;

	ASSERT_EQ(check_str(TANDEM_ID_VAT, "FR40303265045", &r), 0);
	ASSERT_STR_EQ(r.normalized, "FR40303265045");
	ASSERT_EQ(check_str(TANDEM_ID_VAT, "de136695976", &r), 0);
	ASSERT_STR_EQ(r.normalized, "DE136695976");
	EXPECT_CHECKSUM(TANDEM_ID_VAT, "FR41303265045", "40");
	EXPECT_CHECKSUM(TANDEM_ID_VAT, "DE136695977", "6");
	EXPECT_REASON(TANDEM_ID_VAT, "IT12345678901", TANDEM_ID_R_BAD_COUNTRY);
	EXPECT_REASON(TANDEM_ID_VAT, "GB123456789", TANDEM_ID_R_BAD_COUNTRY);
	EXPECT_REASON(TANDEM_ID_VAT, "", TANDEM_ID_R_EMPTY);
}

/* Example IBANs of the SWIFT IBAN registry, one per country of the table. */
static const char *const sepa_ibans[] = {
	"AD1200012030200359100100",
	"AT611904300234573201",
	"BE68539007547034",
	"BG80BNBG96611020345678",
	"CH9300762011623852957",
	"CY17002001280000001200527600",
	"CZ6508000000192000145399",
	"DE89370400440532013000",
	"DK5000400440116243",
	"EE382200221020145685",
	"ES9121000418450200051332",
	"FI2112345600000785",
	"FR1420041010050500013M02606",
	"GB29NWBK60161331926819",
	"GI75NWBK000000007099453",
	"GR1601101250000000012300695",
	"HR1210010051863000160",
	"HU42117730161111101800000000",
	"IE29AIBK93115212345678",
	"IS140159260076545510730339",
	"IT60X0542811101000000123456",
	"LI21088100002324013AA",
	"LT121000011101001000",
	"LU280019400644750000",
	"LV80BANK0000435195001",
	"MC5811222000010123456789030",
	"MT84MALT011000012345MTLCAST001S",
	"NL91ABNA0417164300",
	"NO9386011117947",
	"PL61109010140000071219812874",
	"PT50000201231234567890154",
	"RO49AAAA1B31007593840000",
	"SE4550000000058398257466",
	"SI56263300012039086",
	"SK3112000000198742637541",
	"SM86U0322509800000000270100",
	"VA59001123000012345678",
	"AL47212110090000000235698741",
	"MD24AG000225100013104168",
	"ME25505000012345678951",
	"MK07250120000058984",
	"RS35260005601001611379",
};

TEST(ident_iban_sepa_examples)
{
	size_t n = sizeof sepa_ibans / sizeof sepa_ibans[0];

	ASSERT_EQ(n, 42);
	for (size_t i = 0; i < n; i++) {
		struct tandem_id_result r;

		if (check_str(TANDEM_ID_IBAN, sepa_ibans[i], &r) != 0)
			FAIL("%s rejected: %s (%s)", sepa_ibans[i],
			     tandem_id_reason_name(r.reason), r.detail);
		ASSERT_EQ(r.type, TANDEM_ID_IBAN);
		ASSERT_EQ(r.flags & TANDEM_ID_F_NOT_SEPA, 0);
		ASSERT_STR_EQ(r.normalized, sepa_ibans[i]);
	}
}

TEST(ident_iban_spaces_and_case)
{
	struct tandem_id_result r;

	ASSERT_EQ(check_str(TANDEM_ID_IBAN, "FR76 3000 6000 0112 3456 7890 189",
			    &r),
		  0);
	ASSERT_STR_EQ(r.normalized, "FR7630006000011234567890189");
	ASSERT_EQ(check_str(TANDEM_ID_IBAN, "gb29 nwbk 6016 1331 9268 19", &r),
		  0);
	ASSERT_STR_EQ(r.normalized, "GB29NWBK60161331926819");
	ASSERT_EQ(check_str(TANDEM_ID_IBAN,
			    "DE89\xc2\xa0" "3704\xc2\xa0" "0044\xe2\x80\xaf"
			    "0532\t0130\t00",
			    &r),
		  0);
	ASSERT_STR_EQ(r.normalized, "DE89370400440532013000");
	EXPECT_VALID(TANDEM_ID_IBAN, "fr1420041010050500013m02606");
}

TEST(ident_iban_not_sepa)
{
	struct tandem_id_result r;
	const char *br = "BR1800360305000010009795493C1";
	const char *sa = "SA03 8000 0000 6080 1016 7519";

	ASSERT_EQ(check_str(TANDEM_ID_IBAN, br, &r), 0);
	ASSERT_NE(r.flags & TANDEM_ID_F_NOT_SEPA, 0);
	ASSERT_EQ(check_str(TANDEM_ID_IBAN, sa, &r), 0);
	ASSERT_NE(r.flags & TANDEM_ID_F_NOT_SEPA, 0);
	ASSERT_STR_EQ(r.normalized, "SA0380000000608010167519");
	/* Outside the table the checksum is still checked. */
	EXPECT_CHECKSUM(TANDEM_ID_IBAN, "BR1900360305000010009795493C1", "18");
	EXPECT_CHECKSUM(TANDEM_ID_IBAN, "SA0480000000608010167519", "03");
}

TEST(ident_iban_rejections)
{
	EXPECT_REASON(TANDEM_ID_IBAN, "", TANDEM_ID_R_EMPTY);
	EXPECT_REASON(TANDEM_ID_IBAN, "    ", TANDEM_ID_R_EMPTY);
	EXPECT_CHECKSUM(TANDEM_ID_IBAN, "DE88370400440532013000", "89");
	EXPECT_CHECKSUM(TANDEM_ID_IBAN, "GB28NWBK60161331926819", "29");
	EXPECT_CHECKSUM(TANDEM_ID_IBAN, "FR1520041010050500013M02606", "14");
	/* Two swapped digits in the BBAN. */
	EXPECT_CHECKSUM(TANDEM_ID_IBAN, "DE89370400440532031000", "59");
	/*
	 * Check digits 00, 01 and 99 pass MOD 97-10 (they are congruent with
	 * 97, 98 and 02) but are never issued.
	 */
	EXPECT_REASON(TANDEM_ID_IBAN, "DE00370400440532010043",
		      TANDEM_ID_R_BAD_CHECKSUM);
	EXPECT_REASON(TANDEM_ID_IBAN, "DE01370400440532010025",
		      TANDEM_ID_R_BAD_CHECKSUM);
	EXPECT_REASON(TANDEM_ID_IBAN, "DE99370400440532010007",
		      TANDEM_ID_R_BAD_CHECKSUM);
	/* Wrong lengths for the country, with correct MOD 97-10 digits. */
	EXPECT_REASON(TANDEM_ID_IBAN, "DE5137040044053201300",
		      TANDEM_ID_R_BAD_LENGTH);
	EXPECT_REASON(TANDEM_ID_IBAN, "DE90370400440532013000100",
		      TANDEM_ID_R_BAD_LENGTH);
	EXPECT_REASON(TANDEM_ID_IBAN, "FR3820041010050500013M026060",
		      TANDEM_ID_R_BAD_LENGTH);
	EXPECT_REASON(TANDEM_ID_IBAN, "NO10860111179471",
		      TANDEM_ID_R_BAD_LENGTH);
	/* Right length and MOD 97-10, wrong BBAN layout. */
	EXPECT_MISPLACED(TANDEM_ID_IBAN, "DE47370400440532013A00", 19);
	EXPECT_MISPLACED(TANDEM_ID_IBAN, "FR462004A010050500013M02606", 8);
	EXPECT_MISPLACED(TANDEM_ID_IBAN, "GB42NWB160161331926819", 7);
	EXPECT_MISPLACED(TANDEM_ID_IBAN, "NL44ABN10417164300", 7);
	EXPECT_MISPLACED(TANDEM_ID_IBAN, "IT2910542811101000000123456", 4);
	/* QQ is not an ISO 3166-1 country, although MOD 97-10 passes. */
	EXPECT_REASON(TANDEM_ID_IBAN, "QQ701234567890123456",
		      TANDEM_ID_R_BAD_COUNTRY);
	EXPECT_BAD_CHAR(TANDEM_ID_IBAN, "DE89-3704-0044-0532-0130-00", 27, 4);
	EXPECT_BAD_CHAR(TANDEM_ID_IBAN, "DE89 3704 0044 0532 0130 0\xc3\xa9",
			28, 26);
}

TEST(ident_iban_national_check)
{
	/* The examples pass their national checks. */
	EXPECT_VALID(TANDEM_ID_IBAN, "FR1420041010050500013M02606");
	EXPECT_VALID(TANDEM_ID_IBAN, "MC5811222000010123456789030");
	EXPECT_VALID(TANDEM_ID_IBAN, "BE68539007547034");
	/* MOD 97-10 passes, the RIB key (or Belgian check) does not. */
	EXPECT_REASON(TANDEM_ID_IBAN, "FR4120041010050500013M02605",
		      TANDEM_ID_R_BAD_NATIONAL_CHECK);
	EXPECT_REASON(TANDEM_ID_IBAN, "MC3111222000010123456789031",
		      TANDEM_ID_R_BAD_NATIONAL_CHECK);
	EXPECT_REASON(TANDEM_ID_IBAN, "BE41539007547035",
		      TANDEM_ID_R_BAD_NATIONAL_CHECK);
}

TEST(ident_bic)
{
	struct tandem_id_result r;

	ASSERT_EQ(check_str(TANDEM_ID_BIC, "DEUTDEFF", &r), 0);
	ASSERT_EQ(r.type, TANDEM_ID_BIC);
	ASSERT_EQ(r.flags & TANDEM_ID_F_TEST_BIC, 0);
	EXPECT_VALID(TANDEM_ID_BIC, "DEUTDEFF500");
	EXPECT_VALID(TANDEM_ID_BIC, "BNPAFRPPXXX");
	EXPECT_VALID(TANDEM_ID_BIC, "NWBKGB2L");
	/* XK (Kosovo) is user-assigned, yet used in real BICs. */
	EXPECT_VALID(TANDEM_ID_BIC, "RBKOXKPR");
	ASSERT_EQ(check_str(TANDEM_ID_BIC, "deut de ff", &r), 0);
	ASSERT_STR_EQ(r.normalized, "DEUTDEFF");
	ASSERT_EQ(check_str(TANDEM_ID_BIC, "DEUTDEF0", &r), 0);
	ASSERT_NE(r.flags & TANDEM_ID_F_TEST_BIC, 0);
	ASSERT_EQ(check_str(TANDEM_ID_BIC, "DEUTDEF0XXX", &r), 0);
	ASSERT_NE(r.flags & TANDEM_ID_F_TEST_BIC, 0);
	EXPECT_REASON(TANDEM_ID_BIC, "", TANDEM_ID_R_EMPTY);
	EXPECT_REASON(TANDEM_ID_BIC, "DEUTQQFF", TANDEM_ID_R_BAD_COUNTRY);
	EXPECT_REASON(TANDEM_ID_BIC, "DEUTQQFF500", TANDEM_ID_R_BAD_COUNTRY);
	EXPECT_MISPLACED(TANDEM_ID_BIC, "DEU1DEFF", 3);
	EXPECT_MISPLACED(TANDEM_ID_BIC, "DEUTD1FF", 5);
	EXPECT_BAD_CHAR(TANDEM_ID_BIC, "DEUT-DEFF", 9, 4);
	EXPECT_BAD_CHAR(TANDEM_ID_BIC, "DEUTDEFF50!", 11, 10);
	/* Neither 8 nor 11 characters. */
	{
		static const char *const lengths[] = {"DEUTDEF", "DEUTDEFF5",
						      "DEUTDEFF50",
						      "DEUTDEFF5000"};
		for (size_t i = 0; i < sizeof lengths / sizeof lengths[0];
		     i++) {
			ASSERT_EQ(check_str(TANDEM_ID_BIC, lengths[i], &r),
				  TANDEM_EBADINPUT);
			if (r.reason != TANDEM_ID_R_BAD_LENGTH &&
			    r.reason != TANDEM_ID_R_BAD_FORMAT)
				FAIL("\"%s\": reason %s", lengths[i],
				     tandem_id_reason_name(r.reason));
		}
	}
}

TEST(ident_leitweg)
{
	struct tandem_id_result r;

	ASSERT_EQ(check_str(TANDEM_ID_LEITWEG, "04011000-1234512345-06", &r),
		  0);
	ASSERT_EQ(r.type, TANDEM_ID_LEITWEG);
	ASSERT_STR_EQ(r.normalized, "04011000-1234512345-06");
	EXPECT_VALID(TANDEM_ID_LEITWEG, "991-03730-19");
	/* Letters count A=10..Z=35; lower case is upper-cased first. */
	EXPECT_VALID(TANDEM_ID_LEITWEG, "991-ABC12-49");
	ASSERT_EQ(check_str(TANDEM_ID_LEITWEG, "991-abc12-49", &r), 0);
	ASSERT_STR_EQ(r.normalized, "991-ABC12-49");
	/* Without the optional middle part, and the longest form (46). */
	EXPECT_VALID(TANDEM_ID_LEITWEG, "04011000-45");
	EXPECT_VALID(TANDEM_ID_LEITWEG,
		     "123456789012-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123-03");
	/* The middle part may be empty ({0,30} in the grammar). */
	EXPECT_VALID(TANDEM_ID_LEITWEG, "04011000--45");
	EXPECT_REASON(TANDEM_ID_LEITWEG, "", TANDEM_ID_R_EMPTY);
	EXPECT_CHECKSUM(TANDEM_ID_LEITWEG, "04011000-1234512345-07", "06");
	EXPECT_CHECKSUM(TANDEM_ID_LEITWEG, "991-03730-91", "19");
	EXPECT_CHECKSUM(TANDEM_ID_LEITWEG, "991-ABC13-49", "46");
	EXPECT_BAD_CHAR(TANDEM_ID_LEITWEG, "04011000_1234512345-06", 22, 8);
	EXPECT_BAD_CHAR(TANDEM_ID_LEITWEG, "04011000-12345.12345-06", 23, 14);
	/* Letters in the coarse part, no hyphen, one check digit, too long. */
	EXPECT_MISPLACED(TANDEM_ID_LEITWEG, "A4011000-1234512345-06", 0);
	EXPECT_REASON(TANDEM_ID_LEITWEG, "04011000123451234506",
		      TANDEM_ID_R_BAD_FORMAT);
	EXPECT_REASON(TANDEM_ID_LEITWEG, "04011000-1234512345-6",
		      TANDEM_ID_R_BAD_FORMAT);
	EXPECT_MISPLACED(TANDEM_ID_LEITWEG, "04011000-1234512345-0A", 21);
	EXPECT_REASON(TANDEM_ID_LEITWEG, "1234567890123-45-67",
		      TANDEM_ID_R_BAD_FORMAT);
	{
		/* Beyond 46 characters, or below 5: length or format. */
		static const char *const lengths[] = {
			"123456789012-ABCDEFGHIJKLMNOPQRSTUVWXYZ01234-03",
			"1-23",
		};
		for (size_t i = 0; i < sizeof lengths / sizeof lengths[0];
		     i++) {
			ASSERT_EQ(check_str(TANDEM_ID_LEITWEG, lengths[i], &r),
				  TANDEM_EBADINPUT);
			if (r.reason != TANDEM_ID_R_BAD_LENGTH &&
			    r.reason != TANDEM_ID_R_BAD_FORMAT)
				FAIL("\"%s\": reason %s", lengths[i],
				     tandem_id_reason_name(r.reason));
		}
	}
}

/*
 * Inputs longer than TANDEM_ID_INPUT_MAX bytes (separators included) are
 * refused before anything else, whatever the type, and normalized stays a
 * NUL-terminated string within its array.
 */
TEST(ident_too_long)
{
	size_t big = (size_t)1 << 20;
	char *mb = malloc(big);
	char buf[TANDEM_ID_INPUT_MAX + 2];
	struct tandem_id_result r;

	ASSERT(mb != NULL);
	memset(mb, '7', big);
	for (int t = 0; t < TANDEM_ID_TYPE_COUNT_; t++) {
		int rc = tandem_id_check((enum tandem_id_type)t, mb, big, &r);
		check_sane("(1 MB of digits)", rc, &r);
		ASSERT_EQ(rc, TANDEM_EBADINPUT);
		ASSERT_EQ(r.reason, TANDEM_ID_R_TOO_LONG);
		ASSERT_LT(strlen(r.normalized), sizeof r.normalized);
	}
	free(mb);

	/* 256 bytes: a valid SIREN followed by spaces is accepted. */
	memset(buf, ' ', sizeof buf);
	memcpy(buf, "732829320", 9);
	ASSERT_EQ(tandem_id_check(TANDEM_ID_SIREN, buf, TANDEM_ID_INPUT_MAX,
				  &r),
		  0);
	ASSERT_STR_EQ(r.normalized, "732829320");
	/* 257 bytes: refused, even though only spaces follow the SIREN. */
	ASSERT_EQ(tandem_id_check(TANDEM_ID_SIREN, buf, TANDEM_ID_INPUT_MAX + 1,
				  &r),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(r.reason, TANDEM_ID_R_TOO_LONG);
	check_sane("(257 bytes)", TANDEM_EBADINPUT, &r);
	/* 257 bytes of letters and digits. */
	memset(buf, 'A', sizeof buf);
	ASSERT_EQ(tandem_id_check(TANDEM_ID_IBAN, buf, TANDEM_ID_INPUT_MAX + 1,
				  &r),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(r.reason, TANDEM_ID_R_TOO_LONG);
	ASSERT_EQ(tandem_id_check(TANDEM_ID_UNKNOWN, buf,
				  TANDEM_ID_INPUT_MAX + 1, &r),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(r.reason, TANDEM_ID_R_TOO_LONG);
}

/* Positions are byte offsets in the original input, separators counted. */
TEST(ident_bad_char_positions)
{
	struct tandem_id_result r;

	EXPECT_BAD_CHAR(TANDEM_ID_SIREN, "732\0" "829320", 10, 3);
	EXPECT_BAD_CHAR(TANDEM_ID_SIREN, "73282932\xc3\xa9", 10, 8);
	EXPECT_BAD_CHAR(TANDEM_ID_SIREN, "\xc3\xa9" "732829320", 11, 0);
	/* A lone lead byte of U+00A0 is not a space. */
	EXPECT_BAD_CHAR(TANDEM_ID_SIREN, "732\xc2" "829320", 10, 3);
	EXPECT_BAD_CHAR(TANDEM_ID_SIREN, "732\xa0" "829320", 10, 3);
	/* After two no-break spaces of two bytes each: 3+2+3+2 = 10. */
	EXPECT_BAD_CHAR(TANDEM_ID_SIREN, "732\xc2\xa0" "829\xc2\xa0" "X20", 13,
			10);
	/* After two narrow no-break spaces of three bytes each. */
	EXPECT_BAD_CHAR(TANDEM_ID_SIREN,
			"732\xe2\x80\xaf" "829\xe2\x80\xaf" "3\n0", 15, 13);
	EXPECT_BAD_CHAR(TANDEM_ID_SIRET, "732829320\r00074", 15, 9);
	EXPECT_BAD_CHAR(TANDEM_ID_IBAN, "DE89370400440532013000\0", 23, 22);
	/*
	 * A byte outside the alphabet is reported as such even when it also
	 * makes the value too long: the position is the more useful answer.
	 */
	EXPECT_BAD_CHAR(TANDEM_ID_SIREN, "732829320.", 10, 9);
	EXPECT_BAD_CHAR(TANDEM_ID_SIRET, "73282932000074.", 15, 14);
	EXPECT_BAD_CHAR(TANDEM_ID_VAT_FR, "FR40303265045.", 14, 13);
	EXPECT_BAD_CHAR(TANDEM_ID_VAT_DE, "DE136695976.", 12, 11);
	EXPECT_BAD_CHAR(TANDEM_ID_IBAN, "DE89370400440532013000.", 23, 22);
	EXPECT_BAD_CHAR(TANDEM_ID_BIC, "DEUTDEFF.", 9, 8);
	EXPECT_BAD_CHAR(TANDEM_ID_LEITWEG, "991-03730-19.", 13, 12);

	/* Both no-break spaces and a tab are separators. */
	ASSERT_EQ(check_str(TANDEM_ID_SIREN, "732\xc2\xa0" "829\xc2\xa0" "320",
			    &r),
		  0);
	ASSERT_STR_EQ(r.normalized, "732829320");
	ASSERT_EQ(check_str(TANDEM_ID_SIREN,
			    "732\xe2\x80\xaf" "829\t320", &r),
		  0);
	ASSERT_STR_EQ(r.normalized, "732829320");
}

TEST(ident_compute_siren_siret)
{
	struct tandem_id_result r;
	char out[64];

	EXPECT_COMPUTE(TANDEM_ID_SIREN, "73282932", "732829320");
	EXPECT_COMPUTE(TANDEM_ID_SIREN, "30326504", "303265045");
	EXPECT_COMPUTE(TANDEM_ID_SIREN, "732 829 32", "732829320");
	EXPECT_COMPUTE(TANDEM_ID_SIRET, "7328293200007", "73282932000074");
	EXPECT_COMPUTE(TANDEM_ID_SIRET, "3032650450001", "30326504500011");
	/* La Poste: two digits complete the sum to a multiple of 5. */
	ASSERT_EQ(tandem_id_compute(TANDEM_ID_SIRET, "3560000000001", 13, out,
				    sizeof out, &r),
		  0);
	ASSERT_EQ(strlen(out), 14);
	ASSERT_MEM_EQ(out, "3560000000001", 13);
	ASSERT(out[13] == '0' || out[13] == '5');
	EXPECT_VALID(TANDEM_ID_SIRET, out);
	/* No check digit can make these valid. */
	EXPECT_COMPUTE_REJECT(TANDEM_ID_SIREN, "00000000",
			      TANDEM_ID_R_PLACEHOLDER);
	EXPECT_COMPUTE_REJECT(TANDEM_ID_SIRET, "7328293210001",
			      TANDEM_ID_R_BAD_SIREN);
	EXPECT_COMPUTE_REJECT(TANDEM_ID_SIREN, "7328293",
			      TANDEM_ID_R_BAD_LENGTH);
	EXPECT_COMPUTE_REJECT(TANDEM_ID_SIREN, "7328293X",
			      TANDEM_ID_R_BAD_CHAR);
	EXPECT_COMPUTE_REJECT(TANDEM_ID_SIREN, "", TANDEM_ID_R_EMPTY);
}

TEST(ident_compute_vat)
{
	EXPECT_COMPUTE(TANDEM_ID_VAT_FR, "303265045", "FR40303265045");
	EXPECT_COMPUTE(TANDEM_ID_VAT_FR, "732 829 320", "FR44732829320");
	/* Monaco: the SIREN part is exempt from Luhn. */
	EXPECT_COMPUTE(TANDEM_ID_VAT_FR, "000123450", "FR16000123450");
	EXPECT_COMPUTE_REJECT(TANDEM_ID_VAT_FR, "303265046",
			      TANDEM_ID_R_BAD_SIREN);
	EXPECT_COMPUTE(TANDEM_ID_VAT_DE, "13669597", "DE136695976");
	EXPECT_COMPUTE(TANDEM_ID_VAT_DE, "DE13669597", "DE136695976");
	EXPECT_COMPUTE(TANDEM_ID_VAT_DE, "de 123 456 78", "DE123456788");
	EXPECT_COMPUTE_REJECT(TANDEM_ID_VAT_DE, "03669597",
			      TANDEM_ID_R_BAD_FORMAT);
	EXPECT_COMPUTE_REJECT(TANDEM_ID_VAT_DE, "1366959",
			      TANDEM_ID_R_BAD_LENGTH);
	{
		/* A character outside the alphabet comes with its place. */
		struct tandem_id_result r;
		char out[64];

		ASSERT_EQ(tandem_id_compute(TANDEM_ID_VAT_DE, "1366959X", 8,
					    out, sizeof out, &r),
			  TANDEM_EBADINPUT);
		ASSERT_EQ(r.reason, TANDEM_ID_R_BAD_CHAR);
		ASSERT_EQ(r.pos, 7);
		ASSERT_EQ(tandem_id_compute(TANDEM_ID_VAT_FR, "30326504X", 9,
					    out, sizeof out, &r),
			  TANDEM_EBADINPUT);
		ASSERT_EQ(r.reason, TANDEM_ID_R_BAD_CHAR);
		ASSERT_EQ(r.pos, 8);
	}
}

TEST(ident_compute_iban_leitweg)
{
	EXPECT_COMPUTE(TANDEM_ID_IBAN, "DE00370400440532013000",
		       "DE89370400440532013000");
	EXPECT_COMPUTE(TANDEM_ID_IBAN, "DE370400440532013000",
		       "DE89370400440532013000");
	EXPECT_COMPUTE(TANDEM_ID_IBAN, "GBNWBK60161331926819",
		       "GB29NWBK60161331926819");
	EXPECT_COMPUTE(TANDEM_ID_IBAN, "FR20041010050500013M02606",
		       "FR1420041010050500013M02606");
	EXPECT_COMPUTE(TANDEM_ID_IBAN, "GB99NWBK60161331926819",
		       "GB29NWBK60161331926819");
	EXPECT_COMPUTE(TANDEM_ID_LEITWEG, "04011000-1234512345",
		       "04011000-1234512345-06");
	EXPECT_COMPUTE(TANDEM_ID_LEITWEG, "04011000-1234512345-",
		       "04011000-1234512345-06");
	EXPECT_COMPUTE(TANDEM_ID_LEITWEG, "991-03730", "991-03730-19");
	EXPECT_COMPUTE(TANDEM_ID_LEITWEG, "991-abc12", "991-ABC12-49");
	EXPECT_COMPUTE(TANDEM_ID_LEITWEG, "04011000", "04011000-45");
	{
		/*
		 * A letter where the DE layout wants digits, found when the
		 * completed IBAN is checked: pos is -1, never the offset in
		 * that IBAN (20), which is past the end of the input.
		 */
		struct tandem_id_result r;
		char out[64];

		ASSERT_EQ(tandem_id_compute(TANDEM_ID_IBAN,
					    "DE3704004405320130D0", 20, out,
					    sizeof out, &r),
			  TANDEM_EBADINPUT);
		ASSERT(r.reason == TANDEM_ID_R_BAD_FORMAT ||
		       r.reason == TANDEM_ID_R_BAD_CHAR);
		ASSERT_EQ(r.pos, -1);
	}
}

TEST(ident_compute_limits)
{
	struct tandem_id_result r;
	char out[64];

	/* BIC has no check digits. */
	ASSERT_EQ(tandem_id_compute(TANDEM_ID_BIC, "DEUTDEFF", 8, out,
				    sizeof out, &r),
		  TANDEM_EUNSUPPORTED);
	/* The 9 digits need 10 bytes with the NUL; 9 are too few. */
	ASSERT_EQ(tandem_id_compute(TANDEM_ID_SIREN, "73282932", 8, out, 9, &r),
		  TANDEM_ELIMIT);
	ASSERT_EQ(tandem_id_compute(TANDEM_ID_SIREN, "73282932", 8, out, 10,
				    &r),
		  0);
	ASSERT_STR_EQ(out, "732829320");
	ASSERT_EQ(tandem_id_compute(TANDEM_ID_IBAN, "DE370400440532013000", 20,
				    out, 22, &r),
		  TANDEM_ELIMIT);
	ASSERT_EQ(tandem_id_compute(TANDEM_ID_IBAN, "DE370400440532013000", 20,
				    out, 23, &r),
		  0);
	ASSERT_STR_EQ(out, "DE89370400440532013000");
}

TEST(ident_detect)
{
	static const struct {
		const char *value;
		enum tandem_id_type type;
	} cases[] = {
		{"732829320", TANDEM_ID_SIREN},
		{"732 829 320", TANDEM_ID_SIREN},
		{"732829321", TANDEM_ID_SIREN}, /* shape only */
		{"73282932000074", TANDEM_ID_SIRET},
		{"732 829 320 00074", TANDEM_ID_SIRET},
		{"FR40303265045", TANDEM_ID_VAT_FR},
		{"fr 40 303 265 045", TANDEM_ID_VAT_FR},
		{"FRK7399859412", TANDEM_ID_VAT_FR},
		{"DE136695976", TANDEM_ID_VAT_DE},
		{"DE89370400440532013000", TANDEM_ID_IBAN},
		{"FR76 3000 6000 0112 3456 7890 189", TANDEM_ID_IBAN},
		{"BR1800360305000010009795493C1", TANDEM_ID_IBAN},
		{"DEUTDEFF", TANDEM_ID_BIC},
		{"DEUTDEFF500", TANDEM_ID_BIC},
		{"bnpafrppxxx", TANDEM_ID_BIC},
		{"04011000-1234512345-06", TANDEM_ID_LEITWEG},
		{"991-03730-19", TANDEM_ID_LEITWEG},
		{"", TANDEM_ID_UNKNOWN},
		{"   ", TANDEM_ID_UNKNOWN},
		{"hello", TANDEM_ID_UNKNOWN},
		{"12345", TANDEM_ID_UNKNOWN},
		{"1234567890", TANDEM_ID_UNKNOWN},
		{"FR4030326504", TANDEM_ID_UNKNOWN},
		{"7328293X0", TANDEM_ID_UNKNOWN},
		{"DE89\xc3\xa9", TANDEM_ID_UNKNOWN},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		enum tandem_id_type got = tandem_id_detect(
			cases[i].value, strlen(cases[i].value));
		if (got != cases[i].type)
			FAIL("detect \"%s\": %s, want %s", cases[i].value,
			     tandem_id_type_name(got),
			     tandem_id_type_name(cases[i].type));
	}
	/* 1 MB is no kind of identifier. */
	{
		size_t big = (size_t)1 << 20;
		char *mb = malloc(big);
		ASSERT(mb != NULL);
		memset(mb, '7', big);
		ASSERT_EQ(tandem_id_detect(mb, big), TANDEM_ID_UNKNOWN);
		free(mb);
	}
}

TEST(ident_check_unknown_type)
{
	struct tandem_id_result r;

	/* TANDEM_ID_UNKNOWN detects the type, then checks. */
	ASSERT_EQ(check_str(TANDEM_ID_UNKNOWN, "732829320", &r), 0);
	ASSERT_EQ(r.type, TANDEM_ID_SIREN);
	ASSERT_EQ(check_str(TANDEM_ID_UNKNOWN, "DE89 3704 0044 0532 0130 00",
			    &r),
		  0);
	ASSERT_EQ(r.type, TANDEM_ID_IBAN);
	ASSERT_EQ(check_str(TANDEM_ID_UNKNOWN, "991-03730-19", &r), 0);
	ASSERT_EQ(r.type, TANDEM_ID_LEITWEG);
	ASSERT_EQ(check_str(TANDEM_ID_UNKNOWN, "732829321", &r),
		  TANDEM_EBADINPUT);
	ASSERT_EQ(r.type, TANDEM_ID_SIREN);
	ASSERT_EQ(r.reason, TANDEM_ID_R_BAD_CHECKSUM);
	ASSERT_EQ(check_str(TANDEM_ID_UNKNOWN, "hello", &r), TANDEM_EBADINPUT);
	ASSERT_EQ(r.reason, TANDEM_ID_R_UNDETECTED);
	/* A type outside the enumeration is a caller error. */
	ASSERT_EQ(tandem_id_check(TANDEM_ID_TYPE_COUNT_, "732829320", 9, &r),
		  TANDEM_EINVAL);
	ASSERT_EQ(tandem_id_check((enum tandem_id_type)99, "732829320", 9, &r),
		  TANDEM_EINVAL);
}

TEST(ident_type_names)
{
	for (int t = 0; t < TANDEM_ID_TYPE_COUNT_; t++) {
		const char *name = tandem_id_type_name((enum tandem_id_type)t);
		ASSERT(name != NULL && name[0] != '\0');
		ASSERT_EQ(tandem_id_type_parse(name), t);
	}
	ASSERT_STR_EQ(tandem_id_type_name(TANDEM_ID_UNKNOWN), "unknown");
	ASSERT_STR_EQ(tandem_id_type_name(TANDEM_ID_SIRET), "siret");
	ASSERT_STR_EQ(tandem_id_type_name(TANDEM_ID_VAT_FR), "vat-fr");
	ASSERT_STR_EQ(tandem_id_type_name(TANDEM_ID_VAT_DE), "vat-de");
	ASSERT_STR_EQ(tandem_id_type_name(TANDEM_ID_LEITWEG), "leitweg");
	ASSERT_EQ(tandem_id_type_parse("iban"), TANDEM_ID_IBAN);
	ASSERT_EQ(tandem_id_type_parse("bic"), TANDEM_ID_BIC);
	ASSERT_EQ(tandem_id_type_parse("vat"), TANDEM_ID_VAT);
	ASSERT_EQ(tandem_id_type_parse("nope"), TANDEM_ID_TYPE_COUNT_);
	ASSERT_EQ(tandem_id_type_parse(""), TANDEM_ID_TYPE_COUNT_);
	ASSERT_EQ(tandem_id_type_parse("siret "), TANDEM_ID_TYPE_COUNT_);
}

TEST(ident_reason_names)
{
	for (int i = 0; i < TANDEM_ID_REASON_COUNT_; i++) {
		const char *name =
			tandem_id_reason_name((enum tandem_id_reason)i);
		const char *text =
			tandem_id_reason_text((enum tandem_id_reason)i);
		ASSERT(name != NULL && name[0] != '\0');
		ASSERT(text != NULL && text[0] != '\0');
		for (int j = 0; j < i; j++) {
			enum tandem_id_reason other = (enum tandem_id_reason)j;
			ASSERT(strcmp(name, tandem_id_reason_name(other)) != 0);
		}
	}
	ASSERT_STR_EQ(tandem_id_reason_name(TANDEM_ID_R_OK), "ok");
	ASSERT_STR_EQ(tandem_id_reason_name(TANDEM_ID_R_TOO_LONG), "too_long");
	ASSERT_STR_EQ(tandem_id_reason_name(TANDEM_ID_R_BAD_CHECKSUM),
		      "bad_checksum");
	ASSERT_STR_EQ(tandem_id_reason_name(TANDEM_ID_R_BAD_NATIONAL_CHECK),
		      "bad_national_check");
	ASSERT_STR_EQ(tandem_id_reason_text(TANDEM_ID_R_PLACEHOLDER),
		      "all zeros: a placeholder");
}

TEST(ident_iso3166)
{
	ASSERT(tandem_iso3166_is_assigned("FR"));
	ASSERT(tandem_iso3166_is_assigned("DE"));
	ASSERT(tandem_iso3166_is_assigned("MC"));
	ASSERT(tandem_iso3166_is_assigned("US"));
	ASSERT(tandem_iso3166_is_assigned("ZW"));
	ASSERT(tandem_iso3166_is_assigned("AD"));
	ASSERT(!tandem_iso3166_is_assigned("QQ"));
	ASSERT(!tandem_iso3166_is_assigned("ZZ"));
	ASSERT(!tandem_iso3166_is_assigned("AA"));
	ASSERT(!tandem_iso3166_is_assigned("XX"));
}

/*
 * The SIRETs of real procurement parties: most are valid, a few are typing
 * mistakes, blanks or SIRENs. Python (same rules) counts 7294 valid of 7485
 * rows whose id_scheme is SIRET, a ratio of 0.9745.
 */
TEST(ident_parties_siret_ratio)
{
	char path[1024];
	char line[PARTIES_LINE_MAX];
	size_t rows = 0, valid = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/procurement/parties.tsv",
		 test_shared_data());
	f = fopen(path, "r");
	if (f == NULL)
		SKIP("procurement/parties.tsv not found under the shared "
		     "data folder (set TANDEM_SHARED_DATA)");
	while (fgets(line, sizeof line, f) != NULL) {
		/* Columns: role, id_scheme, id, name. */
		char *scheme, *id, *end;
		struct tandem_id_result r;

		line[strcspn(line, "\r\n")] = '\0';
		scheme = strchr(line, '\t');
		if (scheme == NULL)
			continue;
		scheme++;
		id = strchr(scheme, '\t');
		if (id == NULL)
			continue;
		*id++ = '\0';
		if (strcmp(scheme, "SIRET") != 0)
			continue;
		end = strchr(id, '\t');
		if (end != NULL)
			*end = '\0';
		rows++;
		if (check_str(TANDEM_ID_SIRET, id, &r) == 0)
			valid++;
	}
	fclose(f);
	ASSERT_GT(rows, 1000);
	double ratio = (double)valid / (double)rows;
	if (ratio < 0.95 || ratio > 0.995)
		FAIL("%zu of %zu SIRETs valid: ratio %.4f, outside "
		     "[0.95, 0.995]",
		     valid, rows, ratio);
}

TEST(ident_result_filled_on_einval)
{
	/* "Fills *r completely in every case": a bad type included. */
	struct tandem_id_result r;
	char out[64];

	memset(&r, 0x5a, sizeof r);
	ASSERT_EQ(tandem_id_check((enum tandem_id_type)99, "1", 1, &r), TANDEM_EINVAL);
	ASSERT_EQ(r.pos, -1);
	ASSERT_EQ(r.normalized[0], '\0');
	ASSERT_EQ(r.detail[0], '\0');
	memset(&r, 0x5a, sizeof r);
	ASSERT_EQ(tandem_id_compute(TANDEM_ID_UNKNOWN, "1", 1, out, sizeof out, &r),
		  TANDEM_EINVAL);
	ASSERT_EQ(r.pos, -1);
	ASSERT_EQ(r.expected[0], '\0');
}
