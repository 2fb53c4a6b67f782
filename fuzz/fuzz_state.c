/* fuzz_state.c: state restore (gov_state_load, spec/state.md). The first input byte
 * picks an example policy (low 7 bits, modulo their number; policies sorted by name)
 * and a mode (high bit); the rest is a state file.
 *   high bit 0: the bytes as they are, so the framing and checksum checks are fuzzed;
 *   high bit 1: "repaired" first: the policy id, the length and every checksum that
 *               can be computed are set to the right values, so mutations of a valid
 *               state reach the entry checks behind them.
 * Each input starts from a fresh VM's state. Beyond the sanitizers it checks:
 *   - a refused state has a message and leaves the VM's saved state byte-identical;
 *   - an accepted state saves back to exactly the bytes loaded (the format has one
 *     encoding per state), and the VM then runs ticks far into the future (timeouts,
 *     escalation steps) and saves again within gov_state_bound.
 * And the carry (gov_state_carry, spec/state.md "Carrying a state"): each example policy
 * with notification settings has a variant, its sources without their `group_wait`
 * lines (the same state layout; those rules' groups change, the others' stay), and the
 * input is also carried from the policy into a fresh VM of the variant: a refusal has a
 * message and leaves that VM as it was; an accepted carry names a rule exactly when it
 * dropped held notifications, and saves a state the variant loads back with
 * gov_state_load and saves to the same bytes.
 * tests/fuzz/replay.c runs the same function over a corpus (and mutations of it) in
 * `make test`. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xxhash.h>

#include "fuzz/common.h"

enum { MAXP = FUZZ_MAX_POLICIES, MAXSTATE = 1 << 16 };
static gov_program *progs[MAXP];
static gov_vm *vms[MAXP];
static uint8_t *fresh[MAXP];   /* each VM's state just after gov_vm_init */
static size_t fresh_len[MAXP];
static int nprogs;
static uint8_t in[MAXSTATE], *before, *after, *bound_buf; /* the last three: bound_max */
static size_t bound_max;
static gov_program *variant[MAXP]; /* each policy without its group_wait lines, or NULL */
static gov_vm *vvms[MAXP];
static uint8_t *vfresh[MAXP];
static size_t vfresh_len[MAXP];

/* Policy dir root/name's sources, each line that sets group_wait left out, compiled:
 * the program when it has the policy's state layout and another notify layout. */
static gov_program *make_variant(const char *root, const char *name, const gov_program *orig)
{
    char src[1024], dir[] = "/tmp/gov-fuzz-variant-XXXXXX";
    snprintf(src, sizeof src, "%s/%s", root, name);
    DIR *d = opendir(src);
    if (!d || !mkdtemp(dir)) {
        if (d)
            closedir(d);
        return NULL;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".gov") != 0)
            continue;
        char from[2048], to[2048], line[4096];
        snprintf(from, sizeof from, "%s/%s", src, e->d_name);
        snprintf(to, sizeof to, "%s/%s", dir, e->d_name);
        FILE *in_f = fopen(from, "r"), *out_f = fopen(to, "w");
        while (in_f && out_f && fgets(line, sizeof line, in_f))
            if (!strstr(line, "group_wait"))
                fputs(line, out_f);
        if (in_f)
            fclose(in_f);
        if (out_f)
            fclose(out_f);
    }
    closedir(d);
    const char *paths[1] = {dir};
    FuzzResult r;
    fuzz_front(paths, 1, FUZZ_COMPILE, NULL, NULL, false, &r);
    gov_program *v = NULL;
    gov_error err = {.size = sizeof err};
    if (r.ncompiled != 1 || gov_program_load(r.bytes, r.len, &v, &err) != GOV_OK)
        v = NULL;
    free(r.bytes);
    /* the directory and its files go */
    DIR *t = opendir(dir);
    while (t && (e = readdir(t))) {
        char f[2048];
        snprintf(f, sizeof f, "%s/%s", dir, e->d_name);
        if (e->d_name[0] != '.')
            unlink(f);
    }
    if (t)
        closedir(t);
    rmdir(dir);
    char a[33], b[33], na[33], nb[33];
    if (v) {
        gov_program_state_layout(orig, a);
        gov_program_state_layout(v, b);
        gov_program_notify_layout(orig, na);
        gov_program_notify_layout(v, nb);
        if (strcmp(a, b) != 0 || strcmp(na, nb) == 0) {
            gov_program_free(v);
            v = NULL;
        }
    }
    return v;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    nprogs = fuzz_compile_policies(fuzz_policies_dir((*argv)[0]), progs, MAXP);
    if (nprogs == 0)
        abort();
    for (int i = 0; i < nprogs; i++) {
        size_t size = gov_arena_size(progs[i], NULL);
        if (gov_vm_init(progs[i], NULL, malloc(size), size, &vms[i]) != GOV_OK)
            abort();
        fuzz_bind_hosts(vms[i]);
        size_t b = gov_state_bound(progs[i]);
        if (b > bound_max)
            bound_max = b;
        fresh[i] = malloc(b);
        if (!fresh[i] || gov_state_save(vms[i], fresh[i], b, &fresh_len[i]) != GOV_OK)
            abort();
    }
    const char *root = fuzz_policies_dir((*argv)[0]);
    for (int i = 0; i < nprogs; i++) {
        if (!(variant[i] = make_variant(root, fuzz_policy_name(i), progs[i])))
            continue;
        size_t size = gov_arena_size(variant[i], NULL);
        size_t b = gov_state_bound(variant[i]);
        if (b > bound_max)
            bound_max = b;
        vfresh[i] = malloc(b);
        if (gov_vm_init(variant[i], NULL, malloc(size), size, &vvms[i]) != GOV_OK || !vfresh[i] ||
            gov_state_save(vvms[i], vfresh[i], b, &vfresh_len[i]) != GOV_OK)
            abort();
        fuzz_bind_hosts(vvms[i]);
    }
    before = malloc(bound_max);
    after = malloc(bound_max);
    bound_buf = malloc(bound_max);
    if (!before || !after || !bound_buf)
        abort();
    return 0;
}

static uint32_t get32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t get64(const uint8_t *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

static void put64(uint8_t *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
}

/* Make the header and section checksums, the length and the policy id right, for as
 * many sections as the lengths in the bytes let us find (spec/state.md §1). */
static void repair(uint8_t *b, size_t n, const char *id)
{
    if (n < 64)
        return;
    memcpy(b + 16, id, 32);
    put64(b + 48, n);
    size_t o = 64;
    while (n - o >= 24) {
        uint64_t len = get64(b + o + 8);
        if (len > n - o - 24)
            break;
        put64(b + o + 16, XXH3_64bits(b + o + 24, (size_t)len));
        o += 24 + (size_t)len;
    }
    put64(b + 56, XXH3_64bits(b, 56));
}

static size_t save(gov_vm *vm, uint8_t *buf, size_t cap)
{
    size_t n;
    if (gov_state_save(vm, buf, cap, &n) != GOV_OK)
        abort(); /* a state larger than gov_state_bound */
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size - 1 > MAXSTATE)
        return 0;
    int k = (data[0] & 0x7F) % nprogs;
    size_t n = size - 1;
    memcpy(in, data + 1, n);
    if (data[0] & 0x80)
        repair(in, n, gov_program_id(progs[k]));
    if (variant[k]) {
        /* The carry into the variant: from the policy, the state given. */
        gov_vm *vv = vvms[k];
        if (gov_state_load(vv, vfresh[k], vfresh_len[k]) != GOV_OK)
            abort();
        size_t vb = save(vv, before, bound_max);
        gov_carry c = {.size = sizeof c};
        if (gov_state_carry(vv, progs[k], in, n, &c) != GOV_OK) {
            if (!gov_vm_errmsg(vv)[0])
                abort(); /* refused without a message */
            size_t va = save(vv, after, bound_max);
            if (va != vb || memcmp(before, after, va) != 0)
                abort(); /* a refused carry changed the VM */
        } else {
            size_t va = save(vv, after, bound_max);
            if (n >= 48 && memcmp(in + 16, gov_program_id(progs[k]), 32) == 0 &&
                ((c.held_dropped != 0) != (c.dropped_rule != UINT32_MAX) || (c.held_dropped && !c.groups_dropped)))
                abort(); /* a drop not named, a rule named for nothing dropped, or held by no group */
            if (gov_state_load(vv, after, va) != GOV_OK)
                abort(); /* the variant refuses the state a carry left it */
            size_t vc = save(vv, bound_buf, bound_max);
            if (vc != va || memcmp(bound_buf, after, va) != 0)
                abort(); /* a carried state does not save back to the same bytes */
        }
    }
    gov_vm *vm = vms[k];
    if (gov_state_load(vm, fresh[k], fresh_len[k]) != GOV_OK)
        abort(); /* a state the VM saved itself must load */
    size_t nb = save(vm, before, bound_max);
    int rc = gov_state_load(vm, in, n);
    if (rc != GOV_OK) {
        if (!gov_vm_errmsg(vm)[0])
            abort(); /* refused without a message */
        size_t na = save(vm, after, bound_max);
        if (na != nb || memcmp(before, after, na) != 0)
            abort(); /* a refused state changed the VM */
        return 0;
    }
    size_t na = save(vm, after, bound_max);
    if (n >= 12 && get32(in + 8) != get32(after + 8)) {
        /* An older version the VM still reads (spec/state.md "Versions") saves as the
         * current one: that file must load and save back to itself. */
        if (get32(in + 8) >= get32(after + 8))
            abort(); /* accepted a version newer than the one it writes */
        if (gov_state_load(vm, after, na) != GOV_OK)
            abort(); /* the VM refuses the state it wrote from an older version */
        size_t nc = save(vm, before, bound_max);
        if (nc != na || memcmp(before, after, na) != 0)
            abort(); /* an upgraded state does not save back to the same bytes */
    } else if (na != n || memcmp(after, in, n) != 0)
        abort(); /* an accepted state does not save back to the same bytes */
    /* Run the restored tables: every SLA and escalation step falls due by +30 days. */
    int64_t now = gov_vm_now(vm);
    if (now == INT64_MIN)
        now = 0;
    static const int64_t later[] = {1, 60000000000, 3600000000000, 2592000000000000};
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++) {
        const gov_decision *d = gov_tick(vm, now > INT64_MAX - later[i] ? INT64_MAX : now + later[i]);
        static char out[1 << 18];
        size_t len;
        gov_decision_json(d, out, sizeof out, &len);
    }
    save(vm, bound_buf, bound_max);
    return 0;
}
