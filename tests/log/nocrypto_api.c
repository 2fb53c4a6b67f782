/* nocrypto_api.c: libgovlog's C API on a host whose libcrypto is missing or broken
 * (tests/log/nocrypto.sh runs it under tests/log/nocrypto.c's shim).
 *
 * usage: log_nocrypto_api DIR   (DIR/good.log: a closed log; DIR/torn.log: one with a
 * torn tail; both written before, on a working libcrypto)
 *
 * Every entry point that needs SHA-256 must return an error naming libcrypto, not abort,
 * and leave every file as it was: opening a new log creates nothing, opening an existing
 * one (to append, or to recover its torn tail) changes none of its bytes, the reader and
 * govlog_check_line refuse, govlog_sha256 gives no digest.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log/govlog.h"

static int failures;

static void check(bool ok, const char *name, const char *fmt, ...) {
    printf("%s - C API: %s\n", ok ? "ok" : "not ok", name);
    if (ok) return;
    failures++;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        printf("#   ");
        vprintf(fmt, ap);
        printf("\n");
        va_end(ap);
    }
}

static char *slurp(const char *p, size_t *n) {
    FILE *f = fopen(p, "rb");
    if (!f) return NULL;
    char *b = NULL;
    size_t cap = 0;
    *n = 0;
    for (;;) {
        if (*n + 4096 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(b, cap);
            if (!nb) break;
            b = nb;
        }
        size_t r = fread(b + *n, 1, cap - *n, f);
        *n += r;
        if (r == 0) break;
    }
    fclose(f);
    return b;
}

static bool exists(const char *p) {
    struct stat st;
    return stat(p, &st) == 0;
}

/* GOVLOG_ECRYPTO, and a message naming libcrypto. */
static bool names_libcrypto(int rc, const char *msg) { return rc == GOVLOG_ECRYPTO && msg && strstr(msg, "libcrypto"); }

/* Open an existing log for writing (recover or not): refused, its bytes unchanged. */
static void open_existing(const char *dir, const char *name, int recover) {
    char p[512], what[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    size_t n0, n1;
    char *before = slurp(p, &n0);
    govlog_options o;
    govlog_options_init(&o);
    o.recover = recover;
    govlog *lg = NULL;
    char msg[600] = "";
    int rc = govlog_open(p, &o, &lg, msg, sizeof msg);
    char *after = slurp(p, &n1);
    snprintf(what, sizeof what, "govlog_open(%s%s) returns GOVLOG_ECRYPTO naming libcrypto", name,
             recover ? ", recover" : "");
    check(names_libcrypto(rc, msg) && !lg, what, "rc %d (%s), message '%s'", rc, govlog_errstr(rc), msg);
    snprintf(what, sizeof what, "govlog_open(%s%s) leaves its bytes as they were", name, recover ? ", recover" : "");
    check(before && after && n0 == n1 && memcmp(before, after, n0) == 0, what, "%zu bytes before, %zu after", n0, n1);
    if (lg) govlog_close(lg, NULL);
    free(before);
    free(after);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: log_nocrypto_api DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    char p[512], msg[600] = "";

    /* A new log: nothing is created. */
    snprintf(p, sizeof p, "%s/new.log", dir);
    govlog *lg = NULL;
    int rc = govlog_open(p, NULL, &lg, msg, sizeof msg);
    check(names_libcrypto(rc, msg) && !lg, "govlog_open of a new log returns GOVLOG_ECRYPTO naming libcrypto",
          "rc %d (%s), message '%s'", rc, govlog_errstr(rc), msg);
    char lockp[600];
    snprintf(lockp, sizeof lockp, "%s.lock", p);
    check(!exists(p) && !exists(lockp), "govlog_open of a new log creates neither the log nor its lock file", NULL);
    if (lg) govlog_close(lg, NULL);

    open_existing(dir, "good.log", 0);
    open_existing(dir, "torn.log", 0);
    open_existing(dir, "torn.log", 1);

    /* The reader. */
    snprintf(p, sizeof p, "%s/good.log", dir);
    const char *paths[] = {p};
    govlog_reader *r = NULL;
    msg[0] = 0;
    rc = govlog_reader_open(paths, 1, NULL, &r, msg, sizeof msg);
    if (rc == GOVLOG_OK && r) {
        govlog_line l;
        rc = govlog_next(r, &l);
        snprintf(msg, sizeof msg, "%s", govlog_reader_errmsg(r));
    }
    check(names_libcrypto(rc, msg), "the reader returns GOVLOG_ECRYPTO naming libcrypto", "rc %d (%s), message '%s'", rc,
          govlog_errstr(rc), msg);
    govlog_reader_free(r);

    /* One line by itself. */
    size_t n;
    char *text = slurp(p, &n);
    char *nl = text ? memchr(text, '\n', n) : NULL;
    msg[0] = 0;
    rc = nl ? govlog_check_line(text, (size_t)(nl - text), NULL, msg, sizeof msg) : -1;
    check(names_libcrypto(rc, msg), "govlog_check_line returns GOVLOG_ECRYPTO naming libcrypto, not 'corrupt'", "rc %d (%s), message '%s'", rc,
          govlog_errstr(rc), msg);
    free(text);

    /* A digest asked for directly: none is given. */
    char hex[65];
    memset(hex, 'x', sizeof hex);
    rc = govlog_sha256("abc", 3, hex);
    check(rc == GOVLOG_ECRYPTO && hex[0] == 0, "govlog_sha256 returns GOVLOG_ECRYPTO and an empty digest",
          "rc %d, '%.64s'", rc, hex);

    printf("%d failure%s\n", failures, failures == 1 ? "" : "s");
    return failures != 0;
}
