#ifndef C_VECTOR_SCAN_ELEMENT_H
#define C_VECTOR_SCAN_ELEMENT_H

// The structural pass over a JSON array file's elements (`ElementCutter` in EventDump) on
// 64-byte blocks, simdjson's way: each block becomes 64-bit masks of its quotes, backslashes and
// brackets (four 16-byte SSE2 compares and `movemask`s each); the escaped bytes come from the
// backslash runs with one subtraction, the bytes inside strings from a prefix XOR of the
// unescaped quotes, and only the brackets outside strings are then looked at one by one. Static
// inline, as in StringScan.h, so that Swift inlines it.

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Where a block scan stopped, and the lexical state there.
typedef struct {
    // Bracket depth inside the element (above 0 while scanning).
    intptr_t depth;
    // 1: the next byte is inside a string (an opening quote was seen, its closing one not yet).
    int in_string;
    // 1: the next byte is escaped (a string's backslash run of odd length ended the block).
    int escaped;
} vector_element_state;

#if defined(__SSE2__)
// Bit k set where byte k of the 64 in `v0`…`v3` equals `c`.
static inline uint64_t vector_element_bits(__m128i v0, __m128i v1, __m128i v2, __m128i v3, __m128i c) {
    uint64_t m0 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v0, c));
    uint64_t m1 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v1, c));
    uint64_t m2 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v2, c));
    uint64_t m3 = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v3, c));
    return m0 | (m1 << 16) | (m2 << 32) | (m3 << 48);
}
#endif

// Bit k of the result: the parity of bits 0 through k of `x`.
static inline uint64_t vector_element_prefix_xor(uint64_t x) {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

// Scans the whole 64-byte blocks from `i` on, inside an element (`state->depth` > 0), updating
// `*state` as it goes. Returns the index just past the bracket that closes the element if one
// of them holds it. Otherwise returns -1 and sets `*at` to the start of the bytes not scanned:
// fewer than 64 before `end`, or a block holding a backslash outside every string (not valid
// JSON: the caller's byte-at-a-time pass, which reads such a backslash as an ordinary byte, must
// take that block, so that both passes cut the same bounds), or `i` without SSE2. Where the
// caller's pass skips the byte after a string's backslash, `state->escaped` says so instead.
static inline intptr_t vector_scan_element_end(const uint8_t *p, intptr_t i, intptr_t end,
                                               vector_element_state *state, intptr_t *at) {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    // '[' and ']' are '{' and '}' without the 0x20 bit: or-ing it in folds each pair into one.
    const __m128i fold = _mm_set1_epi8(0x20);
    const __m128i open = _mm_set1_epi8('{');
    const __m128i close = _mm_set1_epi8('}');
    const uint64_t odd_bits = 0xAAAAAAAAAAAAAAAAull;
    intptr_t depth = state->depth;
    uint64_t escaped_in = (uint64_t)state->escaped;
    uint64_t inside_in = state->in_string ? ~0ull : 0;
    while (i + 64 <= end) {
        const __m128i v0 = _mm_loadu_si128((const __m128i *)(p + i));
        const __m128i v1 = _mm_loadu_si128((const __m128i *)(p + i + 16));
        const __m128i v2 = _mm_loadu_si128((const __m128i *)(p + i + 32));
        const __m128i v3 = _mm_loadu_si128((const __m128i *)(p + i + 48));
        uint64_t backslashes = vector_element_bits(v0, v1, v2, v3, backslash);
        uint64_t escaped;
        uint64_t escaped_out;
        if (backslashes == 0) {
            escaped = escaped_in;
            escaped_out = 0;
        } else {
            // simdjson's escape scanner: a run of backslashes escapes the byte after it when
            // the run is odd; a backslash escaped from the block before starts no escape.
            uint64_t potential = backslashes & ~escaped_in;
            uint64_t codes = ((potential << 1) | odd_bits) - potential;
            uint64_t escape_and_terminal = codes ^ odd_bits;
            escaped = escape_and_terminal ^ (backslashes | escaped_in);
            escaped_out = (escape_and_terminal & backslashes) >> 63;
        }
        uint64_t quotes = vector_element_bits(v0, v1, v2, v3, quote) & ~escaped;
        // Bit k: byte k is inside a string (an opening quote is, a closing one is not).
        uint64_t inside = vector_element_prefix_xor(quotes) ^ inside_in;
        if (backslashes & ~inside) {
            break;
        }
        const __m128i f0 = _mm_or_si128(v0, fold), f1 = _mm_or_si128(v1, fold);
        const __m128i f2 = _mm_or_si128(v2, fold), f3 = _mm_or_si128(v3, fold);
        uint64_t opens = vector_element_bits(f0, f1, f2, f3, open);
        uint64_t closes = vector_element_bits(f0, f1, f2, f3, close);
        opens &= ~inside;
        closes &= ~inside;
        uint64_t brackets = opens | closes;
        while (brackets != 0) {
            int k = __builtin_ctzll(brackets);
            if ((closes >> k) & 1) {
                depth -= 1;
                if (depth == 0) {
                    state->depth = 0;
                    state->in_string = 0;
                    state->escaped = 0;
                    return i + k + 1;
                }
            } else {
                depth += 1;
            }
            brackets &= brackets - 1;
        }
        escaped_in = escaped_out;
        inside_in = (uint64_t)((int64_t)inside >> 63);
        i += 64;
    }
    state->depth = depth;
    state->in_string = inside_in != 0;
    state->escaped = (int)escaped_in;
#endif
    *at = i;
    return -1;
}

#endif
