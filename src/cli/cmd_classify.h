/*
 * src/cli/cmd_classify.h - what the files of `tandem classify` share.
 */
#ifndef TANDEM_CMD_CLASSIFY_H
#define TANDEM_CMD_CLASSIFY_H

#include <stdbool.h>

#include "tandem/classify.h"

/* Suggestions for the lines of the invoice at path; an exit status. */
int classify_invoice(const struct tandem_cls_model *m, const char *path, bool json);

#endif /* TANDEM_CMD_CLASSIFY_H */
