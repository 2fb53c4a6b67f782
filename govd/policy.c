/* policy.c: the loaded policies, their VMs, reloads and snapshots (spec/govd.md §5, §6).
 *
 * A set holds every policy; requests take a reference to the current set, so a reload
 * builds a whole new set beside it and swaps one pointer. Each policy has partitions,
 * one VM each behind a mutex: as many as worker threads for a policy without state (a
 * thread takes its own), cfg.partitions for a keyed policy (a record goes to the
 * partition its key hashes to), one for a policy that cannot be partitioned.
 *
 * A reload locks every partition of the old policy, saves its state, restores it into
 * the new one when the state layout allows, marks the old partition retired and swaps
 * the sets: a request that waited on a retired partition routes again to the new set,
 * so nothing is evaluated on a VM whose state was already carried over, and none is lost.
 * A running state the reload cannot carry (its layout changed, or the new VMs refuse it)
 * is written aside to DIR/NAME.refused-N with --state-dir; without one a changed layout
 * starts empty and a carry the new VMs refuse refuses the reload (spec/govd.md 5).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "compiler/gov_compiler.h"
#include "govd/govd.h"

gd_config gd_cfg;

static pthread_mutex_t set_mu = PTHREAD_MUTEX_INITIALIZER;   /* current, and reloads */
static pthread_mutex_t reload_mu = PTHREAD_MUTEX_INITIALIZER;
static gd_set *current;
static uint64_t generation;
static _Atomic int next_thread;
static _Thread_local int thread_idx = -1;

/* ---------------------------------------------------------------- loading */

static bool is_source(const char *path)
{
    struct stat st;
    size_t n = strlen(path);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    return n > 4 && strcmp(path + n - 4, ".gov") == 0;
}

/* Compile .gov sources in process with libgovc (compiler/gov_compiler.h); its
 * diagnostics, rendered as govc prints them, go to err. */
static gov_program *with_limits(const void *bytes, size_t len, const char *path, gov_program *prog, gd_buf *err);

static gov_program *compile_source(const char *path, gd_buf *err)
{
    gov_compiler *c = NULL;
    gov_program *prog = NULL;
    if (gov_compiler_new(&c, NULL, NULL) != GOV_OK) {
        gd_buf_printf(err, "%s: out of memory\n", path);
        return NULL;
    }
    int rc = gov_compiler_add_path(c, path);
    if (rc == GOV_OK)
        rc = gov_compiler_build(c);
    if (rc == GOV_ESOURCE || rc == GOV_EIO) {
        const char *text;
        size_t len;
        if (gov_compiler_render(c, GOVC_FORMAT_TEXT, &text, &len) == GOV_OK)
            gd_buf_add(err, text, len);
    } else if (rc != GOV_OK) {
        gd_buf_printf(err, "%s: %s (%s)\n", path, gov_compiler_errmsg(c), gov_errstr(rc));
    } else if (gov_compiler_program_count(c) != 1) {
        gd_buf_printf(err, "%s: holds %zu policies; give each its own path\n", path, gov_compiler_program_count(c));
    } else {
        gov_compiled out = {.size = sizeof out};
        gov_error e = {.size = sizeof e};
        if (gov_compiler_program(c, 0, &out) != GOV_OK || gov_program_load(out.bytes, out.len, &prog, &e) != GOV_OK)
            gd_buf_printf(err, "%s: the VM rejects the compiled policy\n", path);
        else
            prog = with_limits(out.bytes, out.len, path, prog, err);
    }
    gov_compiler_free(c);
    return prog;
}

gov_program *gd_load_program(const char *path, gd_buf *err)
{
    if (is_source(path))
        return compile_source(path, err);
    size_t len;
    unsigned char *bytes = gd_read_all(path, &len);
    if (!bytes) {
        gd_buf_printf(err, "%s: cannot read: %s\n", path, strerror(errno));
        return NULL;
    }
    gov_program *prog = NULL;
    gov_error e = {.size = sizeof e};
    if (gov_program_load(bytes, len, &prog, &e) != GOV_OK)
        gd_buf_printf(err, "%s: invalid program: %s (%s, byte %u)\n", path, e.message, gov_errstr(e.code), e.offset);
    else
        prog = with_limits(bytes, len, path, prog, err);
    free(bytes);
    return prog;
}

/* The policy with the limits file --limits names for it (spec/language.md 5.2), read
 * again at every load, so a reload takes the file's new entries (and a file that now
 * loosens a limit fails the reload, leaving the running policies). prog is the policy
 * without it, freed when replaced; NULL with the error in err. */
static gov_program *with_limits(const void *bytes, size_t len, const char *path, gov_program *prog, gd_buf *err)
{
    const char *file = NULL;
    for (int i = 0; i < gd_cfg.nlimits; i++)
        if (strcmp(gd_cfg.limits_policy[i], gov_program_name(prog)) == 0)
            file = gd_cfg.limits_file[i];
    if (!file)
        return prog;
    gov_program_free(prog);
    size_t jlen;
    unsigned char *json = gd_read_all(file, &jlen);
    if (!json) {
        gd_buf_printf(err, "%s: cannot read: %s\n", file, strerror(errno));
        return NULL;
    }
    gov_program *out = NULL;
    gov_error e = {.size = sizeof e};
    int rc = gov_program_load_limits(bytes, len, (const char *)json, jlen, file, &out, &e);
    free(json);
    if (rc == GOV_OK)
        return out;
    if (e.line)
        gd_buf_printf(err, "%s:%u:%u: error%s: %s\n", file, e.line, e.col, rc == GOV_ELOOSEN ? "[E050]" : "", e.message);
    else
        gd_buf_printf(err, "%s with %s: %s (%s)\n", path, file, e.message, gov_errstr(e.code));
    if (e.note[0])
        gd_buf_printf(err, "%s\n", e.note);
    return NULL;
}

static void route_free(gd_route *r)
{
    free(r->id);
    free(r->part);
    pthread_mutex_destroy(&r->mu);
}

static void policy_free(gd_policy *p)
{
    for (int i = 0; i < p->nparts; i++) {
        pthread_mutex_destroy(&p->parts[i].mu);
        gd_dlog_part_free(&p->parts[i]);
        free(p->parts[i].arena);
    }
    free(p->parts);
    free(p->rule_slot);
    route_free(&p->route);
    gov_program_free(p->prog);
    free(p->name);
    free(p->path);
    free(p->aside);
}

static void set_free(gd_set *s)
{
    for (int i = 0; i < s->n; i++)
        policy_free(&s->pol[i]);
    free(s->pol);
    free(s);
}

static int policy_init(gd_policy *p, const char *path, gd_buf *err)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->route.mu, NULL);
    p->prog = gd_load_program(path, err);
    if (!p->prog)
        return -1;
    p->path = strdup(path);
    p->name = strdup(gov_program_name(p->prog));
    if (!p->path || !p->name)
        return -1;
    p->partition = gov_program_partition(p->prog, p->why, sizeof p->why);
    gov_program_state_layout(p->prog, p->layout);
    /* A policy without state has a VM for each HTTP worker and for each batch lane
     * (server.c: a lane needs a VM of its own), so a batch is decided on every batch
     * thread even with fewer workers. */
    int any_vms = gd_cfg.workers > gd_cfg.batch_threads ? gd_cfg.workers : gd_cfg.batch_threads;
    p->nparts = p->partition == GOV_PART_ANY ? any_vms : p->partition == GOV_PART_ONE ? 1 : gd_cfg.partitions;
    p->arena_size = gov_arena_size(p->prog, NULL);
    p->run_kind = gov_kind_find(p->prog, "run");
    p->pm = gd_metrics_policy(p->name);
    p->nrule = gov_rule_count(p->prog);
    p->rule_slot = malloc((size_t)(p->nrule > 0 ? p->nrule : 1) * sizeof *p->rule_slot);
    p->parts = calloc((size_t)p->nparts, sizeof *p->parts);
    if (!p->parts || !p->rule_slot)
        return -1;
    for (int i = 0; i < p->nrule; i++)
        atomic_init(&p->rule_slot[i], GD_SLOT_UNKNOWN);
    for (int i = 0; i < p->nparts; i++) {
        gd_part *pt = &p->parts[i];
        pthread_mutex_init(&pt->mu, NULL);
        pt->dirty = 1; /* the first snapshot writes every partition */
        pt->stream = GD_NO_STREAM;
        pt->arena = malloc(p->arena_size);
        if (!pt->arena || gov_vm_init(p->prog, NULL, pt->arena, p->arena_size, &pt->vm) != GOV_OK) {
            gd_buf_printf(err, "%s: cannot make a VM (%zu bytes of arena)\n", path, p->arena_size);
            return -1;
        }
        if (gd_host_bind(pt->vm, p->name, err) != 0)
            return -1;
        if (gov_vm_ready(pt->vm) != GOV_OK) {
            gd_buf_printf(err, "%s: %s%s\n", path, gov_vm_errmsg(pt->vm),
                          gd_host_count(p->name) ? "" : " (bind host functions with --host-lib POLICY=LIB)");
            return -1;
        }
    }
    return 0;
}

gd_set *gd_set_load(gd_buf *err)
{
    gd_set *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->pol = calloc((size_t)gd_cfg.npaths, sizeof *s->pol);
    if (!s->pol) {
        free(s);
        return NULL;
    }
    bool ok = true;
    for (int i = 0; i < gd_cfg.npaths; i++) {
        if (policy_init(&s->pol[s->n], gd_cfg.paths[i], err) != 0) {
            ok = false;
            if (s->pol[s->n].prog)
                policy_free(&s->pol[s->n]);
            else
                route_free(&s->pol[s->n].route), free(s->pol[s->n].path), free(s->pol[s->n].name);
            continue;
        }
        for (int k = 0; k < s->n; k++)
            if (strcmp(s->pol[k].name, s->pol[s->n].name) == 0) {
                gd_buf_printf(err, "%s: policy '%s' is also loaded from %s\n", gd_cfg.paths[i], s->pol[k].name,
                              s->pol[k].path);
                ok = false;
            }
        s->n++;
    }
    for (int h = 0; h < gd_cfg.nhost; h++) {
        bool found = false;
        for (int k = 0; k < s->n; k++)
            found = found || strcmp(s->pol[k].name, gd_cfg.host_policy[h]) == 0;
        if (!found && ok) {
            gd_buf_printf(err, "--host-lib %s=%s: no policy named '%s' is loaded\n", gd_cfg.host_policy[h],
                          gd_cfg.host_lib[h], gd_cfg.host_policy[h]);
            ok = false;
        }
    }
    if (!ok) {
        set_free(s);
        return NULL;
    }
    atomic_store(&s->refs, 1);
    return s;
}

/* ---------------------------------------------------------------- the current set */

gd_set *gd_set_acquire(void)
{
    pthread_mutex_lock(&set_mu);
    gd_set *s = current;
    if (s)
        atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&set_mu);
    return s;
}

void gd_set_release(gd_set *s)
{
    if (s && atomic_fetch_sub(&s->refs, 1) == 1)
        set_free(s);
}

uint64_t gd_generation(void)
{
    pthread_mutex_lock(&set_mu);
    uint64_t g = generation;
    pthread_mutex_unlock(&set_mu);
    return g;
}

gd_policy *gd_set_find(gd_set *s, const char *name, size_t len)
{
    for (int i = 0; i < s->n; i++)
        if (strlen(s->pol[i].name) == len && memcmp(s->pol[i].name, name, len) == 0)
            return &s->pol[i];
    return NULL;
}

/* ---------------------------------------------------------------- partitions */

gd_part *gd_part_lock(gd_policy *p, const char *json, size_t len)
{
    int i;
    if (p->nparts == 1) {
        i = 0;
    } else if (p->partition == GOV_PART_ANY) {
        if (thread_idx < 0)
            thread_idx = atomic_fetch_add(&next_thread, 1);
        i = thread_idx % p->nparts;
    } else {
        /* The one partition function (spec/scaleout.md 1): a record without the key's
         * member, or one that is not JSON, goes where the empty key does. */
        uint32_t part;
        gov_record_partition(p->prog, json, len, (uint32_t)p->nparts, &part);
        i = (int)part;
    }
    gd_part *pt = &p->parts[i];
    pthread_mutex_lock(&pt->mu);
    if (pt->retired) {
        pthread_mutex_unlock(&pt->mu);
        return NULL;
    }
    return pt;
}

void gd_part_unlock(gd_part *pt) { pthread_mutex_unlock(&pt->mu); }

gd_part *gd_part_lock_index(gd_policy *p, int i)
{
    gd_part *pt = &p->parts[i >= 0 && i < p->nparts ? i : 0];
    pthread_mutex_lock(&pt->mu);
    if (pt->retired) {
        pthread_mutex_unlock(&pt->mu);
        return NULL;
    }
    return pt;
}

/* ---------------------------------------------------------------- routes */

static bool parse_hexid(const char *s, size_t n, uint64_t *out)
{
    if (n != 16)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < 16; i++) {
        char c = s[i];
        int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (h < 0)
            return false;
        v = v << 4 | (uint64_t)h;
    }
    *out = v;
    return true;
}

/* Open addressing keyed by id | 1 (0 marks empty); removal by tombstone is not needed:
 * a closed id stays mapped to the partition that held it, which is where its key routes. */
static void route_put(gd_route *r, uint64_t id, uint32_t part)
{
    uint64_t k = id | 1;
    if ((r->n + 1) * 2 > r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 1024;
        uint64_t *nid = calloc(ncap, sizeof *nid);
        uint32_t *npart = calloc(ncap, sizeof *npart);
        if (!nid || !npart) {
            free(nid);
            free(npart);
            return;
        }
        for (size_t i = 0; i < r->cap; i++)
            if (r->id[i]) {
                size_t j = r->id[i] & (ncap - 1);
                while (nid[j])
                    j = (j + 1) & (ncap - 1);
                nid[j] = r->id[i];
                npart[j] = r->part[i];
            }
        free(r->id);
        free(r->part);
        r->id = nid;
        r->part = npart;
        r->cap = ncap;
    }
    size_t j = k & (r->cap - 1);
    while (r->id[j] && r->id[j] != k)
        j = (j + 1) & (r->cap - 1);
    if (!r->id[j])
        r->n++;
    r->id[j] = k;
    r->part[j] = part;
}

int gd_route_find(gd_policy *p, const char *hexid)
{
    uint64_t id;
    if (p->nparts == 1 || !parse_hexid(hexid, strlen(hexid), &id))
        return 0;
    uint64_t k = id | 1;
    int part = 0;
    pthread_mutex_lock(&p->route.mu);
    if (p->route.cap) {
        size_t j = k & (p->route.cap - 1);
        while (p->route.id[j] && p->route.id[j] != k)
            j = (j + 1) & (p->route.cap - 1);
        if (p->route.id[j])
            part = (int)p->route.part[j];
    }
    pthread_mutex_unlock(&p->route.mu);
    return part;
}

void gd_route_note(gd_policy *p, int part, const gov_decision *d)
{
    if (p->nparts == 1 || p->partition == GOV_PART_ANY)
        return;
    size_t n = gov_decision_action_count(d);
    for (size_t i = 0; i < n; i++) {
        /* Only these two open an id: the others are not filled in (filling every action's
         * gov_action was ~5% of a batch record's instructions). */
        int t = gov_decision_action_type(d, i);
        if (t != GOV_ACT_GATE_OPEN && t != GOV_ACT_ESC_START)
            continue;
        gov_action a = {.size = sizeof a};
        if (gov_decision_action(d, i, &a) != GOV_OK)
            continue;
        uint64_t id;
        if (!parse_hexid(a.id, strlen(a.id), &id))
            continue;
        pthread_mutex_lock(&p->route.mu);
        route_put(&p->route, id, (uint32_t)part);
        pthread_mutex_unlock(&p->route.mu);
    }
}

static uint32_t rd32(const unsigned char *b) { return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24; }
static uint64_t rd64(const unsigned char *b) { return (uint64_t)rd32(b) | (uint64_t)rd32(b + 4) << 32; }

/* Map the gates and escalations of a state (spec/state.md) the VM accepted. */
static void route_from_state(gd_policy *p, int part, const unsigned char *st, size_t len)
{
    if (len < 64)
        return;
    uint32_t nsec = rd32(st + 12);
    size_t off = 64;
    for (uint32_t s = 0; s < nsec && off + 24 <= len; s++) {
        uint32_t tag = rd32(st + off), count = rd32(st + off + 4);
        uint64_t plen = rd64(st + off + 8);
        size_t body = off + 24;
        if (plen > len - body)
            return;
        if (tag == 2 || tag == 3) {
            size_t fixed = tag == 2 ? 40 : 56, klen_at = tag == 2 ? 32 : 44, e = body;
            for (uint32_t k = 0; k < count && e + fixed <= body + plen; k++) {
                uint64_t id = rd64(st + e + 8);
                pthread_mutex_lock(&p->route.mu);
                route_put(&p->route, id, (uint32_t)part);
                pthread_mutex_unlock(&p->route.mu);
                e += fixed + rd32(st + e + klen_at);
            }
        }
        off = body + plen;
    }
}

/* ---------------------------------------------------------------- state */

void gd_state_rebind(unsigned char *st, size_t len, const char *id)
{
    if (len < 64)
        return;
    memcpy(st + 16, id, 32);
    uint64_t h = XXH3_64bits(st, 56);
    for (int i = 0; i < 8; i++)
        st[56 + i] = (unsigned char)(h >> (8 * i));
}

#define NO_NOTIFY "00000000000000000000000000000000" /* gov_program_notify_layout without settings */

/* Restore bytes into partition i of p, rebinding them to p's id when they were saved
 * under another policy with the same layout and notify layout (notify NULL or "": a
 * manifest that does not say, by an earlier govd: rebound, and the VM checks it). Saved
 * by a program without notification settings, they are carried (spec/state.md: every
 * group starts idle); with other settings, which govd does not have, they cannot be
 * carried rule by rule, and are refused. */
static int state_restore(gd_policy *p, int i, unsigned char *st, size_t len, const char *layout, const char *notify,
                         char *why, size_t cap)
{
    bool carry = false;
    if (len >= 48 && memcmp(st + 16, gov_program_id(p->prog), 32) != 0) {
        if (!layout || strcmp(layout, p->layout) != 0) {
            snprintf(why, cap, "the state layout changed");
            return -1;
        }
        char nl[33];
        gov_program_notify_layout(p->prog, nl);
        if (notify && notify[0] && strcmp(notify, nl) != 0) {
            if (strcmp(notify, NO_NOTIFY) != 0) {
                snprintf(why, cap, "the notification groups' layout changed while govd was down (%s, now %s)", notify, nl);
                return -1;
            }
            carry = true;
        } else {
            gd_state_rebind(st, len, gov_program_id(p->prog));
        }
    }
    gov_carry c = {.size = sizeof c};
    int rc = carry ? gov_state_carry(p->parts[i].vm, NULL, st, len, &c) : gov_state_load(p->parts[i].vm, st, len);
    if (rc != GOV_OK) {
        /* The VM's message says what is wrong in a state's terms (gov_errstr's would speak
         * of a .govb: "not a .govb file" for a state's bad magic). */
        snprintf(why, cap, "the VM refused partition %d's state: %s", i, gov_vm_errmsg(p->parts[i].vm));
        return -1;
    }
    route_from_state(p, i, st, len);
    return 0;
}

static void state_reset(gd_policy *p, const char *why)
{
    gd_log("policy %s: state reset: %s", p->name, why);
    gd_metrics_state_reset();
    gd_buf err = {0};
    for (int i = 0; i < p->nparts; i++) {
        /* A new VM: its host functions are bound again (they were bound before). */
        gov_vm_init(p->prog, NULL, p->parts[i].arena, p->arena_size, &p->parts[i].vm);
        gd_host_bind(p->parts[i].vm, p->name, &err);
    }
    gd_buf_free(&err);
    /* The ids a restore or carry refused part way mapped are not open in the empty state. */
    pthread_mutex_lock(&p->route.mu);
    free(p->route.id);
    free(p->route.part);
    p->route.id = NULL;
    p->route.part = NULL;
    p->route.cap = p->route.n = 0;
    pthread_mutex_unlock(&p->route.mu);
}

/* Whether old's running state can be carried into p: the same layout and partitioning. */
static bool carries(const gd_policy *old, const gd_policy *p)
{
    return strcmp(old->layout, p->layout) == 0 && old->nparts == p->nparts && old->partition == p->partition;
}

#define LAYOUT_DIFFERS "the new version's state layout differs from the old one's"

/* Carry every partition's state of old into p (both locked by the caller): 0 when it is
 * carried (or there is none), 1 when the layout or partitioning differs, -1 when the
 * carry fails: the old VMs cannot save their state or the new ones refuse it. why says
 * why (not 0). Each state is carried by gov_state_carry with the old program: every
 * section as it is, the notification groups rule by rule; what that drops (held
 * notifications of rules whose settings changed) is said in dropped (not 0), summed over
 * the partitions. Nothing here changes old, so the reload can still be refused; p's VMs
 * may hold part of the state: the caller resets them. */
static int carry(gd_policy *old, gd_policy *p, char *why, size_t whycap, char *dropped, size_t dropcap)
{
    if (p->partition == GOV_PART_ANY && old->partition == GOV_PART_ANY)
        return 0;
    if (!carries(old, p)) {
        snprintf(why, whycap, "%s", LAYOUT_DIFFERS);
        return 1;
    }
    uint64_t held = 0, groups = 0;
    uint32_t rule = UINT32_MAX;
    size_t cap = gov_state_bound(old->prog);
    unsigned char *buf = malloc(cap);
    if (!buf) {
        snprintf(why, whycap, "out of memory saving the old state (%zu bytes)", cap);
        return -1;
    }
    for (int i = 0; i < p->nparts; i++) {
        size_t len;
        int rc = gov_state_save(old->parts[i].vm, buf, cap, &len);
        if (rc != GOV_OK) {
            snprintf(why, whycap, "the old VM could not save partition %d's state: %s", i, gov_errstr(rc));
            free(buf);
            return -1;
        }
        gov_carry c = {.size = sizeof c};
        rc = gov_state_carry(p->parts[i].vm, old->prog, buf, len, &c);
        if (rc != GOV_OK) {
            snprintf(why, whycap, "the VM refused partition %d's state: %s", i, gov_vm_errmsg(p->parts[i].vm));
            free(buf);
            return -1;
        }
        route_from_state(p, i, buf, len);
        held += c.held_dropped;
        groups += c.groups_dropped;
        if (rule == UINT32_MAX)
            rule = c.dropped_rule;
    }
    free(buf);
    if (held) {
        gov_rule_info ri = {.size = sizeof ri};
        snprintf(dropped, dropcap,
                 "policy %s: state carried across the reload, but not the notification groups of rules whose "
                 "notify settings changed: %llu held notification%s of %llu group%s dropped (the first of rule %s; "
                 "their findings are in the decisions that held them)",
                 p->name, (unsigned long long)held, held == 1 ? "" : "s", (unsigned long long)groups,
                 groups == 1 ? "" : "s", gov_rule_describe(old->prog, (int)rule, &ri) == GOV_OK ? ri.name : "?");
    }
    return 0;
}

static char *state_path(const gd_policy *p, const char *file)
{
    char *s = NULL;
    if (asprintf(&s, "%s/%s/%s", gd_cfg.state_dir, p->name, file) < 0)
        return NULL;
    return s;
}

/* The manifest: "govd-state 1\npartitions N\nkey K\nlayout L\nnotify NL\nid I\n", then "state P SUM\n"
 * for each partition P whose file it names by SUM (one an earlier govd wrote has none:
 * *named stays false). sum and has, when given, hold p->nparts entries. */
static int read_manifest(const gd_policy *p, int *nparts, char layout[33], char notify[33], uint64_t *sum, bool *has,
                         bool *named)
{
    char *path = state_path(p, "manifest");
    FILE *f = path ? fopen(path, "r") : NULL;
    free(path);
    if (!f)
        return -1;
    char line[128];
    *nparts = -1;
    layout[0] = 0;
    notify[0] = 0;
    int part;
    unsigned long long v;
    char end;
    if (named)
        *named = false;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "partitions %d", nparts) == 1)
            continue;
        if (sum && sscanf(line, "state %d %16llx%c", &part, &v, &end) == 3 && end == '\n') {
            *named = true;
            if (part >= 0 && part < p->nparts)
                sum[part] = v, has[part] = true;
            continue;
        }
        if (sscanf(line, "notify %32s", notify) == 1)
            continue;
        sscanf(line, "layout %32s", layout);
    }
    fclose(f);
    return *nparts > 0 && layout[0] ? 0 : -1;
}

/* Replace path with bytes: a new temporary file beside it, made by mkstemp (O_EXCL, mode
 * 0600: nothing already there is opened, followed or truncated), written, fsynced and
 * renamed over path. A path that is not a regular file is left alone (a rename would
 * replace a device or a FIFO by a file). */
static int write_atomic(const char *path, const void *bytes, size_t len)
{
    const char *what = gd_not_regular(path);
    if (what) {
        gd_log("cannot write '%s': it is %s, not a regular file; it is left as it is", path, what);
        return -1;
    }
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
        return -1;
    int fd = mkstemp(tmp);
    int rc = -1;
    if (fd >= 0) {
        size_t off = 0;
        while (off < len) {
            ssize_t w = write(fd, (const char *)bytes + off, len - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        if (off == len && fsync(fd) == 0)
            rc = 0;
        close(fd);
        if (rc == 0 && rename(tmp, path) != 0)
            rc = -1;
    }
    if (rc != 0) {
        gd_log("cannot write '%s': %s", path, strerror(errno));
        unlink(tmp);
    } else {
        char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
        if (slash) {
            *slash = 0;
            int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (dfd >= 0) {
                fsync(dfd);
                close(dfd);
            }
        }
        free(dir);
    }
    free(tmp);
    return rc;
}

/* The folder dir moved whole (exists) or an empty one made (not exists) at dir.refused-N,
 * the first N from 1 to 9999 not taken, and the rename made durable as write_atomic's.
 * 0 with *to the new name (the caller frees it), else -1 with *to NULL and *fail why. */
static int move_to_refused(const char *dir, bool exists, char **to, const char **fail)
{
    struct stat st;
    *to = NULL;
    *fail = "no free name up to .refused-9999";
    for (int n = 1; n <= 9999; n++) {
        free(*to);
        if (asprintf(to, "%s.refused-%d", dir, n) < 0) {
            *to = NULL;
            *fail = "out of memory";
            return -1;
        }
        if (lstat(*to, &st) == 0)
            continue;
        if (errno != ENOENT || (exists ? rename(dir, *to) : mkdir(*to, 0700)) != 0) {
            *fail = strerror(errno);
            free(*to);
            *to = NULL;
            return -1;
        }
        int dfd = open(gd_cfg.state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        return 0;
    }
    free(*to);
    *to = NULL;
    return -1;
}

/* The policy's state folder DIR/NAME, which this start does not restore, moved aside
 * whole to DIR/NAME.refused-N (the first N not taken), then the policy reset: its
 * snapshots would otherwise replace every file there, the good partitions' too, and a
 * state a previous run saved would be lost to a damaged file or a policy changed while
 * govd was down. -1 with a message when it cannot be moved: govd then does not start. */
static int set_aside(gd_policy *p, const char *why, gd_buf *err)
{
    char *dir = state_path(p, "");
    if (!dir) {
        gd_buf_printf(err, "policy %s: out of memory\n", p->name);
        return -1;
    }
    dir[strlen(dir) - 1] = 0; /* DIR/NAME without its slash */
    char *to = NULL;
    const char *fail;
    int rc = move_to_refused(dir, true, &to, &fail);
    if (rc != 0) {
        gd_buf_printf(err, "policy %s: its state in '%s' cannot be restored (%s) and cannot be kept aside (%s): "
                           "move it away to start empty\n",
                      p->name, dir, why, fail);
    } else {
        gd_log("policy %s: state in '%s' not restored: %s; kept as '%s'", p->name, dir, why, to);
        state_reset(p, why);
    }
    free(dir);
    free(to);
    return rc;
}

/* At a reload that cannot carry the running state of p's policy into p (its layout or
 * partitioning changed: before the old set is locked; or the carry failed: with it
 * locked, before the reload is decided), why saying so: the policy's state folder
 * DIR/NAME is moved aside whole to DIR/NAME.refused-N as at start (set_aside), or that
 * folder made when nothing was saved yet; install then writes the old VMs' state there,
 * so a later start of the old version can restore exactly where the reload left it.
 * Without this the new version's first snapshot would replace the old state files,
 * and a disk that filled meanwhile could leave a manifest of one layout over files of
 * the other. -1 with a message when it can be neither: the reload is then refused. */
static int aside_prepare(gd_policy *p, const char *why, gd_buf *err)
{
    char *dir = NULL, *to = NULL;
    if (asprintf(&dir, "%s/%s", gd_cfg.state_dir, p->name) < 0) {
        gd_buf_printf(err, "policy %s: out of memory\n", p->name);
        return -1;
    }
    struct stat st;
    bool exists = lstat(dir, &st) == 0;
    const char *fail = strerror(errno);
    int rc = exists || errno == ENOENT ? move_to_refused(dir, exists, &to, &fail) : -1;
    if (rc != 0) {
        gd_buf_printf(err, "policy %s: its state in '%s' cannot be carried (%s) and cannot be "
                           "kept aside (%s): move it away to reload\n",
                      p->name, dir, why, fail);
    } else {
        p->aside = to;
        p->aside_made = !exists;
    }
    free(dir);
    return rc;
}

/* A reload refused after aside_prepare moved p's folder: put it back (or remove the
 * folder it made, still empty), so the running version goes on snapshotting over it. */
static void aside_undo(gd_policy *p)
{
    if (!p->aside)
        return;
    char *dir = NULL;
    if (asprintf(&dir, "%s/%s", gd_cfg.state_dir, p->name) >= 0 && rmdir(p->aside) != 0 && rename(p->aside, dir) != 0)
        gd_log("policy %s: cannot move '%s' back to '%s': %s", p->name, p->aside, dir, strerror(errno));
    free(dir);
    free(p->aside);
    p->aside = NULL;
    p->aside_made = false;
}

static int restore_parts(gd_policy *p, uint64_t *sum, bool *has, bool *named, gd_buf *err);

/* Restore p from the state directory (at start, and at a reload for a policy with no
 * running state to carry). -1 only when the saved partitioning
 * cannot be used (the operator must decide) or an unusable state cannot be kept aside;
 * an unusable state is kept (set_aside), and the policy resets and logs. */
static int restore_from_disk(gd_policy *p, gd_buf *err)
{
    if (!gd_cfg.state_dir || p->partition == GOV_PART_ANY)
        return 0;
    /* What govd reads here and later replaces must be regular files: refuse to start
     * rather than hang on a FIFO or rename over a device. */
    for (int i = -1; i < p->nparts; i++) {
        char name[32];
        snprintf(name, sizeof name, i < 0 ? "manifest" : "%d.state", i);
        char *path = state_path(p, name);
        const char *what = path ? gd_not_regular(path) : NULL;
        if (what) {
            gd_buf_printf(err, "policy %s: '%s' is %s, not a regular file: govd reads and replaces only regular "
                               "files there; move it away\n", p->name, path, what);
            free(path);
            return -1;
        }
        free(path);
    }
    uint64_t *sum = calloc((size_t)p->nparts, sizeof *sum);
    bool *has = calloc((size_t)p->nparts, sizeof *has), named = false;
    if (!sum || !has) {
        free(sum);
        free(has);
        gd_buf_printf(err, "policy %s: out of memory\n", p->name);
        return -1;
    }
    int rc = restore_parts(p, sum, has, &named, err);
    free(sum);
    free(has);
    return rc;
}

/* restore_from_disk's reading, with the manifest's file sums in sum and has. */
static int restore_parts(gd_policy *p, uint64_t *sum, bool *has, bool *named, gd_buf *err)
{
    int nparts;
    char layout[33], notify[33];
    if (read_manifest(p, &nparts, layout, notify, sum, has, named) != 0)
        return 0; /* nothing saved yet */
    if (nparts != p->nparts) {
        if (strcmp(layout, p->layout) == 0) {
            gd_buf_printf(err, "policy %s: its state in %s/%s was saved with %d partitions, and this govd runs %d: "
                               "start with --partitions %d, or remove that directory to start empty\n",
                          p->name, gd_cfg.state_dir, p->name, nparts, p->nparts, nparts);
            return -1;
        }
        return set_aside(p, "the saved state's layout and partitioning differ from this version's", err);
    }
    char why[300] = "";
    gd_buf later = {0}; /* the partitions whose file is not the one the manifest names */
    int nlater = 0;
    for (int i = 0; i < p->nparts; i++) {
        char name[32];
        snprintf(name, sizeof name, "%d.state", i);
        char *path = state_path(p, name);
        size_t len = 0;
        unsigned char *st = path ? gd_read_all(path, &len) : NULL;
        if (!st) {
            snprintf(why, sizeof why, "cannot read %s: %s", path ? path : name, strerror(errno));
            free(path);
            gd_buf_free(&later);
            return set_aside(p, why, err);
        }
        free(path);
        if (*named && (!has[i] || sum[i] != XXH3_64bits(st, len)) &&
            gd_buf_printf(&later, "%s%d", nlater ? ", " : "", i))
            nlater++;
        int rc = state_restore(p, i, st, len, layout, notify, why, sizeof why);
        free(st);
        if (rc != 0) {
            gd_buf_free(&later);
            return set_aside(p, why, err);
        }
    }
    /* Each partition's state is whole (the VM checked it), and a record's keyed state is
     * all in its partition; but a snapshot that could not write every partition (a full
     * disk at stop) leaves some files newer than the manifest, the others at its
     * snapshot: restored as they are, never silently. */
    if (nlater == p->nparts)
        gd_log("policy %s: state restored from %s/%s (%d partitions), not from the snapshot its manifest names: no "
               "partition's file is the one it names (a snapshot that could not write every partition wrote them, "
               "or they were changed since)",
               p->name, gd_cfg.state_dir, p->name, p->nparts);
    else if (nlater)
        gd_log("policy %s: state restored from %s/%s (%d partitions), not all from one snapshot: partition%s %s %s "
               "saved after its manifest (by a snapshot that could not write every partition); the others are as "
               "the manifest's snapshot left them",
               p->name, gd_cfg.state_dir, p->name, p->nparts, nlater == 1 ? "" : "s", later.p, nlater == 1 ? "was" : "were");
    else
        gd_log("policy %s: state restored from %s/%s (%d partitions)", p->name, gd_cfg.state_dir, p->name, p->nparts);
    gd_buf_free(&later);
    return 0;
}

/* Write p's partitions that evaluated since their last snapshot (all with force) to the
 * state directory, DIR/NAME, or to the folder to (a reload's DIR/NAME.refused-N). A
 * retired partition is skipped (its state went to the new set) unless retired_too: a
 * policy a reload removed or could not carry, whose VMs nothing evaluates on any more. */
static int snapshot_policy(gd_policy *p, bool force, bool retired_too, const char *to)
{
    if (!gd_cfg.state_dir || p->partition == GOV_PART_ANY)
        return 0;
    char *dir = NULL;
    if (to ? !(dir = strdup(to)) : asprintf(&dir, "%s/%s", gd_cfg.state_dir, p->name) < 0)
        return -1;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        gd_log("cannot create '%s': %s", dir, strerror(errno));
        free(dir);
        return -1;
    }
    size_t cap = gov_state_bound(p->prog);
    unsigned char *buf = malloc(cap);
    if (!buf) {
        free(dir);
        return -1;
    }
    int rc = 0;
    bool wrote = false;
    for (int i = 0; i < p->nparts; i++) {
        gd_part *pt = &p->parts[i];
        size_t len = 0;
        pthread_mutex_lock(&pt->mu);
        bool need = (!pt->retired || retired_too) && (force || pt->dirty);
        /* A state saved is never ahead of the decision log: a batch thread's lines for
         * this VM still pending are written first. */
        if (need)
            gd_dlog_flush(gd_log_sink, pt);
        int src = need ? gov_state_save(pt->vm, buf, cap, &len) : GOV_OK;
        pt->dirty = 0;
        pthread_mutex_unlock(&pt->mu);
        if (!need)
            continue;
        char *path = NULL;
        if (asprintf(&path, "%s/%d.state", dir, i) < 0)
            path = NULL;
        if (src != GOV_OK || !path || write_atomic(path, buf, len) != 0) {
            /* Made again at the next interval (a full disk may have room by then), not
             * only after the partition's next request. */
            pthread_mutex_lock(&pt->mu);
            pt->dirty++;
            pthread_mutex_unlock(&pt->mu);
            rc = -1;
        } else {
            /* What the manifest names it by (snapshots run one at a time: reload_mu). */
            pt->sum = XXH3_64bits(buf, len);
            pt->saved = true;
        }
        free(path);
        wrote = true;
    }
    free(buf);
    /* The manifest only once every partition's file this snapshot wrote is on disk: it
     * names the layout a start rebinds the files by, and written while a file failed (a
     * disk with a page left: the small manifest fits, a state does not) it could name a
     * layout those files do not have. The failed partitions stay dirty, so the next
     * interval writes them and then the manifest. */
    if (wrote && rc != 0) {
        gd_metrics_snapshot(false);
    } else if (wrote) {
        /* Each partition's file named by its XXH3-64, so a start can tell a file a later
         * snapshot wrote (one that could not write every partition, and so no manifest)
         * from the one this manifest's snapshot left. */
        gd_buf man = {0};
        char nl[33];
        gov_program_notify_layout(p->prog, nl);
        bool ok = gd_buf_printf(&man, "govd-state 1\npartitions %d\nkey %s\nlayout %s\nnotify %s\nid %s\n", p->nparts,
                                gov_partition_name(p->partition), p->layout, nl, gov_program_id(p->prog));
        for (int i = 0; ok && i < p->nparts; i++)
            if (p->parts[i].saved)
                ok = gd_buf_printf(&man, "state %d %016llx\n", i, (unsigned long long)p->parts[i].sum);
        char *path = NULL;
        if (!ok || asprintf(&path, "%s/manifest", dir) < 0)
            path = NULL;
        if (!path || write_atomic(path, man.p, man.len) != 0) {
            /* Without its manifest a saved state is not restored: written again at the
             * next interval, with a partition's state. */
            pthread_mutex_lock(&p->parts[0].mu);
            p->parts[0].dirty++;
            pthread_mutex_unlock(&p->parts[0].mu);
            rc = -1;
        }
        free(path);
        gd_buf_free(&man);
        gd_metrics_snapshot(rc == 0);
    }
    free(dir);
    return rc;
}

/* The state of an old policy a reload could not write whole (a full disk): one the
 * reload removed (or whose new version keeps no state), to DIR/NAME, or one it could not
 * carry, to the folder to kept aside (made: made for it, and removed again while the
 * write fails). Its old set is held, so its VMs stay, and the partitions that failed
 * stay dirty; every snapshot writes them again until the state is all on disk. Under
 * reload_mu, as every snapshot is. */
typedef struct gd_pending {
    gd_set *set;
    gd_policy *pol;
    char *to;
    bool made;
    struct gd_pending *next;
} gd_pending;
static gd_pending *pending;

static const char *aside_remove(const gd_policy *old, const char *aside);

static void pending_add(gd_set *old, gd_policy *o, const char *to, bool made)
{
    gd_pending *e = malloc(sizeof *e);
    if (!e || (to && !(e->to = strdup(to)))) {
        free(e);
        return; /* lost, as the log says the state was not written */
    }
    atomic_fetch_add(&old->refs, 1);
    e->set = old;
    e->pol = o;
    if (!to)
        e->to = NULL;
    e->made = made;
    e->next = pending;
    pending = e;
}

/* Write one pending state again: 0 once it is all on disk. A folder made aside is made
 * again (the first free DIR/NAME.refused-N: its old name may be another's by now) and
 * written whole, or removed again. */
static int pending_try(gd_pending *e)
{
    if (!e->made)
        return snapshot_policy(e->pol, false, true, e->to);
    char *dir = NULL, *to = NULL;
    const char *fail;
    if (asprintf(&dir, "%s/%s", gd_cfg.state_dir, e->pol->name) < 0)
        return -1;
    int rc = move_to_refused(dir, false, &to, &fail);
    free(dir);
    if (rc != 0)
        return -1;
    free(e->to);
    e->to = to;
    if (snapshot_policy(e->pol, true, true, to) == 0)
        return 0;
    aside_remove(e->pol, to);
    return -1;
}

/* Write the pending states again (only the ones to DIR/NAME of policy name, unless
 * NULL): 0 when none of them is left, else -1. */
static int pending_write(const char *name)
{
    int rc = 0;
    for (gd_pending **pp = &pending; *pp;) {
        gd_pending *e = *pp;
        if (name && (e->to || strcmp(e->pol->name, name) != 0)) {
            pp = &e->next;
        } else if (pending_try(e) == 0) {
            if (e->to)
                gd_log("policy %s: the state a reload did not carry is now written whole to '%s'", e->pol->name,
                       e->to);
            else
                gd_log("policy %s: the state it had when a reload removed it is now written whole to '%s/%s'",
                       e->pol->name, gd_cfg.state_dir, e->pol->name);
            *pp = e->next;
            gd_set_release(e->set);
            free(e->to);
            free(e);
        } else {
            rc = -1;
            pp = &e->next;
        }
    }
    return rc;
}

int gd_snapshot_all(void)
{
    /* Not during a reload: the old set's states must not land after the new set's. */
    pthread_mutex_lock(&reload_mu);
    int rc = pending_write(NULL);
    gd_set *s = gd_set_acquire();
    for (int i = 0; s && i < s->n; i++)
        if (snapshot_policy(&s->pol[i], false, false, NULL) != 0)
            rc = -1;
    gd_set_release(s);
    pthread_mutex_unlock(&reload_mu);
    return rc;
}

/* ---------------------------------------------------------------- install and reload */

/* The folder aside_prepare made (nothing was saved yet) when the old state could not be
 * written there: what the write left (partition files without their manifest, never
 * restored) is removed with it, so no folder looks like a kept state. "" once removed. */
static const char *aside_remove(const gd_policy *old, const char *aside)
{
    for (int i = -1; i < old->nparts; i++) {
        char *path = NULL;
        if ((i < 0 ? asprintf(&path, "%s/manifest", aside) : asprintf(&path, "%s/%d.state", aside, i)) < 0)
            path = NULL;
        if (path)
            unlink(path);
        free(path);
    }
    if (rmdir(aside) != 0)
        return " (but it could not be removed)";
    int dfd = open(gd_cfg.state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return "";
}

/* Each VM of s becomes a stream of the decision log, its start state (restored or
 * carried over) in the attach line: where a replay starts. */
static void attach_all(gd_set *s)
{
    for (int i = 0; i < s->n; i++)
        for (int k = 0; k < s->pol[i].nparts; k++)
            s->pol[i].parts[k].stream = gd_dlog_attach(gd_log_sink, s->pol[i].parts[k].vm);
}

/* End the streams of s (its partitions locked by the caller, or no longer in use). */
static void detach_all(gd_set *s)
{
    for (int i = 0; i < s->n; i++)
        for (int k = 0; k < s->pol[i].nparts; k++) {
            gd_part *pt = &s->pol[i].parts[k];
            gd_dlog_detach(gd_log_sink, pt);
        }
}

/* Install s. notes (may be NULL): on success, what a reload that carried state dropped
 * (held notifications of rules whose notify settings changed), one line per policy, as
 * also logged. */
static int install(gd_set *s, gd_buf *err, gd_buf *notes)
{
    gd_buf dropped_all = {0};
    pthread_mutex_lock(&set_mu);
    gd_set *old = current;
    pthread_mutex_unlock(&set_mu);
    if (!old) {
        for (int i = 0; i < s->n; i++)
            if (restore_from_disk(&s->pol[i], err) != 0)
                return -1;
    } else {
        /* A policy this reload adds, or whose running version keeps no state (partition
         * any), has nothing to carry: it takes what the state directory holds for it,
         * exactly as at start (a snapshot would otherwise replace a state an earlier run
         * saved). Before the old set is locked: this reads files and may rename a folder
         * aside, and requests go on meanwhile; under reload_mu, so no snapshot runs. A
         * state that can neither be restored nor kept aside refuses the reload. */
        for (int i = 0; i < s->n; i++) {
            gd_policy *o = gd_set_find(old, s->pol[i].name, strlen(s->pol[i].name));
            if (o && o->partition != GOV_PART_ANY)
                continue;
            /* The state an earlier reload removed it with, if it is not all on disk yet,
             * first: restored otherwise, DIR/NAME would be the new VMs' and the old
             * ones' at once. */
            if (pending_write(s->pol[i].name) != 0) {
                gd_buf_printf(err, "policy %s: the state it had when a reload removed it is not all written to "
                                   "'%s/%s' yet (the log says why): reload again once it is\n",
                              s->pol[i].name, gd_cfg.state_dir, s->pol[i].name);
                return -1;
            }
            if (restore_from_disk(&s->pol[i], err) != 0)
                return -1;
        }
        /* A running state this reload cannot carry (the layout changed) is kept aside as
         * at start, never dropped: its folder moved first, refusing the reload when it
         * cannot be; the state itself written there once the old set is retired. */
        for (int i = 0; gd_cfg.state_dir && i < s->n; i++) {
            gd_policy *o = gd_set_find(old, s->pol[i].name, strlen(s->pol[i].name));
            if (o && o->partition != GOV_PART_ANY && s->pol[i].partition != GOV_PART_ANY && !carries(o, &s->pol[i]) &&
                aside_prepare(&s->pol[i], LAYOUT_DIFFERS, err) != 0) {
                for (int k = 0; k < i; k++)
                    aside_undo(&s->pol[k]);
                return -1;
            }
        }
        /* Lock every old partition: from here no request evaluates on the old set. */
        for (int i = 0; i < old->n; i++)
            for (int k = 0; k < old->pol[i].nparts; k++)
                pthread_mutex_lock(&old->pol[i].parts[k].mu);
        /* Carry each running state. One the new VMs refuse although the layout is the same
         * (or that the old VMs cannot save) is kept aside as a changed layout's is, its
         * folder moved now; without --state-dir, or when the folder can be neither moved
         * nor made, the reload is refused: the old set is not retired yet, and nothing
         * here changed it, so the running policies go on with their state. */
        bool refuse = false;
        for (int i = 0; i < s->n; i++) {
            gd_policy *p = &s->pol[i], *o = gd_set_find(old, p->name, strlen(p->name));
            if (!o || o->partition == GOV_PART_ANY)
                continue;
            char why[300] = "", dropped[600] = "";
            int c = carry(o, p, why, sizeof why, dropped, sizeof dropped);
            if (c == 0) {
                if (dropped[0])
                    gd_buf_printf(&dropped_all, "%s\n", dropped);
                continue;
            }
            snprintf(p->reset_why, sizeof p->reset_why, "%s", why);
            if (c > 0)
                continue;
            if (!gd_cfg.state_dir) {
                gd_buf_printf(err, "policy %s: its running state cannot be carried into the new version (%s) and "
                                   "there is no --state-dir to keep it in: the running policies keep their state "
                                   "(restart govd to start this version empty)\n",
                              p->name, why);
                refuse = true;
            } else if (!p->aside && aside_prepare(p, why, err) != 0) {
                refuse = true;
            }
        }
        if (refuse) {
            for (int i = 0; i < old->n; i++)
                for (int k = 0; k < old->pol[i].nparts; k++)
                    pthread_mutex_unlock(&old->pol[i].parts[k].mu);
            for (int i = 0; i < s->n; i++)
                aside_undo(&s->pol[i]);
            gd_buf_free(&dropped_all);
            return -1;
        }
        for (int i = 0; i < s->n; i++) {
            gd_policy *p = &s->pol[i], *o = gd_set_find(old, p->name, strlen(p->name));
            if (p->reset_why[0])
                state_reset(p, p->reset_why);
            else if (o && o->partition != GOV_PART_ANY && strcmp(gov_program_id(o->prog), gov_program_id(p->prog)) != 0)
                gd_log("policy %s: state kept across the reload (%s -> %s, same layout)", p->name,
                       gov_program_id(o->prog), gov_program_id(p->prog));
        }
        /* Held notifications a carry dropped: said in the log and the reload's answer. */
        for (char *l = dropped_all.p, *e; l && *l; l = e + 1) {
            e = strchr(l, '\n');
            gd_log("%.*s", (int)(e - l), l);
        }
        if (notes && dropped_all.len)
            gd_buf_printf(notes, "%s", dropped_all.p);
        gd_buf_free(&dropped_all);
        for (int i = 0; i < old->n; i++)
            for (int k = 0; k < old->pol[i].nparts; k++)
                old->pol[i].parts[k].retired = true;
        detach_all(old);
    }
    attach_all(s);
    pthread_mutex_lock(&set_mu);
    current = s;
    s->generation = ++generation;
    pthread_mutex_unlock(&set_mu);
    if (old) {
        for (int i = 0; i < old->n; i++)
            for (int k = 0; k < old->pol[i].nparts; k++)
                pthread_mutex_unlock(&old->pol[i].parts[k].mu);
        /* A policy this reload removes (or whose new version keeps no state) is saved as
         * at stop: a later reload or start that serves it again restores where it ended,
         * not a snapshot up to an interval old. Its VMs are retired, so nothing evaluates
         * on them; under reload_mu, so no periodic snapshot runs meanwhile. */
        for (int i = 0; gd_cfg.state_dir && i < old->n; i++) {
            gd_policy *o = &old->pol[i], *n = gd_set_find(s, o->name, strlen(o->name));
            if (o->partition != GOV_PART_ANY && (!n || n->partition == GOV_PART_ANY)) {
                if (snapshot_policy(o, false, true, NULL) != 0) {
                    gd_log("policy %s: %s; its state at the reload could not be written whole to '%s/%s' (said "
                           "above): kept, and written again at every snapshot until it is",
                           o->name, n ? "its new version keeps no state" : "removed", gd_cfg.state_dir, o->name);
                    pending_add(old, o, NULL, false);
                }
            } else if (n && n->aside) {
                if (snapshot_policy(o, true, true, n->aside) == 0) {
                    gd_log("policy %s: state in '%s/%s' not carried: %s; kept as '%s'", o->name, gd_cfg.state_dir,
                           o->name, n->reset_why, n->aside);
                    continue;
                }
                if (!n->aside_made)
                    gd_log("policy %s: state in '%s/%s' not carried: %s; kept as '%s' as its last snapshot left it "
                           "(the state at the reload could not be written there; kept, and written again at every "
                           "snapshot until it is)",
                           o->name, gd_cfg.state_dir, o->name, n->reset_why, n->aside);
                else
                    gd_log("policy %s: state in '%s/%s' not carried: %s; it could not be kept: writing it to '%s' "
                           "failed, and that folder was removed (nothing was saved before)%s; kept, and written "
                           "again at every snapshot until it is",
                           o->name, gd_cfg.state_dir, o->name, n->reset_why, n->aside, aside_remove(o, n->aside));
                pending_add(old, o, n->aside, n->aside_made);
            }
        }
        gd_set_release(old);
    }
    for (int i = 0; i < s->n; i++) {
        gd_policy *p = &s->pol[i];
        gd_log("policy %s: id %s, %d VM%s of %zu bytes, partition %s%s%s%s", p->name, gov_program_id(p->prog),
               p->nparts, p->nparts == 1 ? "" : "s", p->arena_size, gov_partition_name(p->partition),
               p->why[0] ? " (" : "", p->why, p->why[0] ? ")" : "");
    }
    return 0;
}

int gd_set_start(gd_buf *err);
int gd_set_start(gd_buf *err)
{
    gd_set *s = gd_set_load(err);
    if (!s)
        return -1;
    if (install(s, err, NULL) != 0) {
        set_free(s);
        return -1;
    }
    return 0;
}

void gd_set_install(gd_set *s)
{
    gd_buf err = {0};
    if (install(s, &err, NULL) != 0) {
        gd_log("policy set not installed; the running policies stay:\n%s", err.p ? err.p : "");
        set_free(s);
    }
    gd_buf_free(&err);
}

int gd_reload(gd_buf *err)
{
    pthread_mutex_lock(&reload_mu);
    gd_set *s = gd_set_load(err);
    int rc = -1;
    if (s) {
        rc = install(s, err, err); /* on success err holds the notes, if any */
        if (rc != 0)
            set_free(s);
    }
    pthread_mutex_unlock(&reload_mu);
    gd_metrics_reload(rc == 0);
    if (rc == 0)
        gd_log("reloaded %d polic%s (generation %llu)", s->n, s->n == 1 ? "y" : "ies",
               (unsigned long long)gd_generation());
    else
        gd_log("reload refused; the running policies stay:\n%s", err->p ? err->p : "");
    return rc;
}

void gd_set_shutdown(void);
void gd_set_shutdown(void)
{
    /* What is still pending was lost with the stop's snapshot, which said so. */
    pthread_mutex_lock(&reload_mu);
    while (pending) {
        gd_pending *e = pending;
        pending = e->next;
        gd_set_release(e->set);
        free(e->to);
        free(e);
    }
    pthread_mutex_unlock(&reload_mu);
    pthread_mutex_lock(&set_mu);
    gd_set *s = current;
    current = NULL;
    pthread_mutex_unlock(&set_mu);
    if (s) {
        for (int i = 0; i < s->n; i++)
            for (int k = 0; k < s->pol[i].nparts; k++)
                pthread_mutex_lock(&s->pol[i].parts[k].mu);
        detach_all(s);
        for (int i = 0; i < s->n; i++)
            for (int k = 0; k < s->pol[i].nparts; k++)
                pthread_mutex_unlock(&s->pol[i].parts[k].mu);
    }
    gd_set_release(s);
}
