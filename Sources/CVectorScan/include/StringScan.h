#ifndef C_VECTOR_SCAN_STRING_H
#define C_VECTOR_SCAN_STRING_H

// The string scanner's inner loop on 16-byte vectors. Swift's SIMD types lower comparisons
// one lane at a time (seen in the disassembly: a SIMD16<Int8> compare became sixteen byte
// compares and branches), so the loop is written with the SSE2 intrinsics every x86-64
// processor has; static inline, so that Swift inlines it into the scanner. Elsewhere it looks
// at nothing, and the Swift code's eight-byte loop does all the work.

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Looks for the first byte that is '"', '\\', a control byte (< 0x20) or non-ASCII (>= 0x80)
// in the whole 16-byte blocks from `i` on. Found: returns 1 and sets `*at` to its index. Not
// found: returns 0 and sets `*at` to the start of the bytes not looked at (fewer than 16
// before `end`, or all of them without SSE2).
static inline int vector_scan_string_stop(const uint8_t *p, intptr_t i, intptr_t end, intptr_t *at) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8(0x22);
    const __m128i backslash = _mm_set1_epi8(0x5C);
    // As signed bytes, control and non-ASCII bytes are both below 0x20: one compare.
    const __m128i space = _mm_set1_epi8(0x20);
    while (i + 16 <= end) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + i));
        __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                    _mm_cmplt_epi8(v, space));
        int mask = _mm_movemask_epi8(stop);
        if (mask != 0) {
            *at = i + __builtin_ctz((unsigned)mask);
            return 1;
        }
        i += 16;
    }
#endif
    *at = i;
    return 0;
}

#endif
