/* Times writing a file through the page cache against past it (O_DIRECT), each with its fsync,
 * and reading a file past the page cache: the measurements behind Bytes/DirectFileSink.swift
 * (Benchmarks/README.md, "Physical limits" and "The output past the page cache"). Linux only.
 *
 *   cc -O2 -pthread -o /tmp/direct_io Benchmarks/tools/direct_io.c
 *   /tmp/direct_io write 91 /path/on/the/disk/x.out          # 91 MiB, cached, then direct
 *   /tmp/direct_io read /path/on/the/disk/x.out 512 2        # 512 KiB reads, 2 threads
 *   /tmp/direct_io writers 91 /path/on/the/disk/x.out 1024 2 # 91 MiB direct, 1 MiB writes, 2 threads
 *
 * Writes are 1 MiB from one aligned buffer, as the sink's. Memory the page cache needs is fresh
 * or just freed depending on what ran before: run it after a sleep of 10 s, and right after
 * another write, to see both. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { chunk = 1 << 20, alignment = 4096 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void write_file(const char *path, long mib, int direct) {
    void *buffer;
    if (posix_memalign(&buffer, alignment, chunk) != 0) { perror("posix_memalign"); exit(1); }
    memset(buffer, 'x', chunk);
    unlink(path);
    double t0 = now();
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | (direct ? O_DIRECT : 0), 0644);
    if (fd < 0) { perror("open"); exit(1); }
    for (long i = 0; i < mib; i++)
        if (write(fd, buffer, chunk) != chunk) { perror("write"); exit(1); }
    double t1 = now();
    if (fsync(fd) != 0) { perror("fsync"); exit(1); }
    double t2 = now();
    close(fd);
    printf("%-6s %ld MiB: write %.3f s, fsync %.3f s, together %.3f s\n", direct ? "direct" : "cached", mib,
           t1 - t0, t2 - t1, t2 - t0);
    free(buffer);
}

static int read_fd, threads;
static long file_size, piece;

/* Direct writes from several threads at once (more requests in flight); thread i writes the
 * pieces i, i + threads, ... */
static int write_fd;
static void *write_share(void *arg) {
    long first = (long)arg;
    void *buffer;
    if (posix_memalign(&buffer, alignment, piece) != 0) { perror("posix_memalign"); exit(1); }
    memset(buffer, 'x', piece);
    for (long at = first * piece; at < file_size; at += threads * piece)
        if (pwrite(write_fd, buffer, piece, at) != piece) { perror("pwrite"); exit(1); }
    free(buffer);
    return NULL;
}

static void *read_share(void *arg) {
    long first = (long)arg;
    void *buffer;
    if (posix_memalign(&buffer, alignment, piece) != 0) { perror("posix_memalign"); exit(1); }
    for (long at = first * piece; at < file_size; at += threads * piece)
        if (pread(read_fd, buffer, piece, at) < 0) { perror("pread"); exit(1); }
    free(buffer);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "write") == 0) {
        write_file(argv[3], atol(argv[2]), 0);
        write_file(argv[3], atol(argv[2]), 1);
        unlink(argv[3]);
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "read") == 0) {
        piece = atol(argv[3]) << 10;
        threads = atoi(argv[4]);
        if (piece <= 0 || piece % alignment || threads < 1 || threads > 64) { fprintf(stderr, "bad piece or threads\n"); return 64; }
        read_fd = open(argv[2], O_RDONLY | O_DIRECT);
        if (read_fd < 0) { perror("open"); return 1; }
        file_size = lseek(read_fd, 0, SEEK_END);
        pthread_t t[64];
        double t0 = now();
        for (long i = 0; i < threads; i++) pthread_create(&t[i], NULL, read_share, (void *)i);
        for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
        double s = now() - t0;
        printf("direct read, %ld KiB pieces, %d threads: %.3f s, %.0f MB/s\n", piece >> 10, threads, s, file_size / 1e6 / s);
        return 0;
    }
    if (argc == 6 && strcmp(argv[1], "writers") == 0) {
        file_size = atol(argv[2]) << 20;
        piece = atol(argv[4]) << 10;
        threads = atoi(argv[5]);
        if (piece <= 0 || piece % alignment || file_size % piece || threads < 1 || threads > 64) {
            fprintf(stderr, "bad size, piece or threads\n");
            return 64;
        }
        unlink(argv[3]);
        double t0 = now();
        write_fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT, 0644);
        if (write_fd < 0) { perror("open"); return 1; }
        pthread_t t[64];
        for (long i = 0; i < threads; i++) pthread_create(&t[i], NULL, write_share, (void *)i);
        for (int i = 0; i < threads; i++) pthread_join(t[i], NULL);
        if (fsync(write_fd) != 0) { perror("fsync"); return 1; }
        double s = now() - t0;
        close(write_fd);
        unlink(argv[3]);
        printf("direct write and fsync, %ld KiB pieces, %d threads: %.3f s, %.0f MB/s\n", piece >> 10, threads, s,
               file_size / 1e6 / s);
        return 0;
    }
    fprintf(stderr, "usage: %s write MIB PATH | read PATH PIECE_KIB THREADS | writers MIB PATH PIECE_KIB THREADS\n",
            argv[0]);
    return 64;
}
