/* Times zlib inflating one gzip file three ways, five runs each: as a gzip stream with zlib's
 * own CRC-32 and length check, as raw deflate (the 10-byte header skipped, no check), and raw
 * with a separate crc32() over each output buffer. The measurement behind EventDump/GzipCheck.swift
 * (Benchmarks/README.md, "Physical limits"): what zlib's check costs the thread that inflates.
 * The raw modes assume a header without optional fields (as gzip -n and the generator write).
 *
 *   cc -O2 -o /tmp/inflate_check Benchmarks/tools/inflate_check.c -lz
 *   /tmp/inflate_check gzip FILE.gz; /tmp/inflate_check raw FILE.gz; /tmp/inflate_check raw+crc FILE.gz
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s gzip|raw|raw+crc FILE.gz\n", argv[0]); return 64; }
    int raw = strncmp(argv[1], "raw", 3) == 0, crc = strcmp(argv[1], "raw+crc") == 0;
    FILE *f = fopen(argv[2], "rb");
    if (!f) { perror(argv[2]); return 1; }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    unsigned char *in = malloc(n);
    if (fread(in, 1, n, f) != (size_t)n) { perror("read"); return 1; }
    size_t capacity = 2 << 20; /* the scanner's chunk buffers are 2-4 MiB */
    unsigned char *out = malloc(capacity);
    for (int run = 0; run < 5; run++) {
        double start = now();
        z_stream z;
        memset(&z, 0, sizeof z);
        inflateInit2(&z, raw ? -15 : 31);
        z.next_in = in + (raw ? 10 : 0);
        z.avail_in = n - (raw ? 10 : 0);
        size_t total = 0;
        unsigned long check = 0;
        int rc;
        do {
            z.next_out = out;
            z.avail_out = capacity;
            rc = inflate(&z, Z_NO_FLUSH);
            total += capacity - z.avail_out;
            if (crc) check = crc32(check, out, capacity - z.avail_out);
        } while (rc == Z_OK);
        inflateEnd(&z);
        fprintf(stderr, "%s: %s, %zu bytes out, %.1f ms\n", argv[1], rc == Z_STREAM_END ? "ok" : "error", total,
                (now() - start) * 1e3);
    }
    return 0;
}
