/*
 * bench/bench_decimal.c - throughput of the decimal money type: parsing and
 * formatting XML amounts, line-amount arithmetic (quantity x unit price
 * rounded to cents) and summing.
 */
#include <string.h>

#include "bench.h"
#include "tandem/decimal.h"
#include "tandem/slice.h"

#define N_VALUES 8
#define MIN_S 0.5

static const char *const amounts[N_VALUES] = {
	"1234.56", "-0.01", "999999999.99", "12.5", "0.000001",
	"100", "73.129999", "5000000.00",
};

int main(void)
{
	struct tandem_dec v[N_VALUES], acc;
	char out[TANDEM_DEC_STR_MAX];
	double t0, t, ops;
	long sink = 0;

	t0 = bench_now_s();
	ops = 0;
	do {
		for (int i = 0; i < N_VALUES; i++)
			sink += tandem_dec_parse(tandem_slice_from_cstr(amounts[i]), &v[i]);
		ops += N_VALUES;
		t = bench_now_s() - t0;
	} while (t < MIN_S);
	bench_report("parse xs:decimal", ops, t);

	t0 = bench_now_s();
	ops = 0;
	do {
		for (int i = 0; i < N_VALUES; i++)
			sink += (long)tandem_dec_format(v[i], out);
		ops += N_VALUES;
		t = bench_now_s() - t0;
	} while (t < MIN_S);
	bench_report("format", ops, t);

	t0 = bench_now_s();
	ops = 0;
	do {
		for (int i = 0; i < N_VALUES; i++) {
			struct tandem_dec line;
			if (tandem_dec_mul(v[i], v[(i + 3) % N_VALUES], &line) == 0 &&
			    tandem_dec_round(line, 2, TANDEM_ROUND_HALF_UP, &line) == 0)
				sink += tandem_dec_sign(line);
		}
		ops += N_VALUES;
		t = bench_now_s() - t0;
	} while (t < MIN_S);
	bench_report("quantity x price, rounded half-up to cents", ops, t);

	t0 = bench_now_s();
	ops = 0;
	tandem_dec_from_int(0, 2, &acc);
	do {
		for (int i = 0; i < N_VALUES; i++)
			if (tandem_dec_add(acc, v[i], &acc) != 0)
				tandem_dec_from_int(0, 2, &acc);
		ops += N_VALUES;
		t = bench_now_s() - t0;
	} while (t < MIN_S);
	bench_report("add (running total)", ops, t);

	bench_sink = sink + tandem_dec_sign(acc);
	return 0;
}
