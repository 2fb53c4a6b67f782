/* common.c: helpers shared by the fuzz targets and tests; see common.h. */
#include "fuzz/common.h"
#include "tests/ffi/hostlib.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/stdlib.h"

bool fuzz_std_lookup(const char *name, const char **text, uint32_t *len)
{
    for (const GovStdModule *m = gov_std_modules; m->name; m++)
        if (strcmp(m->name, name) == 0) {
            *text = m->text;
            *len = m->len;
            return true;
        }
    return false;
}

const char *fuzz_source_file(const void *data, size_t size)
{
    static char path[256];
    if (!path[0]) {
        const char *tmp = getenv("TMPDIR");
        char dir[200];
        snprintf(dir, sizeof dir, "%s/govfuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir)) {
            perror("fuzz: mkdtemp");
            abort();
        }
        snprintf(path, sizeof path, "%s/input.gov", dir);
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror("fuzz: writing the input");
        abort();
    }
    return path;
}

uint8_t *fuzz_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    uint8_t *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            uint8_t *nb = realloc(b, cap *= 2);
            if (!nb) { free(b); b = NULL; }
            else b = nb;
        }
    }
    fclose(f);
    *len = n;
    return b;
}

static FILE *scratch(void)
{
    static FILE *null;
    if (!null)
        null = fopen("/dev/null", "w");
    return null;
}

/* The part after setjmp: everything it allocates is on fe's arena. */
static void run_front(GovFrontend *fe, const char *const *paths, int npaths, int stage, bool print,
                      FuzzResult *out)
{
    for (int i = 0; i < npaths; i++)
        govF_add_path(fe, paths[i]);
    govF_load(fe);
    if (stage >= FUZZ_CHECK)
        govF_check(fe);
    if (stage >= FUZZ_COMPILE && !govD_failed(&fe->diags)) {
        for (uint32_t i = 0; i < fe->npols; i++) {
            GovPolicy *p = fe->pols[i];
            GovBuild b;
            if (p->is_module || !govK_compile(fe, p, &b))
                continue;
            gov_program *prog;
            gov_error err = {.size = sizeof err};
            if (gov_program_load(b.bytes, b.len, &prog, &err) != GOV_OK) {
                fprintf(stderr, "fuzz: the VM rejects a compiled program: %s (code %d, byte %u)\n", err.message,
                        err.code, err.offset);
                abort();
            }
            gov_program_free(prog);
            out->ncompiled++;
            free(out->bytes);
            out->bytes = malloc(b.len);
            if (!out->bytes)
                abort();
            memcpy(out->bytes, b.bytes, b.len);
            out->len = b.len;
        }
    }
    out->errors = fe->diags.nerrors > 0;
    if (print && scratch()) {
        for (int f = GOV_FMT_TEXT; f <= GOV_FMT_SARIF; f++)
            govD_print(&fe->diags, scratch(), (GovFormat)f, "fuzz");
        fflush(scratch());
    }
}

void fuzz_front(const char *const *paths, int npaths, int stage, GovAllocFn alloc, void *ud, bool print,
                FuzzResult *out)
{
    memset(out, 0, sizeof *out);
    GovFrontend fe;
    govF_init(&fe, alloc, ud, fuzz_std_lookup);
    /* Under a test's allocation hook, small chunks: every few hundred bytes of the front
     * end and compiler become a point where an allocation can fail. */
    if (alloc)
        govA_set_chunk(&fe.arena, 256);
    if (setjmp(fe.oom)) {
        govF_free(&fe);
        out->oom = true;
        return;
    }
    run_front(&fe, paths, npaths, stage, print, out);
    govF_free(&fe);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *policy_names[FUZZ_MAX_POLICIES];
static int npolicy_names;

/* Every directory under root is an example policy, and every one is compiled: a target
 * that silently fuzzed a prefix of them lost `operations` when agent_alerts sorted
 * first. So too many, or one that does not compile, stops the target with the reason. */
int fuzz_compile_policies(const char *root, gov_program **progs, int max)
{
    DIR *d = opendir(root);
    if (!d) {
        fprintf(stderr, "fuzz: cannot open %s\n", root);
        abort();
    }
    char *names[FUZZ_MAX_POLICIES + 1];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", root, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        if (n == max || n == FUZZ_MAX_POLICIES) {
            fprintf(stderr, "fuzz: %s holds more than %d example policies; raise FUZZ_MAX_POLICIES (fuzz/common.h)\n",
                    root, n);
            abort();
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_name);
    for (int i = 0; i < npolicy_names; i++)
        free(policy_names[i]);
    npolicy_names = 0;
    for (int i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", root, names[i]);
        const char *paths[1] = {path};
        FuzzResult r;
        fuzz_front(paths, 1, FUZZ_COMPILE, NULL, NULL, false, &r);
        gov_error err = {.size = sizeof err};
        if (r.ncompiled != 1 || gov_program_load(r.bytes, r.len, &progs[i], &err) != GOV_OK) {
            fprintf(stderr, "fuzz: the example policy %s does not compile to one program\n", path);
            abort();
        }
        free(r.bytes);
        policy_names[npolicy_names++] = names[i];
    }
    return n;
}

int fuzz_policy_count(void) { return npolicy_names; }

const char *fuzz_policy_name(int i) { return i >= 0 && i < npolicy_names ? policy_names[i] : NULL; }

const char *fuzz_policies_dir(const char *argv0)
{
    static char buf[1024];
    const char *env = getenv("GOV_FUZZ_POLICIES");
    if (env && *env)
        return env;
    struct stat st;
    if (stat("policies", &st) == 0 && S_ISDIR(st.st_mode))
        return "policies";
    /* The targets live in build-fuzz/: the tree is one level up. */
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    if (slash) {
        snprintf(buf, sizeof buf, "%.*s/../policies", (int)(slash - argv0), argv0);
        if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
            return buf;
    }
    fprintf(stderr, "fuzz: cannot find policies/ (run from the top of the tree or set GOV_FUZZ_POLICIES)\n");
    abort();
}

int fuzz_bind_hosts(gov_vm *vm)
{
    gov_vm_bind(vm, "pii_score", (gov_fn)pii_score, &gov_sig_pii_score);
    gov_vm_bind(vm, "on_watchlist", (gov_fn)on_watchlist, &gov_sig_on_watchlist);
    gov_vm_bind(vm, "risk", (gov_fn)risk, &gov_sig_risk);
    gov_vm_bind(vm, "latency_class", (gov_fn)latency_class, &gov_sig_latency_class);
    return gov_vm_ready(vm);
}
