/*
 * src/cli/cmd_log.h - what the two files of `tandem log` share: the
 * options of its subcommands and the subcommands of cmd_log_proof.c.
 */
#ifndef TANDEM_CMD_LOG_H
#define TANDEM_CMD_LOG_H

#include <stdint.h>

#include "tandem/tlog_log.h"

/* Bits of given: which number options were on the command line. */
#define LOG_INDEX (1u << ('i' - 'a'))
#define LOG_SIZE (1u << ('n' - 'a'))
#define LOG_START (1u << ('s' - 'a'))
#define LOG_END (1u << ('e' - 'a'))
#define LOG_FROM (1u << ('f' - 'a'))
#define LOG_TO (1u << ('t' - 'a'))

struct log_opts {
	const char *log, *db, *origin, *checkpoint, *key;
	uint64_t index, size, start, end, from, to;
	unsigned given;
	char **args;
	int nargs;
	char dir[4096];
};

/* Parses the options: -1 to go on, else the exit status. */
int log_parse(int argc, char **argv, struct log_opts *o);

/* Opens the log of o->dir; an exit status, the error printed. */
int log_open(const struct log_opts *o, enum tandem_tlog_mode mode, struct tandem_tlog **log);

int log_prove(const struct log_opts *o);
int log_consistency(const struct log_opts *o);
int log_verify(const struct log_opts *o);
int log_check_proof(const struct log_opts *o);

#endif /* TANDEM_CMD_LOG_H */
