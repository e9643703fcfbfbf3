/* libFuzzer targets (tests/fuzz/fuzz_<parser>.c): `make fuzz` builds each with clang's
 * -fsanitize=fuzzer,address and runs it over corpus/<parser>/; `make test` links the
 * same function to replay.c and runs the committed corpus as a regression test. */
#ifndef ECR_FUZZ_H
#define ECR_FUZZ_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
