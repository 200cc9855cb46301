/*
 * bench/bench_decimal.c - throughput of the decimal money type: parsing and
 * formatting XML amounts, line-amount arithmetic (quantity x unit price
 * rounded to cents), summing, and division on the 256-bit path.
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

static struct tandem_dec v[N_VALUES];
static struct tandem_dec total;

/* One operation on value i; returns something to keep the work alive. */
static long op_parse(int i)
{
	return tandem_dec_parse(tandem_slice_from_cstr(amounts[i]), &v[i]);
}

static long op_format(int i)
{
	char out[TANDEM_DEC_STR_MAX];
	return (long)tandem_dec_format(v[i], out);
}

static long op_line_amount(int i)
{
	struct tandem_dec line;

	if (tandem_dec_mul(v[i], v[(i + 3) % N_VALUES], &line) != 0 ||
	    tandem_dec_round(line, 2, TANDEM_ROUND_HALF_UP, &line) != 0)
		return 0;
	return tandem_dec_sign(line);
}

static long op_add(int i)
{
	if (tandem_dec_add(total, v[i], &total) != 0)
		tandem_dec_from_int(0, 2, &total);
	return tandem_dec_sign(total);
}

static long op_div(int i)
{
	struct tandem_dec q;

	if (tandem_dec_div(v[i], v[(i + 1) % N_VALUES], 6, TANDEM_ROUND_HALF_EVEN, &q) != 0)
		return 0;
	return tandem_dec_sign(q);
}

static void time_op(const char *name, long (*op)(int))
{
	double t0 = bench_now_s(), t, ops = 0;
	long sink = 0;

	do {
		for (int i = 0; i < N_VALUES; i++)
			sink += op(i);
		ops += N_VALUES;
		t = bench_now_s() - t0;
	} while (t < MIN_S);
	bench_sink = sink;
	bench_report(name, ops, t);
}

int main(void)
{
	tandem_dec_from_int(0, 2, &total);
	time_op("parse xs:decimal", op_parse);
	time_op("format", op_format);
	time_op("quantity x price, rounded half-up to cents", op_line_amount);
	time_op("add (running total)", op_add);
	time_op("divide to 6 decimals, half-even", op_div);
	return 0;
}
