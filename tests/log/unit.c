/* unit.c: libgovlog's writer and verifying reader (log/govlog.h, spec/trace.md §9).
 *
 * usage: log_unit GOVC   (GOVC builds policies/loan_underwriting, whose event stream
 * opens, approves, rejects and times out gates: decisions of every kind)
 *
 * A sample log is written through the API; then every byte of it is flipped (two ways)
 * and the reader must refuse each; every line removed, every pair of neighbours swapped,
 * every truncation (the torn tail reported at its exact offset and length), files of a
 * rotated log missing, duplicated, renamed or spliced; a torn tail recovered; rotations
 * interrupted at each step finished by the next open; the writer lock; API misuse;
 * lines built ahead and written together identical to lines written one by one.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log/govlog.h"
#include "vm/gov.h"

static int failures, passes;
static char tmp[256];

static void check(int ok, const char *name, const char *fmt, ...) {
    if (ok) {
        printf("ok - %s\n", name);
        passes++;
        return;
    }
    printf("not ok - %s\n", name);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        printf("# ");
        vprintf(fmt, ap);
        printf("\n");
        va_end(ap);
    }
    failures++;
}

static char *path(const char *name) {
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmp, name);
    return buf[k];
}

static unsigned char *slurp(const char *p, size_t *n) {
    FILE *f = fopen(p, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)sz + 1);
    if (b && fread(b, 1, (size_t)sz, f) != (size_t)sz) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *n = (size_t)sz;
    return b;
}

/* Write a file anew. It is removed first: rewriting a file in place (truncated to 0 and
 * written again) makes ext4 write it back to the disk when it is closed, which the suite's
 * hundreds of rewrites then wait for. */
static void spit(const char *p, const void *b, size_t n) {
    unlink(p);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(b, 1, n, f) != n) {
        perror(p);
        exit(2);
    }
    fclose(f);
}

/* ---------------------------------------------------------------- the program and VM */

static gov_program *prog;
static void *arena;
static gov_vm *vm;
static char **events;
static size_t nevents;

static void fresh_vm(void) {
    free(arena);
    size_t as = gov_arena_size(prog, NULL);
    arena = malloc(as);
    if (!arena || gov_vm_init(prog, NULL, arena, as, &vm) != GOV_OK) {
        fprintf(stderr, "cannot initialise a VM\n");
        exit(2);
    }
}

static void load(const char *govc) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' build -o '%s' policies/loan_underwriting >/dev/null", govc, path("loan.govb"));
    if (system(cmd) != 0) {
        fprintf(stderr, "cannot build the loan policy\n");
        exit(2);
    }
    size_t n;
    unsigned char *b = slurp(path("loan.govb"), &n);
    gov_error err = {.size = sizeof err};
    if (!b || gov_program_load(b, n, &prog, &err) != GOV_OK) {
        fprintf(stderr, "cannot load the loan policy\n");
        exit(2);
    }
    free(b);
    FILE *f = fopen("policies/loan_underwriting/events.jsonl", "r");
    char line[8192];
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!line[0]) continue;
        events = realloc(events, (nevents + 1) * sizeof *events);
        events[nevents++] = strdup(line);
    }
    if (f) fclose(f);
    if (nevents < 5) {
        fprintf(stderr, "no events\n");
        exit(2);
    }
}

/* Write a log at p: attach, every event (inputs logged if asked), detach, close. */
static int write_log(const char *p, const govlog_options *o, bool close_it, govlog **keep) {
    govlog *lg;
    char msg[600];
    int rc = govlog_open(p, o, &lg, msg, sizeof msg);
    if (rc) {
        printf("# open: %s\n", msg);
        return rc;
    }
    fresh_vm();
    if ((rc = govlog_attach(lg, 0, vm))) return rc;
    for (size_t i = 0; i < nevents; i++) {
        const gov_decision *d = gov_eval_json(vm, events[i], strlen(events[i]), i + 1);
        if ((rc = govlog_append(lg, 0, d, events[i], strlen(events[i])))) {
            printf("# append: %s\n", govlog_errmsg(lg));
            return rc;
        }
    }
    if ((rc = govlog_detach(lg, 0, vm))) return rc;
    if (keep) {
        *keep = lg;
        return 0;
    }
    return close_it ? govlog_close(lg, NULL) : 0;
}

/* Read paths to the end: the code the reader ended with (END, or the failure), the
 * lines read, whether it was closed, and the torn tail. */
typedef struct Outcome {
    int rc;
    uint64_t lines, decisions;
    int closed;
    uint64_t torn_off, torn_len;
    char msg[800];
    char last[65];
} Outcome;

static Outcome read_all(const char *const *paths, size_t n, const char *after) {
    Outcome o;
    memset(&o, 0, sizeof o);
    govlog_verify_opts vo = {after};
    govlog_reader *r;
    o.rc = govlog_reader_open(paths, n, &vo, &r, o.msg, sizeof o.msg);
    if (o.rc) return o;
    govlog_line l;
    while ((o.rc = govlog_next(r, &l)) == GOVLOG_OK) {
        o.lines++;
        o.decisions += l.type == GOVLOG_T_DECISION;
        memcpy(o.last, l.sha256, 65);
    }
    o.closed = govlog_reader_closed(r);
    o.torn_len = govlog_reader_torn(r, NULL, &o.torn_off);
    snprintf(o.msg, sizeof o.msg, "%s", govlog_reader_errmsg(r));
    govlog_reader_free(r);
    return o;
}

static Outcome read1(const char *p) {
    const char *ps[1] = {p};
    return read_all(ps, 1, NULL);
}

/* A log passes verification only if the reader reached its end and it was closed. */
static bool passes_verify(const Outcome *o) { return o->rc == GOVLOG_END && o->closed; }

/* ---------------------------------------------------------------- cases */

static void test_write_read(void) {
    govlog_options o;
    govlog_options_init(&o);
    o.log_inputs = 1;
    int rc = write_log(path("a.log"), &o, true, NULL);
    check(rc == 0, "write a log through the API", "rc %d", rc);
    Outcome r = read1(path("a.log"));
    check(passes_verify(&r) && r.decisions == nevents && r.lines == nevents + 5, "the reader verifies it: file, open, "
          "attach, a decision per event, detach, close", "rc %d closed %d lines %llu decisions %llu: %s", r.rc, r.closed,
          (unsigned long long)r.lines, (unsigned long long)r.decisions, r.msg);
    /* Each decision line's fields. */
    const char *ps[1] = {path("a.log")};
    govlog_reader *rd;
    char msg[300];
    govlog_reader_open(ps, 1, NULL, &rd, msg, sizeof msg);
    govlog_line l;
    size_t k = 0;
    bool fields = true, inputs = true;
    while (govlog_next(rd, &l) == GOVLOG_OK) {
        if (l.type != GOVLOG_T_DECISION) continue;
        char h[65];
        govlog_sha256(events[k], strlen(events[k]), h);
        inputs &= l.input && l.input_len == strlen(events[k]) && memcmp(l.input, events[k], l.input_len) == 0 &&
                  strcmp(h, l.input_sha256) == 0;
        fields &= strcmp(l.policy_id, gov_program_id(prog)) == 0 && l.line_no == k + 1 && l.decision &&
                  l.decision[0] == '{';
        if (strstr(events[k], "\"type\":") == NULL || strstr(events[k], "\"record\"")) fields &= l.run_id && l.at;
        k++;
    }
    govlog_reader_free(rd);
    check(fields, "decision lines carry the policy id, the line, the run id and the event time", NULL);
    check(inputs, "decision lines carry each input and its SHA-256", NULL);
    char line[300];
    snprintf(line, sizeof line, "{\"seq\":0,\"prev\":\"%064d\",\"type\":\"file\",\"format\":\"govlog/1\",\"file\":1", 0);
    char h[65], full[400];
    govlog_sha256(line, strlen(line), h);
    snprintf(full, sizeof full, "%s,\"sha256\":\"%s\"}", line, h);
    size_t n;
    unsigned char *b = slurp(path("a.log"), &n);
    check(b && n > strlen(full) && memcmp(b, full, strlen(full)) == 0 && b[strlen(full)] == '\n',
          "the first line is the header the spec spells out", NULL);
    check(govlog_check_line(full, strlen(full), &l, msg, sizeof msg) == GOVLOG_OK && l.type == GOVLOG_T_FILE &&
          l.file_no == 1, "govlog_check_line accepts the header", "%s", msg);
    full[20] ^= 1;
    check(govlog_check_line(full, strlen(full), NULL, msg, sizeof msg) == GOVLOG_ECORRUPT,
          "govlog_check_line refuses it altered", NULL);
    free(b);
}

/* Every byte, flipped two ways in place (and back): never verifies. */
static void test_byte_flips(void) {
    size_t n;
    unsigned char *orig = slurp(path("a.log"), &n);
    int fd = open(path("a.log"), O_RDWR);
    size_t caught = 0, tried = 0, first_bad = SIZE_MAX;
    static const unsigned char masks[2] = {0x01, 0x80};
    for (size_t i = 0; i < n; i++)
        for (int m = 0; m < 2; m++) {
            unsigned char c = orig[i] ^ masks[m];
            if (pwrite(fd, &c, 1, (off_t)i) != 1) exit(2);
            Outcome r = read1(path("a.log"));
            tried++;
            if (!passes_verify(&r)) caught++;
            else if (first_bad == SIZE_MAX) first_bad = i;
            if (pwrite(fd, orig + i, 1, (off_t)i) != 1) exit(2);
        }
    close(fd);
    check(caught == tried, "every byte flip of the sample log is caught", "%zu of %zu caught; the first missed at byte %zu",
          caught, tried, first_bad);
    printf("# %zu flips of a %zu-byte log, each refused\n", tried, n);
    Outcome r = read1(path("a.log"));
    check(passes_verify(&r), "the log verifies again once restored", "%s", r.msg);
    free(orig);
}

/* The sample's lines: offsets of each line's start, and the count. */
static size_t split(const unsigned char *b, size_t n, size_t *starts, size_t cap) {
    size_t k = 0;
    for (size_t i = 0; i < n && k < cap; i++)
        if (i == 0 || b[i - 1] == '\n') starts[k++] = i;
    return k;
}

static void test_delete_reorder_truncate(void) {
    size_t n;
    unsigned char *b = slurp(path("a.log"), &n);
    size_t st[512];
    size_t nl = split(b, n, st, 512);
    st[nl] = n;
    unsigned char *c = malloc(n);
    bool all = true;
    for (size_t k = 0; k < nl; k++) { /* remove line k */
        size_t m = 0;
        memcpy(c, b, st[k]);
        m = st[k];
        memcpy(c + m, b + st[k + 1], n - st[k + 1]);
        m += n - st[k + 1];
        spit(path("d.log"), c, m);
        Outcome r = read1(path("d.log"));
        if (passes_verify(&r)) {
            all = false;
            printf("# removing line %zu went unnoticed\n", k);
        }
    }
    check(all, "removing any one line is caught", NULL);
    all = true;
    for (size_t k = 0; k + 1 < nl; k++) { /* swap lines k and k+1 */
        size_t m = st[k];
        memcpy(c, b, m);
        memcpy(c + m, b + st[k + 1], st[k + 2] - st[k + 1]);
        m += st[k + 2] - st[k + 1];
        memcpy(c + m, b + st[k], st[k + 1] - st[k]);
        m += st[k + 1] - st[k];
        memcpy(c + m, b + st[k + 2], n - st[k + 2]);
        spit(path("d.log"), c, n);
        Outcome r = read1(path("d.log"));
        if (passes_verify(&r)) {
            all = false;
            printf("# swapping lines %zu and %zu went unnoticed\n", k, k + 1);
        }
    }
    check(all, "swapping any two neighbouring lines is caught", NULL);
    /* Truncation at every length: at a line boundary the log is open (no close line);
     * inside a line, a torn tail at exactly that line's start and length. */
    bool precise = true, never = true;
    Outcome whole = read1(path("a.log"));
    /* The cut file grows by a byte a step (a write of one byte, not the file again). */
    spit(path("d.log"), b, 0);
    int fd = open(path("d.log"), O_WRONLY);
    for (size_t len = 1; len < n; len++) {
        if (pwrite(fd, b + len - 1, 1, (off_t)(len - 1)) != 1) exit(2);
        Outcome r = read1(path("d.log"));
        size_t k = 0;
        while (k + 1 < nl && st[k + 1] <= len) k++;
        if (passes_verify(&r)) never = false;
        if (len == st[k]) {
            if (!(r.rc == GOVLOG_END && !r.closed)) {
                precise = false;
                printf("# cut at %zu (a line boundary): rc %d closed %d\n", len, r.rc, r.closed);
            }
        } else if (!(r.rc == GOVLOG_ETORN && r.torn_off == st[k] && r.torn_len == len - st[k])) {
            precise = false;
            printf("# cut at %zu: rc %d torn %llu+%llu, expected %zu+%zu: %s\n", len, r.rc,
                   (unsigned long long)r.torn_off, (unsigned long long)r.torn_len, st[k], len - st[k], r.msg);
        }
        /* With the head kept elsewhere, the cut log no longer reaches it. */
        if (r.rc == GOVLOG_END && strcmp(r.last, whole.last) == 0) never = false;
    }
    close(fd);
    check(never, "no truncation verifies, nor reaches the writer's last digest", NULL);
    check(precise, "each truncation is reported precisely: open at a line boundary, else a torn tail at the cut "
          "line's offset and length", NULL);
    free(c);
    free(b);
}

static void test_recover(void) {
    size_t n;
    unsigned char *b = slurp(path("a.log"), &n);
    spit(path("r.log"), b, n - 40); /* the close line torn */
    govlog *lg;
    char msg[600];
    govlog_options o;
    govlog_options_init(&o);
    int rc = govlog_open(path("r.log"), &o, &lg, msg, sizeof msg);
    check(rc == GOVLOG_ETORN && strstr(msg, "torn"), "a torn log is refused unless recovery is asked", "rc %d: %s", rc, msg);
    o.recover = 1;
    rc = govlog_open(path("r.log"), &o, &lg, msg, sizeof msg);
    check(rc == GOVLOG_OK && govlog_recovered(lg) > 0, "recovery cuts the torn line off", "rc %d: %s", rc, msg);
    if (rc == GOVLOG_OK) govlog_close(lg, NULL);
    const char *ps[1] = {path("r.log")};
    govlog_reader *rd;
    govlog_reader_open(ps, 1, NULL, &rd, msg, sizeof msg);
    govlog_line l;
    bool saw = false, open_unclosed = false;
    while (govlog_next(rd, &l) == GOVLOG_OK) {
        if (l.type == GOVLOG_T_RECOVER) {
            saw = l.torn_bytes > 0 && l.torn_offset + l.torn_bytes == n - 40;
            char h[65];
            govlog_sha256(b + l.torn_offset, (size_t)l.torn_bytes, h);
            saw &= strcmp(h, l.torn_sha256) == 0;
        }
        if (l.type == GOVLOG_T_OPEN && saw) open_unclosed = strcmp(l.previous, "unclosed") == 0;
    }
    check(saw && open_unclosed && govlog_reader_closed(rd),
          "the recovered log verifies; its recover line names the cut bytes' offset, length and SHA-256, and the "
          "next writer says the last did not close", "%s", govlog_reader_errmsg(rd));
    govlog_reader_free(rd);
    free(b);
}

/* A writer that dies without closing: a child process that exits mid-session. */
static void crashed_writer(const char *p, const govlog_options *o) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        write_log(p, o, false, NULL);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
}

static void test_sessions(void) {
    /* A second writer on a closed log; then one that stops without a close line. */
    govlog_options o;
    govlog_options_init(&o);
    write_log(path("s.log"), &o, true, NULL);
    crashed_writer(path("s.log"), &o);
    Outcome r = read1(path("s.log"));
    check(r.rc == GOVLOG_END && !r.closed && r.decisions == 2 * nevents, "a log whose writer stopped without closing "
          "verifies as open", "rc %d closed %d: %s", r.rc, r.closed, r.msg);
    write_log(path("s.log"), &o, true, NULL);
    r = read1(path("s.log"));
    check(passes_verify(&r) && r.decisions == 3 * nevents, "the next writer continues it, saying the last did not close",
          "rc %d closed %d: %s", r.rc, r.closed, r.msg);
    /* A log whose first header was torn: nothing logged; recovery starts it again. */
    spit(path("h.log"), "{\"seq\":0,\"prev\":\"00", 20);
    r = read1(path("h.log"));
    check(r.rc == GOVLOG_ETORN && r.torn_off == 0 && r.torn_len == 20, "a torn first header is a torn tail at byte 0",
          "rc %d %s", r.rc, r.msg);
    govlog *lg;
    char msg[600];
    o.recover = 1;
    int rc = govlog_open(path("h.log"), &o, &lg, msg, sizeof msg);
    if (!rc) govlog_close(lg, NULL);
    r = read1(path("h.log"));
    check(rc == 0 && passes_verify(&r), "and recovery starts the log again, recording the cut bytes", "rc %d %s %s", rc,
          msg, r.msg);
}

static void test_lock_and_misuse(void) {
    govlog *a, *b;
    char msg[600];
    int rc = govlog_open(path("l.log"), NULL, &a, msg, sizeof msg);
    int rc2 = govlog_open(path("l.log"), NULL, &b, msg, sizeof msg);
    check(rc == 0 && rc2 == GOVLOG_ELOCKED, "one writer per log: a second open is refused", "%d %d %s", rc, rc2, msg);
    fresh_vm();
    const gov_decision *d = gov_eval_json(vm, events[0], strlen(events[0]), 1);
    check(govlog_append(a, 7, d, NULL, 0) == GOVLOG_EMISUSE, "appending to a stream not attached is refused", NULL);
    check(govlog_attach(a, 0, vm) == GOVLOG_OK && govlog_attach(a, 0, vm) == GOVLOG_EMISUSE,
          "attaching a stream twice is refused", NULL);
    check(govlog_append(a, 0, d, NULL, 3) == GOVLOG_EMISUSE && govlog_append(NULL, 0, d, NULL, 0) == GOVLOG_EMISUSE &&
          govlog_attach(a, 1, NULL) == GOVLOG_EMISUSE && govlog_open(NULL, NULL, &b, msg, sizeof msg) == GOVLOG_EMISUSE,
          "NULL arguments are refused", NULL);
    check(govlog_append(a, 0, d, NULL, 0) == GOVLOG_OK, "a typed record (no JSON input) is logged without a digest", NULL);
    check(govlog_close(a, NULL) == GOVLOG_OK, "close detaches what is still attached", NULL);
    Outcome r = read1(path("l.log"));
    check(passes_verify(&r), "that log verifies", "%s", r.msg);
    /* Bytes that are not UTF-8 go in base64, and come back exactly. */
    rc = govlog_open(path("u.log"), &(govlog_options){1, 0, 0, 0}, &a, msg, sizeof msg);
    fresh_vm();
    govlog_attach(a, 3, vm);
    const char bad[] = "{\"at\":\"2026-11-25T10:00:00Z\",\"x\":\"\xff\"}";
    d = gov_eval_json(vm, bad, sizeof bad - 1, 1);
    govlog_append(a, 3, d, bad, sizeof bad - 1);
    govlog_close(a, NULL);
    const char *ps[1] = {path("u.log")};
    govlog_reader *rd;
    govlog_reader_open(ps, 1, NULL, &rd, msg, sizeof msg);
    govlog_line l;
    bool back = false;
    while (govlog_next(rd, &l) == GOVLOG_OK)
        if (l.type == GOVLOG_T_DECISION) back = l.input_len == sizeof bad - 1 && memcmp(l.input, bad, l.input_len) == 0;
    check(back && govlog_reader_closed(rd), "an input that is not UTF-8 is logged in base64 and read back exactly", NULL);
    govlog_reader_free(rd);
}

/* A rotated log: three or more files, verified in any order; a file missing, twice,
 * renamed, or a line moved between files, refused. */
static void test_rotation(void) {
    govlog_options o;
    govlog_options_init(&o);
    o.log_inputs = 1;
    o.max_bytes = 6000;
    o.sync = GOVLOG_SYNC_CLOSE;
    int rc = write_log(path("rot.log"), &o, true, NULL);
    char *files[16];
    size_t nf = 0;
    for (int i = 1; i < 16; i++) {
        char name[64];
        snprintf(name, sizeof name, "rot.log.%06d", i);
        if (access(path(name), F_OK) == 0) files[nf++] = strdup(path(name));
    }
    files[nf++] = strdup(path("rot.log"));
    check(rc == 0 && nf >= 3, "rotation by size gives several files", "rc %d, %zu files", rc, nf);
    /* Given newest first. */
    const char *rev[16];
    for (size_t i = 0; i < nf; i++) rev[i] = files[nf - 1 - i];
    Outcome r = read_all(rev, nf, NULL);
    check(passes_verify(&r) && r.decisions == nevents, "the files verify as one chain, named in any order", "%s", r.msg);
    /* Each one missing. */
    bool all = true;
    for (size_t k = 0; k < nf; k++) {
        const char *ps[16];
        size_t m = 0;
        for (size_t i = 0; i < nf; i++)
            if (i != k) ps[m++] = files[i];
        r = read_all(ps, m, NULL);
        if (passes_verify(&r)) all = false;
        if (k == nf - 1 && !(r.rc == GOVLOG_ECHAIN && strstr(r.msg, "was not given"))) all = false;
    }
    check(all, "any one file missing is caught (the last one: the log continues in a file not given)", NULL);
    /* Given twice. */
    const char *dup[17];
    for (size_t i = 0; i < nf; i++) dup[i] = files[i];
    dup[nf] = files[1];
    r = read_all(dup, nf + 1, NULL);
    check(r.rc == GOVLOG_ECHAIN, "a file given twice is caught", "%s", r.msg);
    /* The first file missing, with --after naming where the rest starts: that verifies. */
    size_t n0;
    unsigned char *f0 = slurp(files[0], &n0);
    size_t st[512];
    size_t nl = split(f0, n0, st, 512);
    char lastd[65];
    memcpy(lastd, f0 + n0 - 1 - 2 - 64, 64);
    lastd[64] = 0;
    (void)nl;
    r = read_all((const char *const *)files + 1, nf - 1, lastd);
    check(passes_verify(&r), "with --after the digest of an archived file's end, the rest verifies alone", "%s", r.msg);
    /* A line moved from file 2 to the end of file 1 (before its rotate line). */
    size_t n1;
    unsigned char *f1 = slurp(files[1], &n1);
    size_t s1[512];
    size_t nl1 = split(f1, n1, s1, 512);
    s1[nl1] = n1;
    nl = split(f0, n0, st, 512);
    unsigned char *c = malloc(n0 + n1);
    size_t m = st[nl - 1];
    memcpy(c, f0, m);
    memcpy(c + m, f1 + s1[1], s1[2] - s1[1]);
    m += s1[2] - s1[1];
    memcpy(c + m, f0 + st[nl - 1], n0 - st[nl - 1]);
    m += n0 - st[nl - 1];
    spit(files[0], c, m);
    r = read_all((const char *const *)files, nf, NULL);
    check(!passes_verify(&r), "a line moved from one file into another is caught", NULL);
    spit(files[0], f0, n0);
    /* Files renamed (their names swapped): the headers order them; the content decides. */
    rename(files[0], path("tmpname"));
    rename(files[1], files[0]);
    rename(path("tmpname"), files[1]);
    r = read_all((const char *const *)files, nf, NULL);
    check(passes_verify(&r), "renamed files still verify: their headers, not their names, order them", "%s", r.msg);
    rename(files[0], path("tmpname"));
    rename(files[1], files[0]);
    rename(path("tmpname"), files[1]);
    /* On demand. */
    govlog *lg;
    char msg[600];
    govlog_open(path("rot.log"), &o, &lg, msg, sizeof msg);
    rc = govlog_rotate(lg);
    govlog_close(lg, NULL);
    char name[64];
    snprintf(name, sizeof name, "rot.log.%06zu", nf);
    files[nf] = files[nf - 1];
    files[nf - 1] = strdup(path(name));
    r = read_all((const char *const *)files, nf + 1, NULL);
    check(rc == 0 && passes_verify(&r), "rotation on demand continues the chain", "%s", r.msg);
    nf++;
    for (size_t i = 0; i < nf; i++) free(files[i]);
    free(c);
    free(f0);
    free(f1);
}

/* A rotation a crash interrupted: the next open finishes it. */
static void test_interrupted_rotation(void) {
    govlog_options o;
    govlog_options_init(&o);
    govlog *lg;
    char msg[600];
    /* Step 1 done (the rotate line), nothing else: PATH ends with its rotate line. */
    write_log(path("ir.log"), &o, false, &lg);
    govlog_rotate(lg);
    govlog_close(lg, NULL);
    /* Undo steps 2-4 by hand: the old file back as PATH (it ends with the rotate line). */
    size_t n;
    unsigned char *cur = slurp(path("ir.log"), &n); /* the new file: header, close */
    free(cur);
    unlink(path("ir.log"));
    rename(path("ir.log.000001"), path("ir.log"));
    int rc = govlog_open(path("ir.log"), &o, &lg, msg, sizeof msg);
    if (!rc) govlog_close(lg, NULL);
    const char *ps[2] = {path("ir.log.000001"), path("ir.log")};
    Outcome r = read_all(ps, 2, NULL);
    check(rc == 0 && access(path("ir.log.000001"), F_OK) == 0 && r.rc == GOVLOG_END,
          "a rotation stopped after its rotate line is finished by the next open", "rc %d %s / %s", rc, msg, r.msg);
    /* Stopped after PATH was renamed: PATH.next is the new file. */
    unlink(path("ir2.log"));
    write_log(path("ir2.log"), &o, false, &lg);
    govlog_rotate(lg);
    govlog_close(lg, NULL);
    rename(path("ir2.log"), path("ir2.log.next"));
    rc = govlog_open(path("ir2.log"), &o, &lg, msg, sizeof msg);
    if (!rc) govlog_close(lg, NULL);
    const char *ps2[2] = {path("ir2.log.000001"), path("ir2.log")};
    r = read_all(ps2, 2, NULL);
    check(rc == 0 && r.rc == GOVLOG_END && r.closed, "a rotation stopped before PATH.next became PATH is finished too",
          "rc %d %s / %s", rc, msg, r.msg);
    /* The current file removed while rotated ones exist: refused, not a new chain. */
    unlink(path("ir2.log"));
    rc = govlog_open(path("ir2.log"), &o, &lg, msg, sizeof msg);
    check(rc == GOVLOG_ECHAIN, "a log whose current file was removed is not silently restarted", "rc %d: %s", rc, msg);
}

/* Lines built ahead (govlog_pending_add) and written together (govlog_append_pending)
 * are byte for byte the lines govlog_append writes, rotation between them included. */
static int write_pending(const char *p, const govlog_options *o, size_t per_write) {
    govlog *lg;
    char msg[600];
    int rc = govlog_open(p, o, &lg, msg, sizeof msg);
    if (rc) return rc;
    govlog_pending *pd = govlog_pending_new();
    fresh_vm();
    if (!pd || (rc = govlog_attach(lg, 0, vm))) return pd ? rc : GOVLOG_ENOMEM;
    for (size_t i = 0; i < nevents; i++) {
        const gov_decision *d = gov_eval_json(vm, events[i], strlen(events[i]), i + 1);
        char dj[16384];
        size_t dn = 0;
        bool have = i % 2 == 0 && gov_decision_json(d, dj, sizeof dj, &dn) == GOV_OK; /* with and without JSON */
        if ((rc = govlog_pending_add(lg, pd, 0, d, have ? dj : NULL, dn, events[i], strlen(events[i])))) {
            printf("# pending_add: %s\n", govlog_pending_errmsg(pd));
            return rc;
        }
        if ((govlog_pending_count(pd) == per_write || i + 1 == nevents) && (rc = govlog_append_pending(lg, pd))) {
            printf("# append_pending: %s\n", govlog_errmsg(lg));
            return rc;
        }
    }
    check(govlog_pending_count(pd) == 0, "govlog_append_pending empties what it wrote", NULL);
    govlog_pending_free(pd);
    if ((rc = govlog_detach(lg, 0, vm))) return rc;
    return govlog_close(lg, NULL);
}

static bool same_file(const char *a, const char *b) {
    size_t na, nb;
    unsigned char *fa = slurp(a, &na), *fb = slurp(b, &nb);
    bool same = fa && fb && na == nb && memcmp(fa, fb, na) == 0;
    free(fa);
    free(fb);
    return same;
}

static void test_pending(void) {
    govlog_options o;
    govlog_options_init(&o);
    o.log_inputs = 1;
    int rc1 = write_log(path("pa.log"), &o, true, NULL);
    int rc2 = write_pending(path("pb.log"), &o, nevents);
    check(rc1 == 0 && rc2 == 0 && same_file(path("pa.log"), path("pb.log")),
          "pending lines written at once are byte for byte govlog_append's", "rc %d %d", rc1, rc2);
    Outcome r = read1(path("pb.log"));
    check(passes_verify(&r) && r.decisions == nevents, "a log of pending lines verifies", "%s", r.msg);
    /* Rotation by size in the middle of one write, and writes of 3 lines. */
    o.max_bytes = 6000;
    o.sync = GOVLOG_SYNC_CLOSE;
    rc1 = write_log(path("pc.log"), &o, true, NULL);
    rc2 = write_pending(path("pd.log"), &o, 3);
    int rc3 = write_pending(path("pe.log"), &o, nevents);
    bool same = rc1 == 0 && rc2 == 0 && rc3 == 0 && same_file(path("pc.log"), path("pd.log")) &&
                same_file(path("pc.log"), path("pe.log"));
    int nrot = 0;
    for (int i = 1; i < 64; i++) {
        char a[64], b[64], c[64];
        snprintf(a, sizeof a, "pc.log.%06d", i);
        snprintf(b, sizeof b, "pd.log.%06d", i);
        snprintf(c, sizeof c, "pe.log.%06d", i);
        if (access(path(a), F_OK) != 0) {
            same = same && access(path(b), F_OK) != 0 && access(path(c), F_OK) != 0;
            break;
        }
        nrot++;
        same = same && same_file(path(a), path(b)) && same_file(path(a), path(c));
    }
    check(same && nrot >= 2, "pending lines rotate where govlog_append's do, file for file", "rc %d %d %d, %d rotations",
          rc1, rc2, rc3, nrot);
    /* Misuse: a stream that is not attached is refused, and nothing is written. */
    govlog *lg;
    char msg[600];
    govlog_options_init(&o);
    govlog_open(path("pf.log"), &o, &lg, msg, sizeof msg);
    govlog_pending *pd = govlog_pending_new();
    fresh_vm();
    const gov_decision *d = gov_eval_json(vm, events[0], strlen(events[0]), 1);
    int rc = govlog_pending_add(lg, pd, 7, d, NULL, 0, events[0], strlen(events[0]));
    uint64_t before = govlog_next_seq(lg);
    int rc4 = govlog_append_pending(lg, pd);
    check(rc == 0 && rc4 == GOVLOG_EMISUSE && govlog_next_seq(lg) == before && govlog_pending_count(pd) == 0,
          "pending lines of a stream not attached are refused, none written", "rc %d %d", rc, rc4);
    govlog_pending_free(pd);
    govlog_close(lg, NULL);
}

/* Threads appending and syncing at once (a service's requests): govlog_sync's group
 * commit neither loses nor reorders a line, and every thread's sync returns. */
typedef struct sync_arg {
    govlog *lg;
    uint32_t stream;
    gov_vm *vm;
    int rc;
} sync_arg;

static void *sync_thread(void *p) {
    sync_arg *a = p;
    for (int k = 0; k < 200 && !a->rc; k++) {
        const char *ev = events[k % nevents];
        const gov_decision *d = gov_eval_json(a->vm, ev, strlen(ev), (uint64_t)k + 1);
        a->rc = govlog_append(a->lg, a->stream, d, ev, strlen(ev));
        if (!a->rc) a->rc = govlog_sync(a->lg);
    }
    return NULL;
}

static void test_group_sync(void) {
    govlog_options o;
    govlog_options_init(&o);
    o.log_inputs = 1;
    o.sync = GOVLOG_SYNC_CLOSE;
    o.max_bytes = 200000; /* rotations while others sync */
    govlog *lg;
    char msg[600];
    int rc = govlog_open(path("gs.log"), &o, &lg, msg, sizeof msg);
    enum { T = 4 };
    pthread_t th[T];
    sync_arg a[T];
    void *ar[T] = {0};
    size_t as = gov_arena_size(prog, NULL);
    for (int t = 0; t < T && !rc; t++) {
        a[t] = (sync_arg){.lg = lg, .stream = (uint32_t)t};
        ar[t] = malloc(as);
        if (!ar[t] || gov_vm_init(prog, NULL, ar[t], as, &a[t].vm) != GOV_OK) rc = -1;
        if (!rc) rc = govlog_attach(lg, (uint32_t)t, a[t].vm);
    }
    for (int t = 0; t < T && !rc; t++) pthread_create(&th[t], NULL, sync_thread, &a[t]);
    for (int t = 0; t < T && !rc; t++) pthread_join(th[t], NULL);
    int trc = 0;
    for (int t = 0; t < T && !rc; t++) trc |= a[t].rc;
    for (int t = 0; t < T && !rc; t++) govlog_detach(lg, (uint32_t)t, a[t].vm);
    if (!rc) govlog_close(lg, NULL);
    char *files[64];
    size_t nf = 0;
    for (int i = 1; i < 60; i++) {
        char name[64];
        snprintf(name, sizeof name, "gs.log.%06d", i);
        if (access(path(name), F_OK) == 0) files[nf++] = strdup(path(name));
    }
    files[nf++] = strdup(path("gs.log"));
    Outcome r = read_all((const char *const *)files, nf, NULL);
    check(rc == 0 && trc == 0 && nf >= 2 && passes_verify(&r) && r.decisions == T * 200,
          "4 threads appending and syncing at once, with rotations: every line, verified", "rc %d/%d, %zu files, %s",
          rc, trc, nf, r.msg);
    for (size_t i = 0; i < nf; i++) free(files[i]);
    for (int t = 0; t < T; t++) free(ar[t]);
}

/* SHA-256 against the FIPS 180-2 examples, on this thread and on four at once (each
 * thread keeps its own digest context), and a digest of one buffer fed piece by piece
 * is the same as of the whole: the chain's digests do not depend on how OpenSSL is
 * called. */
static const struct { const char *in; size_t reps; const char *hex; } sha_vec[] = {
    {"", 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {"abc", 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    {"a", 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
};

static int sha_vectors(void) {
    int bad = 0;
    for (size_t k = 0; k < sizeof sha_vec / sizeof sha_vec[0]; k++) {
        size_t n = strlen(sha_vec[k].in) * sha_vec[k].reps;
        char *b = malloc(n + 1);
        if (!b) return 1;
        for (size_t i = 0; i < sha_vec[k].reps; i++) memcpy(b + i * strlen(sha_vec[k].in), sha_vec[k].in, strlen(sha_vec[k].in));
        char h[65];
        govlog_sha256(b, n, h);
        bad += strcmp(h, sha_vec[k].hex) != 0;
        free(b);
    }
    return bad;
}

static void *sha_thread(void *arg) {
    int *bad = arg;
    for (int i = 0; i < 20; i++) *bad += sha_vectors();
    return NULL;
}

static void test_sha256(void) {
    check(sha_vectors() == 0, "sha256 FIPS 180-2 examples", NULL);
    pthread_t th[4];
    int bad[4] = {0};
    int started = 0;
    for (int i = 0; i < 4; i++) started += pthread_create(&th[i], NULL, sha_thread, &bad[i]) == 0;
    for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
    check(started == 4 && !bad[0] && !bad[1] && !bad[2] && !bad[3], "sha256 on four threads at once",
          "%d threads, %d %d %d %d wrong", started, bad[0], bad[1], bad[2], bad[3]);
    char h[65] = "x";
    int rc = govlog_sha256(NULL, 5, h);
    check(rc == GOVLOG_OK && strcmp(h, sha_vec[0].hex) == 0, "sha256 of NULL is of no bytes", "%d %s", rc, h);
    check(govlog_sha256("abc", 3, NULL) == GOVLOG_EMISUSE, "sha256 into no buffer: GOVLOG_EMISUSE", NULL);
    check(strcmp(govlog_errstr(GOVLOG_ECRYPTO), "OpenSSL's libcrypto cannot be loaded or cannot compute SHA-256") == 0,
          "govlog_errstr(GOVLOG_ECRYPTO) names libcrypto", "%s", govlog_errstr(GOVLOG_ECRYPTO));
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: log_unit GOVC\n");
        return 2;
    }
    snprintf(tmp, sizeof tmp, "/tmp/govlog-unit-XXXXXX");
    if (!mkdtemp(tmp)) return 2;
    load(argv[1]);
    test_sha256();
    test_write_read();
    test_byte_flips();
    test_delete_reorder_truncate();
    test_recover();
    test_sessions();
    test_lock_and_misuse();
    test_rotation();
    test_interrupted_rotation();
    test_pending();
    test_group_sync();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", tmp);
    free(arena);
    gov_program_free(prog);
    for (size_t i = 0; i < nevents; i++) free(events[i]);
    free(events);
    printf("# %d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
