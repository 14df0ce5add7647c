// The libFuzzer driver entry point (compiler-rt FuzzerInterface.h). With `-sanitize=fuzzer` the real
// libFuzzer runtime (linked whole-archive) provides it; otherwise replay.c's weak fallback replays files.
#ifndef VMEDIA_LIBFUZZER_H
#define VMEDIA_LIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
