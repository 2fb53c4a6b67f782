/* fuzz_log.c: the decision log's reader (log/read.c, log/line.c; spec/trace.md §9).
 * The first input byte picks a mode, the rest is a log file.
 *   mode 0: the bytes as they are: line digests, the chain and the framing are fuzzed;
 *   mode 1: "repaired" first: each line's seq, prev and sha256 are set to what the chain
 *           needs (where the line has those members at all), so mutations of a valid
 *           log reach the form and structure checks behind the digests.
 *   mode 2 (first byte 2): the rest is a JSON value X, put into a decision line with its
 *           digest twice: inside the decision ({"v":X}) and as the line's run_id. The
 *           line parser must accept the first exactly when the project's one validator
 *           (vm/gov_jcheck.h) accepts {"v":X} and X holds no newline, and the second
 *           exactly when X is null or one JSON string by that validator (the parser's
 *           own string decoder, jstring, held to it).
 * Each line also goes through govlog_check_line alone. Beyond the sanitizers it checks:
 *   - the reader ends (END, or a failure with a message) within as many calls as the
 *     input has lines, and every line it returns passes govlog_check_line again;
 *   - a torn tail it reports lies after the last newline and runs to the end;
 *   - END is never returned for an input that does not end with a newline.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log/govlog.h"
#include "vm/gov_jcheck.h"

enum { MAXLOG = 1 << 20 };
static char path[64];
static int fd = -1;
static char *buf;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(path, sizeof path, "/tmp/fuzz_log-XXXXXX");
    fd = mkstemp(path);
    buf = malloc(MAXLOG * 2);
    if (fd < 0 || !buf) abort();
    return 0;
}

static void hex(const char *s, size_t n, char out[65]) { govlog_sha256(s, n, out); }

/* Set seq, prev and sha256 of each line that has them where a writer puts them. */
static size_t repair(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0, seq = 0;
    char prev[65];
    memset(prev, '0', 64);
    prev[64] = 0;
    for (size_t i = 0; i < n;) {
        const uint8_t *nl = memchr(in + i, '\n', n - i);
        size_t len = nl ? (size_t)(nl - (in + i)) : n - i;
        char *line = out + o;
        size_t m = 0;
        /* {"seq":N,"prev":"…", then the rest up to ,"sha256": */
        const char *rest = (const char *)in + i;
        size_t rlen = len;
        const char *pv = rlen > 80 ? memchr(rest, 'p', rlen < 40 ? rlen : 40) : NULL;
        if (rlen > 8 && memcmp(rest, "{\"seq\":", 7) == 0 && pv && memcmp(pv, "prev\":\"", 7) == 0 &&
            (size_t)(pv - rest) + 7 + 64 <= rlen) {
            m += (size_t)sprintf(line, "{\"seq\":%zu,\"prev\":\"%s", seq, prev);
            const char *after = pv + 7 + 64;
            rest = after;
            rlen = len - (size_t)(after - ((const char *)in + i));
        }
        /* Drop an old digest member, then add the right one. */
        if (rlen >= 77 && memcmp(rest + rlen - 77, ",\"sha256\":\"", 11) == 0) rlen -= 77;
        memcpy(line + m, rest, rlen);
        m += rlen;
        char h[65];
        hex(line, m, h);
        if (nl) {
            m += (size_t)sprintf(line + m, ",\"sha256\":\"%s\"}", h);
            memcpy(prev, h, 65);
            seq++;
            line[m++] = '\n';
        }
        o += m;
        i += len + (nl ? 1 : 0);
        if (o > MAXLOG) break;
    }
    return o;
}

static void value_lines(const char *x, size_t n)
{
    static const char head[] = "{\"seq\":1,\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\","
                               "\"type\":\"decision\",\"stream\":1,\"line\":1,\"run_id\":";
    static const char mid[] = ",\"at\":null,\"policy_id\":\"00000000000000000000000000000000\",\"version\":null,"
                              "\"stamp\":null,\"input_sha256\":null,\"decision\":";
    for (int w = 0; w < 2; w++) {
        size_t m = 0;
        memcpy(buf + m, head, strlen(head)), m += strlen(head);
        if (w) memcpy(buf + m, x, n), m += n;
        else memcpy(buf + m, "null", 4), m += 4;
        memcpy(buf + m, mid, strlen(mid)), m += strlen(mid);
        size_t dst = m;
        if (w) {
            memcpy(buf + m, "{}", 2), m += 2;
        } else {
            memcpy(buf + m, "{\"v\":", 5), m += 5;
            memcpy(buf + m, x, n), m += n;
            buf[m++] = '}';
        }
        size_t at;
        bool want = w ? (n == 4 && memcmp(x, "null", 4) == 0) ||
                            (n >= 2 && x[0] == '"' && !govJ_check(x, n, 1, 0, &at) && x[n - 1] == '"')
                      : !govJ_check(buf + dst, m - dst, 128, 0, &at) && !memchr(x, '\n', n);
        char h[65];
        if (govlog_sha256(buf, m, h) != GOVLOG_OK) return;
        m += (size_t)sprintf(buf + m, ",\"sha256\":\"%s\"}", h);
        char msg[256] = "";
        int rc = govlog_check_line(buf, m, NULL, msg, sizeof msg);
        if (rc == GOVLOG_ECRYPTO) return;
        if ((rc == GOVLOG_OK) != want) {
            fprintf(stderr, "fuzz_log: as %s, the line parser: %s (%s); the validator: %s\n",
                    w ? "the run_id" : "a member of the decision", govlog_errstr(rc), msg, want ? "accepted" : "refused");
            abort();
        }
        if (rc != GOVLOG_OK && !msg[0]) abort(); /* a refusal says why */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAXLOG / 2) return 0;
    int mode = data[0] == 2 ? 2 : data[0] & 1;
    data++;
    size--;
    if (mode == 2) {
        value_lines((const char *)data, size);
        return 0;
    }
    size_t n;
    if (mode) {
        n = repair(data, size, buf);
    } else {
        memcpy(buf, data, size);
        n = size;
    }
    size_t nlines = 0;
    for (size_t i = 0, st = 0; i < n; i++)
        if (buf[i] == '\n') {
            govlog_check_line(buf + st, i - st, NULL, NULL, 0);
            st = i + 1;
            nlines++;
        }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, n, 0) != (ssize_t)n) abort();
    const char *paths[1] = {path};
    govlog_reader *r;
    char msg[800];
    if (govlog_reader_open(paths, 1, NULL, &r, msg, sizeof msg) != GOVLOG_OK) {
        if (!msg[0]) abort(); /* a refusal says why */
        return 0;
    }
    govlog_line l;
    int rc;
    size_t calls = 0;
    while ((rc = govlog_next(r, &l)) == GOVLOG_OK) {
        if (++calls > nlines) abort(); /* more lines than newlines */
        if (l.offset + l.length > n || buf[l.offset + l.length] != '\n') abort();
        if (govlog_check_line(buf + l.offset, (size_t)l.length, NULL, NULL, 0) != GOVLOG_OK) abort();
    }
    if (rc == GOVLOG_END && n && buf[n - 1] != '\n') abort();
    if (rc != GOVLOG_END && !govlog_reader_errmsg(r)[0]) abort();
    uint64_t off;
    uint64_t torn = govlog_reader_torn(r, NULL, &off);
    if (torn && (off + torn != n || memchr(buf + off, '\n', (size_t)torn))) abort();
    govlog_reader_free(r);
    return 0;
}
