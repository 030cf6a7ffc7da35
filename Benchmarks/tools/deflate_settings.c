/* Times zlib raw deflate over one file for several settings: the measurement behind
 * ZipWriter.defaultDeflate. CPU seconds, the best of 3 runs, and the compressed size.
 *
 *   cc -O2 -o /tmp/deflate_settings Benchmarks/tools/deflate_settings.c -lz
 *   unzip -o -q OUT.xlsx xl/worksheets/sheet1.xml -d /tmp/x
 *   /tmp/deflate_settings /tmp/x/xl/worksheets/sheet1.xml 3 0 0 0 0   3 4 5 32 16
 *
 * Each setting is five numbers: level, then deflateTune's good_length, max_lazy, nice_length,
 * max_chain (all 0: the level's own). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zlib.h>

static double cpu_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 7 || (argc - 2) % 5 != 0) {
        fprintf(stderr, "usage: %s FILE LEVEL GOOD LAZY NICE CHAIN [LEVEL GOOD LAZY NICE CHAIN]...\n", argv[0]);
        return 64;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *in = malloc(n), *out = malloc(n + (n >> 8) + 1024);
    if (!in || !out || fread(in, 1, n, f) != (size_t)n) { fprintf(stderr, "cannot read %s\n", argv[1]); return 1; }
    fclose(f);
    for (int s = 2; s + 4 < argc; s += 5) {
        int v[5];
        for (int j = 0; j < 5; j++) v[j] = atoi(argv[s + j]);
        double best = 1e9;
        unsigned long size = 0;
        for (int run = 0; run < 3; run++) {
            z_stream z = {0};
            if (deflateInit2(&z, v[0], Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 1;
            if (v[1]) deflateTune(&z, v[1], v[2], v[3], v[4]);
            z.next_in = in; z.avail_in = n; z.next_out = out; z.avail_out = n + (n >> 8) + 1024;
            double t = cpu_seconds();
            if (deflate(&z, Z_FINISH) != Z_STREAM_END) return 1;
            t = cpu_seconds() - t;
            size = z.total_out;
            deflateEnd(&z);
            if (t < best) best = t;
        }
        printf("level %d tune %d %d %d %d: %lu bytes (%.1f %% of the input), %.3f s\n",
               v[0], v[1], v[2], v[3], v[4], size, 100.0 * size / n, best);
    }
    return 0;
}
