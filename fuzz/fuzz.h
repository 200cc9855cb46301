/*
 * fuzz/fuzz.h - the entry point every fuzz target defines.
 *
 * Built for libFuzzer (make fuzz) the entry point is LLVMFuzzerTestOneInput.
 * Built into the test binary for corpus replay, the Makefile renames it after
 * the file (-DFUZZ_ENTRY=fuzz_decimal) so several targets can be linked
 * together. A target checks properties with TANDEM_ASSERT: any violation
 * aborts, which libFuzzer reports and the replay test counts as a failure.
 */
#ifndef TANDEM_FUZZ_H
#define TANDEM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

#endif /* TANDEM_FUZZ_H */
