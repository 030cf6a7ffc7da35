/* memcpy's bandwidth on this machine, the yardstick for every copy on the hot path: a buffer of
 * MIB MiB (default 256: far past the caches, so RAM to RAM) copied into another, and a 1 MiB
 * buffer copied over and over (the caches). Both buffers are touched before the clock starts, so
 * no page fault is timed. Prints the best of five runs of each, in GB/s (10^9 bytes a second).
 *
 *   cc -O2 -o /tmp/memcpy_rate Benchmarks/tools/memcpy_rate.c && /tmp/memcpy_rate [MIB]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* The best rate of five runs, each copying `n` bytes `times` times. */
static double best_rate(char *to, const char *from, size_t n, int times) {
    double best = 0;
    for (int run = 0; run < 5; run++) {
        double t0 = now();
        for (int i = 0; i < times; i++) {
            memcpy(to, from, n);
            /* The copy must not be optimized away: read a byte that depends on it. */
            __asm__ volatile("" : : "r"(to[i % n]) : "memory");
        }
        double rate = (double)n * times / (now() - t0) / 1e9;
        if (rate > best) best = rate;
    }
    return best;
}

int main(int argc, char **argv) {
    size_t big = (size_t)(argc > 1 ? atol(argv[1]) : 256) << 20, small = 1 << 20;
    if (big < small) { fprintf(stderr, "usage: %s [MIB ≥ 1]\n", argv[0]); return 64; }
    char *a = malloc(big), *b = malloc(big);
    if (!a || !b) { perror("malloc"); return 1; }
    memset(a, 'x', big);
    memset(b, 'y', big);
    printf("memcpy %zu MiB buffer to buffer (RAM): %.1f GB/s\n", big >> 20, best_rate(b, a, big, 1));
    printf("memcpy 1 MiB buffer to buffer (cache), 256 times: %.1f GB/s\n", best_rate(b, a, small, 256));
    free(a);
    free(b);
    return 0;
}
