/* libgovc_test.c: libgovc through its public header only (linked against the shared
 * library, as a host would). One line per case, "ok - NAME" or "not ok - NAME" with "#"
 * detail lines. Run from the top of the tree (it reads tests/check/cases and policies/).
 *
 * Sections: good sources compile to programs libgov loads and runs; diagnostics carry
 * code, severity, file, line, column, span and notes exactly (checked against the
 * govc check goldens); multi-file policies, imports among in-memory sources, std
 * imports, file access off; options; NULL and garbage arguments; random bytes as
 * sources; every allocation failing in turn; compilers in parallel threads.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/gov_compiler.h"
#include "vm/gov.h"

static int nfail;

static void check(int cond, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check(int cond, const char *name, const char *fmt, ...)
{
    printf("%s - %s\n", cond ? "ok" : "not ok", name);
    if (!cond) {
        nfail++;
        if (fmt) {
            char msg[8192];
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(msg, sizeof msg, fmt, ap);
            va_end(ap);
            for (char *line = strtok(msg, "\n"); line; line = strtok(NULL, "\n"))
                printf("#   %s\n", line);
        }
    }
}

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *b = malloc(cap + 1);
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = realloc(b, (cap *= 2) + 1);
            if (!nb) { free(b); b = NULL; }
            else b = nb;
        }
    }
    fclose(f);
    if (b) b[n] = 0;
    if (len) *len = n;
    return b;
}

static gov_compiler *fresh(void)
{
    gov_compiler *c = NULL;
    if (gov_compiler_new(&c, NULL, NULL) != GOV_OK) {
        printf("not ok - gov_compiler_new\n");
        exit(1);
    }
    return c;
}

static void add(gov_compiler *c, const char *name, const char *text)
{
    gov_compiler_add_source(c, name, text, strlen(text));
}

/* The verdict a program gives one JSON record, or -1 (and the reason in why). */
static int verdict_of(const uint8_t *bytes, size_t len, const char *record, char *why, size_t cap)
{
    gov_program *p;
    gov_error err = {.size = sizeof err};
    if (gov_program_load(bytes, len, &p, &err) != GOV_OK) {
        snprintf(why, cap, "load: %s", err.message);
        return -1;
    }
    size_t size = gov_arena_size(p, NULL);
    void *arena = malloc(size);
    gov_vm *vm;
    int v = -1;
    if (arena && gov_vm_init(p, NULL, arena, size, &vm) == GOV_OK) {
        const gov_decision *d = gov_eval_json(vm, record, strlen(record), 1);
        if (gov_decision_status(d) == GOV_OK)
            v = gov_decision_verdict(d);
        else
            snprintf(why, cap, "eval: %s", gov_decision_error(d));
    }
    free(arena);
    gov_program_free(p);
    return v;
}

/* ---------------------------------------------------------------- good sources */

static const char *SUPPORT =
    "policy support\n"
    "\n"
    "import \"std/agent_run\"\n"
    "\n"
    "max latency_budget = 3s\n"
    "scope tenant \"acme\" { latency_budget = 2s }\n"
    "rule slow { when run.latency > latency_budget severity critical verdict block }\n";

static void test_good(void)
{
    gov_compiler *c = fresh();
    check(gov_compiler_version()[0] != 0, "version string", NULL);
    add(c, "support.gov", SUPPORT);
    int rc = gov_compiler_build(c);
    check(rc == GOV_OK, "good: build ok", "rc %d (%s): %s", rc, gov_errstr(rc), gov_compiler_errmsg(c));
    size_t e = 9, w = 9;
    gov_compiler_counts(c, &e, &w);
    check(e == 0 && w == 0 && gov_compiler_diag_count(c) == 0, "good: no diagnostics", "%zu errors %zu warnings", e, w);
    check(gov_compiler_policy_count(c) == 1 && gov_compiler_program_count(c) == 1, "good: one policy, one program",
          NULL);
    gov_compiled b = {.size = sizeof b};
    rc = gov_compiler_program(c, 0, &b);
    check(rc == GOV_OK && strcmp(b.policy, "support") == 0 && b.len > 0 && strlen(b.id) == 32 && b.rules == 1 &&
              b.code_words > 0 && b.max_steps > 0,
          "good: program name, id, sizes", "policy %s id %s len %zu rules %u", b.policy, b.id, b.len, b.rules);
    gov_program *p = NULL;
    check(gov_program_load(b.bytes, b.len, &p, NULL) == GOV_OK && strcmp(gov_program_id(p), b.id) == 0,
          "good: libgov loads it with the same id", NULL);
    gov_program_free(p);
    char why[256] = "";
    int v1 = verdict_of(b.bytes, b.len, "{\"tenant\":\"acme\",\"at\":\"2026-01-01T00:00:00Z\",\"latency_ms\":2500,\"cost_usd\":0}", why, sizeof why);
    int v2 = verdict_of(b.bytes, b.len, "{\"tenant\":\"other\",\"at\":\"2026-01-01T00:00:00Z\",\"latency_ms\":2500,\"cost_usd\":0}", why, sizeof why);
    check(v1 == GOV_BLOCK && v2 == GOV_ALLOW, "good: the program decides (std/agent_run, scoped limit)",
          "verdicts %d %d %s", v1, v2, why);
    /* A check finds the policy too, and makes no program. */
    rc = gov_compiler_check(c);
    check(rc == GOV_OK && gov_compiler_policy_count(c) == 1 && gov_compiler_program_count(c) == 0,
          "good: check finds the policy and builds nothing", "rc %d", rc);
    /* Rendering with nothing to say: the JSON form still says so. */
    const char *t;
    size_t n;
    rc = gov_compiler_render(c, GOVC_FORMAT_JSON, &t, &n);
    check(rc == GOV_OK && strcmp(t, "{\"diagnostics\":[],\"errors\":0,\"warnings\":0}\n") == 0 && n == strlen(t),
          "good: empty JSON diagnostics", "%s", rc == GOV_OK ? t : gov_compiler_errmsg(c));
    rc = gov_compiler_render(c, GOVC_FORMAT_TEXT, &t, &n);
    check(rc == GOV_OK && n == 0 && t && t[0] == 0, "good: empty text diagnostics", NULL);
    gov_compiler_free(c);
}

/* The same sources, added in another order or read from disk under the same names, give
 * the same bytes. */
static void test_reproducible(void)
{
    size_t la, lb;
    char *a = read_text("tests/check/cases/dup_across_files/a.gov", &la);
    char *cc = read_text("tests/check/cases/dup_across_files/c.gov", &lb);
    const char *b2 = "policy p\n\nmax other_budget = 2s\nrule slow2 { when run.latency > other_budget }\n";
    gov_compiler *x = fresh(), *y = fresh();
    gov_compiler_add_source(x, "d/a.gov", a, la);
    add(x, "d/b.gov", b2);
    gov_compiler_add_source(x, "d/c.gov", cc, lb);
    gov_compiler_add_source(y, "d/c.gov", cc, lb);
    add(y, "./d/b.gov", b2);
    gov_compiler_add_source(y, "d/x/../a.gov", a, la);
    int rx = gov_compiler_build(x), ry = gov_compiler_build(y);
    check(rx == GOV_OK && ry == GOV_OK && gov_compiler_program_count(x) == 2 && gov_compiler_program_count(y) == 2,
          "multi-file: two policies from three files", "rc %d %d: %s", rx, ry, gov_compiler_errmsg(x));
    gov_compiled px = {.size = sizeof px}, py = {.size = sizeof py};
    int same = 1;
    for (size_t i = 0; i < 2; i++) {
        gov_compiler_program(x, i, &px);
        gov_compiler_program(y, i, &py);
        same &= px.len == py.len && memcmp(px.bytes, py.bytes, px.len) == 0 && strcmp(px.id, py.id) == 0;
    }
    gov_compiler_program(x, 0, &px);
    gov_compiler_program(x, 1, &py);
    check(strcmp(px.policy, "p") == 0 && strcmp(py.policy, "other") == 0 && px.rules == 2 && py.rules == 1,
          "multi-file: programs in the order of their first file; p has both files' rules", "%s %u, %s %u",
          px.policy, px.rules, py.policy, py.rules);
    check(same, "multi-file: the order and spelling of names does not change the bytes", NULL);
    gov_compiler_free(x);
    gov_compiler_free(y);
    free(a);
    free(cc);

    /* From disk and from memory under the same name: the same program. */
    size_t ls;
    char *s = read_text("policies/support/support.gov", &ls);
    x = fresh();
    y = fresh();
    gov_compiler_add_path(x, "policies/support");
    gov_compiler_add_source(y, "policies/support/support.gov", s, ls);
    rx = gov_compiler_build(x);
    ry = gov_compiler_build(y);
    same = rx == GOV_OK && ry == GOV_OK && gov_compiler_program(x, 0, &px) == GOV_OK &&
           gov_compiler_program(y, 0, &py) == GOV_OK && px.len == py.len && memcmp(px.bytes, py.bytes, px.len) == 0;
    check(same, "a path and the same text in memory build the same bytes", "rc %d %d: %s", rx, ry,
          gov_compiler_errmsg(x));
    gov_compiler_free(x);
    gov_compiler_free(y);
    free(s);
}

/* ---------------------------------------------------------------- diagnostics */

/* Byte offset of the n-th (1-based) line's col-th character (ASCII sources). */
static uint32_t offset_of(const char *text, uint32_t line, uint32_t col)
{
    uint32_t off = 0;
    for (uint32_t l = 1; l < line; l++)
        off = (uint32_t)(strchr(text + off, '\n') - text) + 1;
    return off + col - 1;
}

/* The golden's text without "# ..." lines and the final "govc: N errors" summary. */
static char *golden_text(const char *path)
{
    char *g = read_text(path, NULL);
    if (!g)
        return NULL;
    char *out = malloc(strlen(g) + 1), *o = out;
    for (char *line = g; *line;) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line + 1) : strlen(line);
        if (line[0] != '#' && strncmp(line, "govc: ", 6) != 0) {
            memcpy(o, line, n);
            o += n;
        }
        line += n;
    }
    *o = 0;
    free(g);
    return out;
}

static void test_diagnostics(void)
{
    size_t len;
    char *src = read_text("tests/check/cases/loosen.gov", &len);
    gov_compiler *c = fresh();
    gov_compiler_add_source(c, "loosen.gov", src, len);
    int rc = gov_compiler_build(c);
    size_t e, w;
    gov_compiler_counts(c, &e, &w);
    check(rc == GOV_ESOURCE && e == 3 && w == 0 && gov_compiler_diag_count(c) == 3 &&
              gov_compiler_program_count(c) == 0,
          "loosen: GOV_ESOURCE, three errors, no program", "rc %d errors %zu", rc, e);
    check(strstr(gov_compiler_errmsg(c), "3 errors") != NULL, "loosen: errmsg counts the errors", "%s",
          gov_compiler_errmsg(c));
    gov_diagnostic d = {.size = sizeof d};
    gov_compiler_diag(c, 0, &d);
    uint32_t lo = offset_of(src, 15, 3);
    check(d.severity == GOVC_ERROR && strcmp(d.code, "E050") == 0 && d.at.file && strcmp(d.at.file, "loosen.gov") == 0 &&
              d.at.line == 15 && d.at.col == 3 && d.at.end_line == 15 && d.at.end_col == 22 && d.at.offset == lo &&
              d.at.end == lo + 19 && strncmp(src + d.at.offset, "latency_budget = 4s", 19) == 0,
          "loosen: code, severity, file, line, column, span", "%s %s:%u:%u-%u:%u [%u,%u)", d.code, d.at.file,
          d.at.line, d.at.col, d.at.end_line, d.at.end_col, d.at.offset, d.at.end);
    check(strcmp(d.message, "'latency_budget' = 4s in tenant \"acme\" loosens 3s from the default (a max limit may only go down)") == 0,
          "loosen: message", "%s", d.message);
    gov_diagnostic_note nt = {.size = sizeof nt};
    check(d.nnotes == 1 && gov_compiler_note(c, 0, 0, &nt) == GOV_OK && strcmp(nt.message, "the default sets it to 3s here") == 0 &&
              nt.at.file && strcmp(nt.at.file, "loosen.gov") == 0 && nt.at.line == 12 && nt.at.col == 22,
          "loosen: the note points where the default is set", "%zu notes", d.nnotes);
    check(gov_compiler_note(c, 0, 1, &nt) == GOV_EMISUSE && gov_compiler_diag(c, 3, &d) == GOV_EMISUSE,
          "loosen: past the last note or diagnostic is GOV_EMISUSE", NULL);
    /* The rendering is what govc check prints (its golden, without the summary line). */
    const char *t;
    size_t n;
    char *want = golden_text("tests/check/cases/loosen.expected");
    rc = gov_compiler_render(c, GOVC_FORMAT_TEXT, &t, &n);
    check(rc == GOV_OK && want && strcmp(t, want) == 0 && n == strlen(want), "loosen: text rendering equals govc check's",
          "got:\n%s\nwant:\n%s", rc == GOV_OK ? t : "", want ? want : "");
    free(want);
    rc = gov_compiler_render(c, GOVC_FORMAT_JSON, &t, &n);
    check(rc == GOV_OK && strstr(t, "\"code\":\"E050\"") && strstr(t, "\"errors\":3"), "loosen: JSON rendering", NULL);
    rc = gov_compiler_render(c, GOVC_FORMAT_SARIF, &t, &n);
    check(rc == GOV_OK && strstr(t, "\"version\":\"2.1.0\"") && strstr(t, "\"ruleId\":\"E050\""), "loosen: SARIF rendering",
          NULL);
    rc = gov_compiler_render(c, GOVC_FORMAT_GITHUB, &t, &n);
    check(rc == GOV_OK && strncmp(t, "::error file=loosen.gov,line=15,col=3", 37) == 0, "loosen: GitHub rendering", "%s",
          t);
    free(src);

    /* Several files: the note is in another file. */
    gov_compiler_clear(c);
    add(c, "dup/a.gov", "policy p\n\nrecord run { latency: duration }\nmax budget = 1s\nrule slow { when run.latency > budget }\n");
    add(c, "dup/b.gov", "policy p\n\nmax budget = 2s\n");
    rc = gov_compiler_check(c);
    gov_compiler_diag(c, 0, &d);
    int ok = rc == GOV_ESOURCE && gov_compiler_diag_count(c) == 1 && strcmp(d.code, "E030") == 0 &&
             strcmp(d.at.file, "dup/b.gov") == 0 && d.at.line == 3 && d.at.col == 5 &&
             gov_compiler_note(c, 0, 0, &nt) == GOV_OK && strcmp(nt.at.file, "dup/a.gov") == 0 && nt.at.line == 4 &&
             strcmp(nt.message, "first declared here") == 0;
    check(ok, "multi-file: a duplicate across files, with the note in the other file", "rc %d %s %s:%u:%u", rc, d.code,
          d.at.file, d.at.line, d.at.col);
    /* Replacing the file fixes it. */
    add(c, "dup/b.gov", "policy p\n\nmax budget2 = 2s\nrule slow2 { when run.latency > budget2 }\n");
    rc = gov_compiler_build(c);
    check(rc == GOV_OK && gov_compiler_program_count(c) == 1, "a source added again under its name replaces it", "rc %d: %s",
          rc, gov_compiler_errmsg(c));

    /* Warnings, and -Werror. */
    char *wsrc = read_text("tests/check/cases/warn_unused.gov", &len);
    gov_compiler_clear(c);
    gov_compiler_add_source(c, "warn_unused.gov", wsrc, len);
    rc = gov_compiler_build(c);
    gov_compiler_counts(c, &e, &w);
    gov_compiler_diag(c, 0, &d);
    check(rc == GOV_OK && e == 0 && w >= 5 && d.severity == GOVC_WARNING && d.code[0] == 'W' &&
              gov_compiler_program_count(c) == 1,
          "warnings: built, each a warning", "rc %d e %zu w %zu", rc, e, w);
    size_t wn = w;
    check(gov_compiler_option(c, GOVC_OPT_WERROR, 1) == 0, "option: WERROR was 0", NULL);
    rc = gov_compiler_build(c);
    gov_compiler_counts(c, &e, &w);
    gov_compiler_diag(c, 0, &d);
    check(rc == GOV_ESOURCE && e == wn && w == 0 && d.severity == GOVC_ERROR && gov_compiler_program_count(c) == 0,
          "-Werror: the warnings are errors and nothing is built", "rc %d e %zu w %zu", rc, e, w);
    gov_compiler_option(c, GOVC_OPT_WERROR, 0);
    free(wsrc);

    /* Too many errors: the first N kept, all counted. */
    gov_compiler_clear(c);
    add(c, "many.gov", "policy p\nrecord run { x: int }\nrule a { when y1 }\nrule b { when y2 }\nrule c { when y3 }\n"
                       "rule d { when y4 }\nrule e { when y5 }\n");
    check(gov_compiler_option(c, GOVC_OPT_MAX_ERRORS, 2) == 1000, "option: MAX_ERRORS was 1000", NULL);
    rc = gov_compiler_check(c);
    gov_compiler_counts(c, &e, &w);
    check(rc == GOV_ESOURCE && gov_compiler_diag_count(c) == 2 && e == 5, "MAX_ERRORS keeps 2 of 5 errors",
          "kept %zu counted %zu", gov_compiler_diag_count(c), e);
    rc = gov_compiler_render(c, GOVC_FORMAT_TEXT, &t, &n);
    check(rc == GOV_OK && strstr(t, "too many errors; stopped after 2"), "MAX_ERRORS: the rendering says so", NULL);
    gov_compiler_free(c);
}

/* ---------------------------------------------------------------- imports and files */

static void test_imports(void)
{
    gov_compiler *c = fresh();
    add(c, "app/main.gov", "policy p\n\nimport \"lib/a.gov\"\n\nrule r { when run.error }\n");
    add(c, "app/lib/a.gov", "module a\n\nrecord run { error: bool }\n");
    int rc = gov_compiler_build(c);
    check(rc == GOV_OK && gov_compiler_program_count(c) == 1 && gov_compiler_policy_count(c) == 1,
          "imports: a module among the in-memory sources", "rc %d: %s", rc, gov_compiler_errmsg(c));

    add(c, "app/lib/a.gov", "module a\n\nimport \"b.gov\"\n\nrecord run { error: bool }\n");
    add(c, "app/lib/b.gov", "module b\n\nimport \"a.gov\"\n");
    rc = gov_compiler_check(c);
    gov_diagnostic d = {.size = sizeof d};
    gov_diagnostic_note nt = {.size = sizeof nt};
    gov_compiler_diag(c, 0, &d);
    check(rc == GOV_ESOURCE && strcmp(d.code, "E032") == 0 && strstr(d.message, "import cycle") && d.nnotes == 1 &&
              gov_compiler_note(c, 0, 0, &nt) == GOV_OK && strcmp(nt.at.file, "app/lib/a.gov") == 0,
          "imports: a cycle among in-memory sources", "rc %d %s %s", rc, d.code, d.message);

    gov_compiler_clear(c);
    check(gov_compiler_option(c, GOVC_OPT_FILES, 0) == 1, "option: FILES was 1", NULL);
    add(c, "main.gov", "policy p\nimport \"missing.gov\"\nimport \"std/agent_run\"\nrule r { when run.error }\n");
    rc = gov_compiler_check(c);
    gov_compiler_diag(c, 0, &d);
    check(rc == GOV_ESOURCE && strcmp(d.code, "E031") == 0 && strstr(d.message, "file access is off") && d.at.line == 2,
          "files off: an import outside the sources is E031; std/ still resolves", "rc %d %s %s", rc, d.code,
          d.message);
    add(c, "main.gov", "policy p\nimport \"std/kpi\"\nimport \"std/agent_run\"\nrule r { when run.error }\n");
    rc = gov_compiler_build(c);
    check(rc == GOV_OK, "files off: std modules compile", "rc %d %s", rc, gov_compiler_errmsg(c));
    add(c, "main.gov", "policy p\nimport \"std/nonesuch\"\n");
    rc = gov_compiler_check(c);
    gov_compiler_diag(c, 0, &d);
    check(rc == GOV_ESOURCE && strstr(d.message, "unknown standard module"), "unknown std module", "%s", d.message);

    gov_compiler_clear(c);
    gov_compiler_add_path(c, "policies/support");
    rc = gov_compiler_check(c);
    gov_compiler_diag(c, 0, &d);
    check(rc == GOV_EIO && d.at.file == NULL && d.at.line == 0 && strcmp(d.code, "E031") == 0 &&
              strstr(d.message, "file access is off"),
          "files off: a path is GOV_EIO with a positionless E031", "rc %d %s", rc, d.message);
    gov_compiler_option(c, GOVC_OPT_FILES, 1);
    rc = gov_compiler_build(c);
    check(rc == GOV_OK && gov_compiler_program_count(c) == 1, "files on: the path builds", "rc %d", rc);

    gov_compiler_clear(c);
    gov_compiler_add_path(c, "no/such/dir.gov");
    rc = gov_compiler_check(c);
    gov_compiler_diag(c, 0, &d);
    check(rc == GOV_EIO && strstr(d.message, "no/such/dir.gov"), "a missing path is GOV_EIO", "rc %d", rc);
    /* A disk import from an in-memory source, relative to its name. */
    gov_compiler_clear(c);
    add(c, "tests/check/cases/import_cycle/x.gov", "policy p\nimport \"lib/a.gov\"\nrule r { when run.error }\n");
    rc = gov_compiler_check(c);
    gov_compiler_diag(c, 0, &d);
    check(rc == GOV_ESOURCE && strcmp(d.code, "E032") == 0, "files on: an in-memory source imports from disk by its name",
          "rc %d %s", rc, gov_compiler_diag_count(c) ? d.code : "-");
    gov_compiler_free(c);
}

/* ---------------------------------------------------------------- bad input */

static void test_bad_text(void)
{
    gov_compiler *c = fresh();
    gov_diagnostic d = {.size = sizeof d};
    gov_compiler_add_source(c, "nul.gov", "policy p\0x", 10);
    int rc = gov_compiler_check(c);
    gov_compiler_diag(c, 0, &d);
    check(rc == GOV_ESOURCE && strcmp(d.code, "E001") == 0 && d.at.offset == 8, "a NUL byte is E001", "%s", d.code);
    gov_compiler_clear(c);
    gov_compiler_add_source(c, "utf8.gov", "policy p\n\xff\xfe", 11);
    rc = gov_compiler_check(c);
    gov_compiler_diag(c, 0, &d);
    check(rc == GOV_ESOURCE && strcmp(d.code, "E002") == 0 && d.at.line == 2, "invalid UTF-8 is E002", "%s", d.code);
    gov_compiler_clear(c);
    check(gov_compiler_add_source(c, "empty.gov", NULL, 0) == GOV_OK, "an empty source (NULL, 0) is accepted", NULL);
    rc = gov_compiler_check(c);
    gov_compiler_diag(c, 0, &d);
    check(rc == GOV_ESOURCE && strcmp(d.code, "E013") == 0, "an empty source is E013", "%s", d.code);
    /* Larger than a source may be: E008, and the bytes are not copied. */
    gov_compiler_clear(c);
    size_t big = ((size_t)64 << 20) + 1;
    char *huge = calloc(1, big);
    rc = huge ? gov_compiler_add_source(c, "huge.gov", huge, big) : GOV_ENOMEM;
    rc = rc == GOV_OK ? gov_compiler_check(c) : rc;
    gov_compiler_diag(c, 0, &d);
    check(rc == GOV_ESOURCE && strcmp(d.code, "E008") == 0, "a source over 64 MiB is E008", "rc %d", rc);
    free(huge);
    /* Random bytes: a diagnostic or a program, never a crash. */
    uint64_t s = 0x9E3779B97F4A7C15u;
    int crashed_not = 1;
    char buf[512];
    for (int i = 0; i < 300; i++) {
        size_t n = 0;
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        size_t len = s % sizeof buf;
        const char *alpha = "policy p\nrecord run{x:int}rule r{when run.x>1}{}()\"\\=<>!$%0123456789 \n\t\x80\xc3\xa9";
        size_t na = strlen(alpha);
        for (; n < len; n++) {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            buf[n] = (i % 3 == 0) ? (char)(s & 0xFF) : alpha[s % na];
        }
        gov_compiler_clear(c);
        gov_compiler_add_source(c, "rand.gov", buf, len);
        rc = gov_compiler_build(c);
        const char *t;
        size_t tl;
        for (int f = GOVC_FORMAT_TEXT; f <= GOVC_FORMAT_SARIF; f++)
            gov_compiler_render(c, f, &t, &tl);
        if (rc != GOV_OK && rc != GOV_ESOURCE)
            crashed_not = 0;
    }
    check(crashed_not, "300 random sources: GOV_OK or GOV_ESOURCE each, rendered in every format", NULL);
    gov_compiler_free(c);
}

static void test_misuse(void)
{
    gov_compiler *c = NULL;
    check(gov_compiler_new(NULL, NULL, NULL) == GOV_EMISUSE, "new(NULL) is GOV_EMISUSE", NULL);
    /* Every entry point with a NULL compiler. */
    gov_diagnostic d = {.size = sizeof d};
    gov_diagnostic_note nt = {.size = sizeof nt};
    gov_compiled p = {.size = sizeof p};
    const char *t = (const char *)1;
    size_t n = 7, e = 7, w = 7;
    gov_compiler_free(NULL);
    gov_compiler_clear(NULL);
    gov_compiler_counts(NULL, &e, &w);
    gov_compiler_counts(NULL, NULL, NULL);
    int ok = gov_compiler_add_source(NULL, "a", "b", 1) == GOV_EMISUSE && gov_compiler_add_path(NULL, "a") == GOV_EMISUSE &&
             gov_compiler_check(NULL) == GOV_EMISUSE && gov_compiler_build(NULL) == GOV_EMISUSE &&
             gov_compiler_option(NULL, GOVC_OPT_WERROR, 1) == -1 && gov_compiler_diag_count(NULL) == 0 &&
             gov_compiler_diag(NULL, 0, &d) == GOV_EMISUSE && gov_compiler_note(NULL, 0, 0, &nt) == GOV_EMISUSE &&
             gov_compiler_program_count(NULL) == 0 && gov_compiler_policy_count(NULL) == 0 &&
             gov_compiler_program(NULL, 0, &p) == GOV_EMISUSE && gov_compiler_render(NULL, 0, &t, &n) == GOV_EMISUSE &&
             gov_compiler_errmsg(NULL)[0] != 0 && e == 0 && w == 0;
    check(ok, "NULL compiler: every call refuses, none crashes", NULL);

    c = fresh();
    ok = gov_compiler_add_source(c, NULL, "x", 1) == GOV_EMISUSE && gov_compiler_add_source(c, "", "x", 1) == GOV_EMISUSE &&
         gov_compiler_add_source(c, "a.gov", NULL, 5) == GOV_EMISUSE && gov_compiler_add_path(c, NULL) == GOV_EMISUSE &&
         gov_compiler_add_path(c, "") == GOV_EMISUSE;
    check(ok && strstr(gov_compiler_errmsg(c), "empty path"), "NULL or empty names and NULL text are GOV_EMISUSE", "%s",
          gov_compiler_errmsg(c));
    ok = gov_compiler_option(c, -1, 0) == -1 && gov_compiler_option(c, GOVC_OPT__COUNT, 0) == -1 &&
         gov_compiler_option(c, 12345, 1) == -1 && gov_compiler_option(c, GOVC_OPT_WERROR, 2) == -1 &&
         gov_compiler_option(c, GOVC_OPT_FILES, 7) == -1 && gov_compiler_option(c, GOVC_OPT_WERROR, -1) == 0 &&
         gov_compiler_option(c, GOVC_OPT_FILES, -5) == 1;
    check(ok, "options: unknown ids and bad values are -1 and change nothing", NULL);
    ok = gov_compiler_render(c, GOVC_FORMAT_TEXT, &t, &n) == GOV_EMISUSE && strstr(gov_compiler_errmsg(c), "nothing has run");
    check(ok, "render before any run is GOV_EMISUSE", "%s", gov_compiler_errmsg(c));
    add(c, "a.gov", SUPPORT);
    gov_compiler_build(c);
    ok = gov_compiler_render(c, -1, &t, &n) == GOV_EMISUSE && gov_compiler_render(c, 4, &t, &n) == GOV_EMISUSE &&
         gov_compiler_render(c, 0, NULL, &n) == GOV_EMISUSE && gov_compiler_render(c, 0, &t, NULL) == GOV_EMISUSE &&
         gov_compiler_diag(c, 0, NULL) == GOV_EMISUSE && gov_compiler_diag(c, (size_t)-1, &d) == GOV_EMISUSE &&
         gov_compiler_note(c, (size_t)-1, 0, &nt) == GOV_EMISUSE && gov_compiler_program(c, 1, &p) == GOV_EMISUSE &&
         gov_compiler_program(c, 0, NULL) == GOV_EMISUSE && gov_compiler_program(c, (size_t)-1, &p) == GOV_EMISUSE &&
         gov_compiler_program(c, 0, &p) == GOV_OK;
    check(ok, "bad formats, NULL outputs and indices out of range are GOV_EMISUSE", NULL);
    gov_compiler_counts(c, NULL, &w);
    gov_compiler_clear(c);
    ok = gov_compiler_program_count(c) == 0 && gov_compiler_diag_count(c) == 0 &&
         gov_compiler_render(c, 0, &t, &n) == GOV_EMISUSE && gov_compiler_option(c, GOVC_OPT_FILES, -1) == 1;
    check(ok, "clear drops sources and results, keeps options", NULL);
    {
        int rc = gov_compiler_build(c);
        size_t ee;
        gov_compiler_counts(c, &ee, NULL);
        check(rc == GOV_OK && gov_compiler_program_count(c) == 0 && ee == 0, "no sources: nothing to build, no error",
              "rc %d", rc);
    }
    check(strcmp(gov_errstr(GOV_ESOURCE), "the sources have errors") == 0 && strcmp(gov_errstr(GOV_EIO), "unknown code") != 0 &&
              strcmp(gov_errstr(GOV_EINTERNAL), "unknown code") != 0,
          "gov_errstr names libgovc's codes", NULL);
    gov_compiler_free(c);
}

/* ---------------------------------------------------------------- allocation failures */

typedef struct Counter {
    long budget;    /* allocations left before failing; < 0: never fail */
    long live;      /* blocks not yet freed */
    long calls;
} Counter;

static void *counting_alloc(void *ud, void *ptr, size_t size)
{
    Counter *k = ud;
    if (size == 0) {
        if (ptr) { k->live--; free(ptr); }
        return NULL;
    }
    k->calls++;
    if (k->budget == 0)
        return NULL;
    if (k->budget > 0)
        k->budget--;
    void *p = malloc(size);
    if (p) k->live++;
    return p;
}

static void test_oom(void)
{
    /* One full run to count the allocations, then fail each in turn. */
    Counter k = {-1, 0, 0};
    gov_compiler *c;
    gov_compiler_new(&c, counting_alloc, &k);
    size_t len;
    char *src = read_text("tests/check/cases/loosen.gov", &len);
    add(c, "a.gov", SUPPORT);
    gov_compiler_add_source(c, "loosen.gov", src, len);
    gov_compiler_build(c);
    const char *t;
    size_t n;
    gov_compiler_render(c, GOVC_FORMAT_SARIF, &t, &n);
    gov_compiler_free(c);
    long total = k.calls;
    check(k.live == 0 && total > 3, "every block from the hook goes back to it", "%ld live of %ld", k.live, total);

    int bad = 0, nomem = 0, okays = 0;
    for (long fail_at = 0; fail_at <= total + 1; fail_at++) {
        Counter q = {fail_at, 0, 0};
        int rc = gov_compiler_new(&c, counting_alloc, &q);
        if (rc != GOV_OK) {
            if (rc != GOV_ENOMEM || c != NULL) bad++;
            nomem++;
            continue;
        }
        int r1 = gov_compiler_add_source(c, "a.gov", SUPPORT, strlen(SUPPORT));
        int r2 = gov_compiler_add_source(c, "loosen.gov", src, len);
        int r3 = gov_compiler_build(c);
        int r4 = gov_compiler_render(c, GOVC_FORMAT_SARIF, &t, &n);
        int rs[4] = {r1, r2, r3, r4};
        for (int i = 0; i < 4; i++) {
            if (rs[i] == GOV_ENOMEM) nomem++;
            else if (rs[i] == GOV_OK || (i == 2 && rs[i] == GOV_ESOURCE) || (i == 3 && rs[i] == GOV_EMISUSE)) okays++;
            else bad++;
        }
        /* After a failure the compiler still works once memory is back. */
        q.budget = -1;
        if (gov_compiler_build(c) == GOV_ENOMEM) bad++;
        gov_compiler_free(c);
        if (q.live != 0) bad++;
    }
    check(bad == 0 && nomem > 0, "each allocation failing in turn: GOV_ENOMEM, no leak, usable after", "bad %d, %d ENOMEM",
          bad, nomem);
    free(src);
}

/* ---------------------------------------------------------------- threads */

typedef struct Job {
    const char *src;
    uint8_t *bytes;
    size_t len;
    int ok;
} Job;

static void *compile_many(void *arg)
{
    Job *j = arg;
    j->ok = 1;
    for (int i = 0; i < 25; i++) {
        gov_compiler *c;
        if (gov_compiler_new(&c, NULL, NULL) != GOV_OK) { j->ok = 0; break; }
        gov_compiler_add_source(c, "policies/support/support.gov", j->src, strlen(j->src));
        add(c, "bad.gov", "policy q\nrecord run { e: bool }\nrule r { when nope }\n");
        gov_compiler_option(c, GOVC_OPT_FILES, 0);
        if (gov_compiler_build(c) != GOV_ESOURCE || gov_compiler_diag_count(c) != 1) j->ok = 0;
        add(c, "bad.gov", "policy q\nrecord run { e: bool }\nrule r { when run.e }\n");
        gov_compiled p = {.size = sizeof p};
        if (gov_compiler_build(c) != GOV_OK || gov_compiler_program(c, 1, &p) != GOV_OK) {
            j->ok = 0;
        } else if (!j->bytes) {
            j->bytes = malloc(p.len);
            memcpy(j->bytes, p.bytes, p.len);
            j->len = p.len;
        } else if (p.len != j->len || memcmp(p.bytes, j->bytes, p.len) != 0) {
            j->ok = 0;
        }
        gov_compiler_free(c);
    }
    return NULL;
}

static void test_threads(void)
{
    char *src = read_text("policies/support/support.gov", NULL);
    enum { N = 4 };
    pthread_t th[N];
    Job jobs[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (Job){src, NULL, 0, 0};
        pthread_create(&th[i], NULL, compile_many, &jobs[i]);
    }
    int ok = 1;
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        ok &= jobs[i].ok && jobs[i].len == jobs[0].len && memcmp(jobs[i].bytes, jobs[0].bytes, jobs[0].len) == 0;
    }
    check(ok, "4 threads x 25 compilers each: the same bytes and diagnostics everywhere", NULL);
    for (int i = 0; i < N; i++)
        free(jobs[i].bytes);
    free(src);
}

/* gov_compiler_add_policy_of on tests/editors/errors/multi (policy `multi` in two files,
 * policy `other` beside them): the file's siblings come in, the other policy does not,
 * and a source given in memory under a file's name stands for that file. */
static void test_policy_of(void)
{
    const char *dir = "tests/editors/errors/multi";
    gov_compiler *c = fresh();
    int rc = gov_compiler_add_policy_of(c, "tests/editors/errors/multi/rules/rules.gov", NULL, 0);
    int rc2 = gov_compiler_check(c);
    size_t e, w;
    gov_compiler_counts(c, &e, &w);
    check(rc == GOV_OK && rc2 == GOV_OK && e == 0 && w == 1 && gov_compiler_policy_count(c) == 1,
          "policy-of: a file's policy is checked whole, and only it", "rc %d %d, %zu errors %zu warnings", rc, rc2, e, w);
    gov_compiler_clear(c);
    /* The buffer of limits.gov, edited: its text counts, not the disk's. */
    char *lim = read_text("tests/editors/errors/multi/limits.gov", NULL);
    char *cut = lim ? strstr(lim, "max latency_budget") : NULL;
    if (cut) *cut = 0; /* the limit is gone from the buffer */
    add(c, "tests/editors/errors/multi/./limits.gov", lim ? lim : "");
    rc = gov_compiler_add_policy_of(c, "tests/editors/errors/multi/rules/rules.gov", &dir, 1);
    rc2 = gov_compiler_check(c);
    gov_diagnostic d = {.size = sizeof d};
    int found = 0;
    for (size_t i = 0; i < gov_compiler_diag_count(c); i++)
        if (gov_compiler_diag(c, i, &d) == GOV_OK && strcmp(d.code, "E051") == 0 && strstr(d.at.file, "rules.gov"))
            found = 1;
    check(rc == GOV_OK && rc2 == GOV_ESOURCE && found, "policy-of: a source in memory stands for the file of its name",
          "rc %d %d", rc, rc2);
    free(lim);
    gov_compiler_clear(c);
    check(gov_compiler_add_policy_of(c, NULL, NULL, 0) == GOV_EMISUSE && gov_compiler_add_policy_of(NULL, "x", NULL, 0) ==
          GOV_EMISUSE && gov_compiler_add_policy_of(c, "x.gov", NULL, 1) == GOV_EMISUSE,
          "policy-of: NULL arguments are misuse", NULL);
    check(gov_compiler_add_policy_of(c, "tests/editors/errors/multi/none.gov", NULL, 0) == GOV_EIO &&
          strstr(gov_compiler_errmsg(c), "none.gov"), "policy-of: a file that cannot be read", "%s",
          gov_compiler_errmsg(c));
    gov_compiler_option(c, GOVC_OPT_FILES, 0);
    check(gov_compiler_add_policy_of(c, "tests/editors/errors/multi/limits.gov", NULL, 0) == GOV_EMISUSE,
          "policy-of: with file access off, only a source in memory", NULL);
    add(c, "mem.gov", "policy m\nrule r on run { when 1 > 2 }\n");
    check(gov_compiler_add_policy_of(c, "mem.gov", NULL, 0) == GOV_OK && gov_compiler_check(c) == GOV_ESOURCE,
          "policy-of: with file access off, the source in memory alone", "%s", gov_compiler_errmsg(c));
    gov_compiler_free(c);
}

/* gov_compiler_add_overlay: an editor's unsaved buffer. Its text is read wherever its
 * file is (a path given, a header search, an import) without making it a root; a file
 * that exists only as an overlay (a new buffer) is read too, and a path given before
 * its overlay still reads the overlay. */
static void test_overlay(void)
{
    gov_compiler *c = fresh();
    const char *t = "policy fresh\nmax a = 3\n";
    int r1 = gov_compiler_add_path(c, "tests/editors/errors/multi/not_on_disk.gov");
    int r2 = gov_compiler_add_overlay(c, "tests/editors/errors/multi/./not_on_disk.gov", t, strlen(t));
    int rc = gov_compiler_check(c);
    size_t e, w;
    gov_compiler_counts(c, &e, &w);
    check(r1 == GOV_OK && r2 == GOV_OK && rc == GOV_OK && e == 0 && w == 1 && gov_compiler_policy_count(c) == 1,
          "overlay: a file that exists only as an overlay is read, the path given first", "rc %d, %zu errors, %s", rc, e,
          gov_compiler_errmsg(c));
    gov_compiler_clear(c);
    /* An overlay of limits.gov without the limit, and the policy of rules.gov: E051. */
    char *lim = read_text("tests/editors/errors/multi/limits.gov", NULL);
    char *cut = lim ? strstr(lim, "max latency_budget") : NULL;
    if (cut) *cut = 0;
    gov_compiler_add_overlay(c, "tests/editors/errors/multi/limits.gov", lim ? lim : "", lim ? strlen(lim) : 0);
    gov_compiler_add_policy_of(c, "tests/editors/errors/multi/rules/rules.gov", NULL, 0);
    rc = gov_compiler_check(c);
    int found = 0;
    for (size_t i = 0; i < gov_compiler_diag_count(c); i++) {
        gov_diagnostic d = {.size = sizeof d};
        if (gov_compiler_diag(c, i, &d) == GOV_OK && strcmp(d.code, "E051") == 0)
            found = 1;
    }
    check(rc == GOV_ESOURCE && found, "overlay: found by a header search, its text counts", "rc %d", rc);
    gov_compiler_clear(c);
    /* An overlay alone is not a root: nothing to check. */
    gov_compiler_add_overlay(c, "x.gov", t, strlen(t));
    rc = gov_compiler_check(c);
    check(rc == GOV_OK && gov_compiler_policy_count(c) == 0, "overlay: not a root by itself", "rc %d", rc);
    check(gov_compiler_add_overlay(c, "", t, 1) == GOV_EMISUSE && gov_compiler_add_overlay(c, "y", NULL, 3) == GOV_EMISUSE &&
          gov_compiler_add_overlay(NULL, "y", t, 1) == GOV_EMISUSE, "overlay: misuse", NULL);
    free(lim);
    gov_compiler_free(c);
}

/* gov_vm_limit_value resolves a limit for the level fields of the record being built as
 * the evaluation of that record does: the same value and the same source as the finding
 * of a rule that reads the limit, in every scope of a nested policy. */
static void test_limit_value(void)
{
    static const char *src =
        "policy lv\nimport \"std/agent_run\"\nmax budget = 3s\n"
        "scope tenant \"acme\" {\n  budget = 2s\n  scope project \"billing\" { budget = 1s }\n}\n"
        "scope agent \"bot\" { budget = 900ms }\n"
        "rule slow { when run.latency > budget severity critical verdict block }\n";
    gov_compiler *c = fresh();
    add(c, "lv.gov", src);
    gov_compiled out = {.size = sizeof out};
    if (gov_compiler_build(c) != GOV_OK || gov_compiler_program(c, 0, &out) != GOV_OK) {
        check(0, "limit value: the policy builds", "%s", gov_compiler_errmsg(c));
        gov_compiler_free(c);
        return;
    }
    gov_program *p;
    gov_program_load(out.bytes, out.len, &p, NULL);
    size_t size = gov_arena_size(p, NULL);
    void *arena = malloc(size);
    gov_vm *vm;
    gov_vm_init(p, NULL, arena, size, &vm);
    static const struct { const char *t, *pr, *ag; const char *want, *level, *scope; } cases[] = {
        {NULL, NULL, NULL, "3000000000", "default", ""},
        {"acme", NULL, NULL, "2000000000", "tenant", "acme"},
        {"acme", "billing", NULL, "1000000000", "project", "billing"},
        {"other", "billing", NULL, "3000000000", "default", ""},
        {"acme", "billing", "bot", "900000000", "agent", "bot"},
        {NULL, NULL, "bot", "900000000", "agent", "bot"},
    };
    int li = gov_limit_find(p, "budget");
    int ok = li == 0 && gov_limit_count(p) == 1 && gov_limit_find(p, "nope") == -1;
    char why[400] = "";
    for (size_t i = 0; i < sizeof cases / sizeof cases[0] && ok; i++) {
        int kind = gov_kind_find(p, "run");
        gov_record_begin(vm, kind);
        const char *lv[3] = {cases[i].t, cases[i].pr, cases[i].ag};
        int slots[3] = {0, 1, 3};
        for (int k = 0; k < 3; k++)
            if (lv[k]) gov_set_string(vm, slots[k], lv[k], strlen(lv[k]));
        gov_limit_value v = {.size = sizeof v};
        int rc = gov_vm_limit_value(vm, li, &v);
        char got[32];
        snprintf(got, sizeof got, "%lld", (long long)v.value.i);
        if (rc != GOV_OK || strcmp(got, cases[i].want) || strcmp(v.level, cases[i].level) || strcmp(v.scope, cases[i].scope) ||
            strcmp(v.name, "budget") || v.dir != GOV_DIR_MAX || strcmp(v.file, "lv.gov") != 0) {
            snprintf(why, sizeof why, "case %zu: rc %d, %s from %s \"%s\"", i, rc, got, v.level, v.scope);
            ok = 0;
            break;
        }
        /* The record evaluates afterwards as it would have: the finding agrees. */
        gov_set_int(vm, 4 + 1, 0); /* at: slot 5 */
        gov_set_string(vm, 4, "r", 1);
        gov_set_int(vm, gov_field_find(p, kind, "latency"), INT64_C(10000000000));
        gov_set_int(vm, gov_field_find(p, kind, "cost"), 0);
        const gov_decision *d = gov_eval(vm);
        gov_finding f = {.size = sizeof f};
        if (gov_decision_status(d) != GOV_OK || gov_decision_finding(d, 0, &f) != GOV_OK ||
            f.limit_value.i != v.value.i || strcmp(f.limit_level, v.level) || strcmp(f.limit_scope, v.scope) ||
            f.limit_line != v.line || f.limit_col != v.col) {
            snprintf(why, sizeof why, "case %zu: the evaluation says otherwise (%s)", i, gov_decision_error(d));
            ok = 0;
        }
    }
    check(ok, "limit value: gov_vm_limit_value resolves as the evaluation does, in every scope", "%s", why);
    gov_record_begin(vm, 0);
    gov_limit_value v = {.size = sizeof v};
    check(gov_vm_limit_value(vm, 5, &v) == GOV_EMISUSE && gov_vm_limit_value(vm, 0, NULL) == GOV_EMISUSE &&
          gov_vm_limit_value(NULL, 0, &v) == GOV_EMISUSE, "limit value: misuse", NULL);
    free(arena);
    gov_program_free(p);
    gov_compiler_free(c);
}

/* ---------------------------------------------------------------- libgov for bindings */

/* gov_eval_json_summary and gov_decision_summary (vm/gov.h 4d) give what the separate
 * calls give, the JSON under the buffer rule, and refuse NULL. */
static void test_summary(void)
{
    gov_compiler *c = fresh();
    add(c, "support.gov", SUPPORT);
    gov_compiled b = {.size = sizeof b};
    gov_program *p = NULL;
    if (gov_compiler_build(c) != GOV_OK || gov_compiler_program(c, 0, &b) != GOV_OK ||
        gov_program_load(b.bytes, b.len, &p, NULL) != GOV_OK) {
        check(0, "summary: the program", NULL);
        return;
    }
    size_t size = gov_arena_size(p, NULL);
    void *arena = malloc(size);
    gov_vm *vm;
    gov_vm_init(p, NULL, arena, size, &vm);
    const char *rec = "{\"tenant\":\"acme\",\"at\":\"2026-01-01T00:00:00Z\",\"latency_ms\":2500,\"cost_usd\":0}";
    char buf[4096], want[4096];
    size_t wlen = 0;
    gov_summary s;
    memset(&s, 0x5a, sizeof s);
    s.size = sizeof s;
    const gov_decision *d = gov_eval_json_summary(vm, rec, strlen(rec), 42, buf, sizeof buf, &s);
    gov_decision_json(d, want, sizeof want, &wlen);
    check(s.status == GOV_OK && s.verdict == GOV_BLOCK && s.line == 42 && s.json == GOV_OK && s.len == wlen &&
              strcmp(buf, want) == 0 && s.verdict == gov_decision_verdict(d),
          "summary: status, verdict, line and the decision's JSON in one call", "%d %d %s", s.status, s.verdict, buf);
    char small[8] = "xxxxxxx";
    check(gov_decision_summary(d, small, sizeof small, &s) == GOV_ESPACE && s.json == GOV_ESPACE && s.len == wlen &&
              small[0] == 0 && s.verdict == GOV_BLOCK,
          "summary: a small buffer is GOV_ESPACE with the length needed, and holds \"\"", NULL);
    check(gov_decision_summary(d, NULL, 0, &s) == GOV_ESPACE && s.len == wlen, "summary: no buffer at all", NULL);
    d = gov_eval_json_summary(vm, "{", 1, 7, buf, sizeof buf, &s);
    check(s.status == GOV_EJSON && s.line == 7 && s.json == GOV_OK && strstr(buf, "\"status\":\"error\"") &&
              gov_decision_status(d) == GOV_EJSON,
          "summary: an error decision", "%d %s", s.status, buf);
    check(gov_decision_summary(NULL, buf, sizeof buf, &s) == GOV_EMISUSE &&
              gov_decision_summary(d, buf, sizeof buf, NULL) == GOV_EMISUSE &&
              gov_eval_json_summary(vm, rec, strlen(rec), 1, buf, sizeof buf, NULL) != NULL,
          "summary: NULL decision or output is GOV_EMISUSE", NULL);
    free(arena);
    gov_program_free(p);
    gov_compiler_free(c);
}

int main(void)
{
    test_good();
    test_reproducible();
    test_diagnostics();
    test_imports();
    test_bad_text();
    test_misuse();
    test_oom();
    test_threads();
    test_policy_of();
    test_limit_value();
    test_overlay();
    test_summary();
    return nfail != 0;
}
