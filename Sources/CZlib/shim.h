#ifndef THEORYCHECK_CZLIB_SHIM_H
#define THEORYCHECK_CZLIB_SHIM_H

// zlib for Swift (gzip-compressed data files). `inflateInit2` is a macro that passes the library
// version and the stream size; Swift does not import function-like macros, so it is re-exposed.
#include <zlib.h>

/// Starts inflating a gzip stream (windowBits 15 + 16: gzip header and trailer only).
static inline int tc_inflate_init_gzip(z_streamp stream) { return inflateInit2(stream, 15 + 16); }

/// Starts deflating into a gzip stream (level 6, windowBits 15 + 16, memLevel 8, default strategy).
static inline int tc_deflate_init_gzip(z_streamp stream) {
    return deflateInit2(stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

#endif
