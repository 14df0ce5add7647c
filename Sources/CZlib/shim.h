#ifndef VMEDIA_CZLIB_SHIM_H
#define VMEDIA_CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2/deflateInit2 are function-like macros, which Swift cannot import. */
static inline int czlib_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
static inline int czlib_deflateInit2(z_streamp stream, int level, int windowBits) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
