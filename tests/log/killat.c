/* killat.c: an LD_PRELOAD shim for tests/log/killpoints.py. With GOV_KILL_AFTER=N it
 * counts the calls that change a file (write, pwrite, ftruncate, fsync, fdatasync,
 * rename) and, when the Nth of them returns, kills its own process with SIGKILL: a crash
 * at exactly that point, N = 1, 2, 3, ... in turn. Without GOV_KILL_AFTER it counts
 * nothing and changes nothing. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

static long calls, kill_after = -1;

static void counted(void) {
    if (kill_after < 0) {
        const char *s = getenv("GOV_KILL_AFTER");
        kill_after = s ? atol(s) : 0;
    }
    if (kill_after > 0 && ++calls == kill_after) raise(SIGKILL);
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef int (*trunc_fn)(int, off_t);
typedef int (*sync_fn)(int);
typedef int (*rename_fn)(const char *, const char *);

/* The next definition of `name` (libc's), found once. */
#define NEXT(name, type)                                                                                     \
    static type next_##name;                                                                                 \
    if (!next_##name) next_##name = (type)dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *b, size_t n) {
    NEXT(write, write_fn);
    ssize_t r = next_write(fd, b, n);
    counted();
    return r;
}
ssize_t pwrite(int fd, const void *b, size_t n, off_t off) {
    NEXT(pwrite, pwrite_fn);
    ssize_t r = next_pwrite(fd, b, n, off);
    counted();
    return r;
}
ssize_t pwrite64(int fd, const void *b, size_t n, off_t off) {
    NEXT(pwrite64, pwrite_fn);
    ssize_t r = next_pwrite64(fd, b, n, off);
    counted();
    return r;
}
int ftruncate(int fd, off_t n) {
    NEXT(ftruncate, trunc_fn);
    int r = next_ftruncate(fd, n);
    counted();
    return r;
}
int ftruncate64(int fd, off_t n) {
    NEXT(ftruncate64, trunc_fn);
    int r = next_ftruncate64(fd, n);
    counted();
    return r;
}
int fsync(int fd) {
    NEXT(fsync, sync_fn);
    int r = next_fsync(fd);
    counted();
    return r;
}
int fdatasync(int fd) {
    NEXT(fdatasync, sync_fn);
    int r = next_fdatasync(fd);
    counted();
    return r;
}
int rename(const char *a, const char *b) {
    NEXT(rename, rename_fn);
    int r = next_rename(a, b);
    counted();
    return r;
}
