// Fallback for builds without `-sanitize=fuzzer`: `swift build` links every executable, and the fuzz
// target must link there too. This weak definition loses to libFuzzer's strong one when the fuzzer
// runtime is linked (clang links it whole-archive), and otherwise runs the callback once on each file
// named on the command line, so the same executable replays a corpus or a crash input in a plain build.
#include "libfuzzer.h"
#include <stdio.h>
#include <stdlib.h>

__attribute__((weak)) int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t)) {
    int status = 0;
    for (int i = 1; i < *argc; i++) {
        const char *path = (*argv)[i];
        if (path[0] == '-') continue;  // libFuzzer flags mean nothing to the replayer
        FILE *file = fopen(path, "rb");
        if (!file) { fprintf(stderr, "replay: cannot open %s\n", path); status = 1; continue; }
        fseek(file, 0, SEEK_END);
        long size = ftell(file);
        fseek(file, 0, SEEK_SET);
        uint8_t *data = malloc(size > 0 ? (size_t)size : 1);
        size_t got = size > 0 ? fread(data, 1, (size_t)size, file) : 0;
        fclose(file);
        callback(data, got);
        free(data);
        printf("replayed %s (%zu bytes)\n", path, got);
    }
    return status;
}
