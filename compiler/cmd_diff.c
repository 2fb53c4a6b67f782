/* cmd_diff.c: `govc diff OLD NEW`: what a change to policies means, not how its text moved.
 *
 * Both sides are checked separately, policies are matched by name, and declarations by
 * name within them. Each change is classified conservatively by its effect on
 * governance (spec/language.md §9): tightened only when that is proved (a limit moves
 * the strict way, a condition that implies the new one, a step, channel, verdict or
 * severity added or raised: diff_prove.c decides implications); loosened when the
 * opposite is proved; unproven when neither is (a condition neither implies nor is
 * implied by the old one, a new channel target, a redefined window). `--fail-on loosen`
 * exits 1 on anything loosened or unproven, so a pull request that may relax governance
 * needs an explicit approval. A new version label is neutral.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/diff_prove.h"
#include "compiler/govc.h"
#include "compiler/stdlib.h"
#include "lang/eval.h"
#include "lang/sets.h"

typedef enum Effect { FX_TIGHTEN, FX_LOOSEN, FX_UNPROVEN, FX_NEUTRAL, FX__COUNT } Effect;
static const char *const effect_names[] = {"tightened", "loosened", "unproven", "neutral"};

typedef struct Change {
    const char *policy;
    const char *what;      /* "limit", "rule", ... */
    const char *name;
    const char *detail;    /* "default", "severity", "override in project \"x\"", ... */
    const char *old, *new_;
    Effect fx;
    const char *why;       /* how the effect was decided, or NULL */
} Change;

typedef struct Diff {
    GovArena *a;
    Change *items;
    uint32_t n, cap;
    const char *policy;
    GovSources *osrc, *nsrc;
} Diff;

static const char *dup_str(Diff *D, GovStr s) { return govD_fmt(D->a, "%.*s", (int)s.len, s.s ? s.s : ""); }

static void add_why(Diff *D, const char *what, GovStr name, const char *detail, const char *old, const char *new_,
                    Effect fx, const char *why)
{
    Change c = {D->policy, what, dup_str(D, name), detail, old, new_, fx, why};
    GOV_PUSH(D->a, D->items, D->n, D->cap, c);
}

static void add(Diff *D, const char *what, GovStr name, const char *detail, const char *old, const char *new_, Effect fx)
{
    add_why(D, what, name, detail, old, new_, fx, NULL);
}

/* ------------------------------------------------------------------ values and text */

static const char *val_text(Diff *D, const GovExpr *e)
{
    GovValue v;
    char buf[128];
    if (!e || !govE_eval(e, &v))
        return "?";
    govE_format(&v, buf, sizeof buf);
    return govD_fmt(D->a, "%s", buf);
}

/* The source text of a span, whitespace runs folded to one space. */
static const char *span_text(Diff *D, GovSources *src, GovSpan sp)
{
    const GovSource *f = &src->files[sp.file];
    uint32_t n = sp.hi - sp.lo;
    char *out = govA_alloc(D->a, (size_t)n + 1);
    uint32_t o = 0;
    bool space = false;
    for (uint32_t i = sp.lo; i < sp.hi && i < f->len; i++) {
        char c = f->text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
            continue;
        }
        if (space && o) out[o++] = ' ';
        space = false;
        out[o++] = c;
    }
    out[o] = 0;
    return out;
}

static const char *src_text(Diff *D, GovSources *src, const GovExpr *e)
{
    return e ? span_text(D, src, e->span) : "(none)";
}

static bool str_eq(GovStr a, GovStr b) { return a.len == b.len && (a.len == 0 || memcmp(a.s, b.s, a.len) == 0); }

static bool expr_eq(const GovExpr *a, const GovExpr *b) { return govc_expr_eq(a, b); }

/* Constant comparison in a limit's direction: TIGHTEN when b is stricter than a. */
static int cmp_const(const GovExpr *a, const GovExpr *b)
{
    GovValue va, vb;
    if (!govE_eval(a, &va) || !govE_eval(b, &vb))
        return 0;
    return govE_compare(&va, &vb);
}

static const char *names_text(Diff *D, const GovNameList *l)
{
    char buf[512];
    size_t n = 0;
    buf[0] = 0;
    for (uint32_t i = 0; i < l->n && n < sizeof buf; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%.*s", i ? ", " : "", (int)l->items[i].name.len,
                              l->items[i].name.s);
    return l->n ? govD_fmt(D->a, "%s", buf) : "(none)";
}

static bool names_eq(const GovNameList *a, const GovNameList *b)
{
    if (a->n != b->n) return false;
    for (uint32_t i = 0; i < a->n; i++)
        if (!str_eq(a->items[i].name, b->items[i].name)) return false;
    return true;
}

/* Channels present in a but not in b. */
static bool names_subset(const GovNameList *a, const GovNameList *b)
{
    for (uint32_t i = 0; i < a->n; i++) {
        bool found = false;
        for (uint32_t j = 0; j < b->n; j++)
            if (str_eq(a->items[i].name, b->items[j].name)) found = true;
        if (!found) return false;
    }
    return true;
}

/* ------------------------------------------------------------------ sets */

/* The members of a that b does not admit (all the strings they admit, globs included),
 * quoted and joined; NULL when there are none. *undecided when the prover gave up on
 * one (it is listed, as it may be new). */
static const char *set_minus(Diff *D, const GovSetVal *a, const GovSetVal *b, bool *undecided)
{
    char buf[400];
    size_t n = 0;
    uint32_t count = 0;
    buf[0] = 0;
    for (uint32_t m = 0; m < a->n; m++) {
        GovSetWitness w;
        int r = govC_member_subset(a, m, b, &w);
        if (r == 1) continue;
        if (r < 0) *undecided = true;
        char q[140];
        govC_set_quote(a->text[m].s, a->text[m].len, q, sizeof q);
        if (count++ < 6 && n + strlen(q) + 4 < sizeof buf)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? ", " : "", q);
    }
    if (!count) return NULL;
    if (count > 6) return govD_fmt(D->a, "%s and %u more", buf, count - 6);
    return govD_fmt(D->a, "%s", buf);
}

/* A set as written: ["search", "kb_*"] (the first 8 members). */
static const char *set_text(Diff *D, const GovSetVal *sv)
{
    char buf[600];
    size_t n = 1;
    buf[0] = '[';
    buf[1] = 0;
    for (uint32_t m = 0; m < sv->n; m++) {
        char q[140];
        govC_set_quote(sv->text[m].s, sv->text[m].len, q, sizeof q);
        if (m == 8 || n + strlen(q) + 24 > sizeof buf) {
            n += (size_t)snprintf(buf + n, sizeof buf - n, ", ... %u more", sv->n - m);
            break;
        }
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", m ? ", " : "", q);
    }
    snprintf(buf + n, sizeof buf - n, "]");
    return govD_fmt(D->a, "%s", buf);
}

/* An allowlist or denylist's value changed (spec/language.md 5.1): members added to an
 * allow set or removed from a deny set loosen it, whatever else changed; the reverse
 * alone tightens. Compared as the strings the sets admit, so rewriting ["kb_a", "kb_b"]
 * as ["kb_[ab]"] is no change. An inclusion the prover cannot decide counts as loosening. */
static void diff_set(Diff *D, GovStr name, const char *detail, const GovSetVal *o, const GovSetVal *n, int kind)
{
    bool allow = kind == GOV_SET_ALLOW; /* a channel set, as a denylist, may only gain members */
    if (!o || !n) return;
    bool und = false;
    const char *added = set_minus(D, n, o, &und), *removed = set_minus(D, o, n, &und);
    if (!added && !removed) return;
    const char *what;
    if (added && removed) what = govD_fmt(D->a, "%s: adds %s; removes %s", detail, added, removed);
    else if (added) what = govD_fmt(D->a, "%s: adds %s", detail, added);
    else what = govD_fmt(D->a, "%s: removes %s", detail, removed);
    if (und) what = govD_fmt(D->a, "%s (inclusion not proved: counted as loosening)", what);
    bool loosens = und || (allow ? added != NULL : removed != NULL);
    add(D, allow ? "allowlist" : kind == GOV_SET_CHAN ? "channel set" : "denylist", name, what, set_text(D, o), set_text(D, n),
        loosens ? FX_LOOSEN : FX_TIGHTEN);
}

/* ------------------------------------------------------------------ per kind */

static void diff_limit(Diff *D, const GovDecl *o, const GovDecl *n)
{
    if (o->u.limit.set || n->u.limit.set) {
        if (o->u.limit.set != n->u.limit.set) {
            static const char *const kinds[] = {"max or min", "allowlist", "denylist", "channel set"};
            add(D, "limit", n->name, "kind", kinds[o->u.limit.set], kinds[n->u.limit.set], FX_LOOSEN);
            return;
        }
        diff_set(D, n->name, "default", o->u.limit.sv, n->u.limit.sv, n->u.limit.set);
        return;
    }
    if (o->u.limit.is_max != n->u.limit.is_max) {
        add_why(D, "limit", n->name, "direction", o->u.limit.is_max ? "max" : "min", n->u.limit.is_max ? "max" : "min",
                FX_LOOSEN, "every value that was tighter is now looser");
        return;
    }
    if (o->u.limit.type != n->u.limit.type) {
        add(D, "limit", n->name, "type", gov_type_name(o->u.limit.type), gov_type_name(n->u.limit.type), FX_UNPROVEN);
        return;
    }
    int c = cmp_const(o->u.limit.value, n->u.limit.value);
    if (c != 0) {
        bool tighter = n->u.limit.is_max ? c > 0 : c < 0;
        add(D, "limit", n->name, "default", val_text(D, o->u.limit.value), val_text(D, n->u.limit.value),
            tighter ? FX_TIGHTEN : FX_LOOSEN);
    }
}

static Effect sev_verdict_fx(int o, int n) { return n > o ? FX_TIGHTEN : FX_LOOSEN; }

/* A rule's or drift's severity and verdict (spec/language.md §4.1.1, §9). Each side is a
 * range of values some record can get: a constant [c, c]; a severity limit [its default,
 * critical] (scopes, and limits files, may only raise it), and a verdict that follows it
 * [the default's verdict, block]. The new side's least at or above the old side's most
 * is tightened; its least below the old's least (records its default applies to get
 * less), loosened; anything else unproven. The same limit on both sides is no change
 * here: its own changes are listed as a limit's. */
static void diff_sev_verdict(Diff *D, const char *what, GovStr name, int osev, const GovNameRef *ol, int overd,
                             bool of, int nsev, const GovNameRef *nl, int nverd, bool nf)
{
    const GovDecl *olim = ol ? ol->ref : NULL, *nlim = nl ? nl->ref : NULL;
    if (!olim && !nlim) {
        if (osev != nsev)
            add(D, what, name, "severity", gov_severity_name(osev), gov_severity_name(nsev), sev_verdict_fx(osev, nsev));
        if (overd != nverd)
            add(D, what, name, "verdict", gov_verdict_name(overd), gov_verdict_name(nverd), sev_verdict_fx(overd, nverd));
        return;
    }
    bool same = olim && nlim && str_eq(olim->name, nlim->name);
    const char *ot = olim ? dup_str(D, olim->name) : gov_severity_name(osev);
    const char *nt = nlim ? dup_str(D, nlim->name) : gov_severity_name(nsev);
    if (!same) {
        int ohi = olim ? GOV_SEV_CRITICAL : osev;
        Effect fx = nsev >= ohi ? FX_TIGHTEN : nsev < osev ? FX_LOOSEN : FX_UNPROVEN;
        add_why(D, what, name, "severity", ot, nt, fx,
                fx == FX_TIGHTEN ? (nlim ? "the limit's default is no lower, and scopes may only raise it"
                                         : "at least as high as any value the old limit can take")
                : fx == FX_LOOSEN ? (nlim ? "the limit's default is lower" : "lower than the old limit's default")
                : olim && !nlim ? "scopes may have raised the old limit above it" : "another limit");
    }
    bool ovf = of && olim, nvf = nf && nlim; /* a verdict that follows a severity limit */
    if ((same && ovf == nvf && overd == nverd) || (!ovf && !nvf && overd == nverd))
        return;
    int ohi = ovf ? GOV_V_BLOCK : overd;
    Effect fx = nverd >= ohi ? FX_TIGHTEN : nverd < overd ? FX_LOOSEN : FX_UNPROVEN;
    add_why(D, what, name, "verdict", ovf ? govD_fmt(D->a, "%s's (%s)", ot, gov_verdict_name(overd)) : gov_verdict_name(overd),
            nvf ? govD_fmt(D->a, "%s's (%s)", nt, gov_verdict_name(nverd)) : gov_verdict_name(nverd), fx,
            nvf || ovf ? "a verdict that follows a severity limit is its default's or, in scopes, a higher one" : NULL);
}

/* Is channel c told on every record by `notify` list l with channel set cl (its
 * default's members; scopes may only add to it)? */
static bool always_told(GovStr c, const GovNameList *l, const GovNameRef *cl)
{
    for (uint32_t j = 0; j < l->n; j++)
        if (&l->items[j] != cl && str_eq(c, l->items[j].name)) return true;
    const GovSetVal *dv = cl && cl->ref ? cl->ref->u.limit.sv : NULL;
    for (uint32_t j = 0; dv && j < dv->n; j++)
        if (str_eq(c, dv->text[j])) return true;
    return false;
}

/* `notify` with a channel set on either side (spec/language.md §4.1.2, §9). A side tells
 * its channels and its set's default on every record, and in scopes possibly more. A
 * channel the old side told on every record that the new one does not: loosened (the
 * records no scope matches lose it). Otherwise tightened when the old side had no set
 * (it told nothing more anywhere) or the same set (its own changes are a limit's);
 * unproven when the old side's set, in some scope, may have told more. */
static void diff_notify_set(Diff *D, GovStr name, const char *what, const GovNameList *o, const GovNameRef *ol,
                            const GovNameList *n, const GovNameRef *nl)
{
    bool keeps = true;
    for (uint32_t i = 0; i < o->n && keeps; i++)
        if (&o->items[i] != ol) keeps = always_told(o->items[i].name, n, nl);
    const GovSetVal *od = ol && ol->ref ? ol->ref->u.limit.sv : NULL;
    for (uint32_t i = 0; od && i < od->n && keeps; i++) keeps = always_told(od->text[i], n, nl);
    bool same = ol && nl && str_eq(ol->name, nl->name);
    Effect fx = !keeps ? FX_LOOSEN : !ol || same ? FX_TIGHTEN : FX_UNPROVEN;
    add_why(D, what, name, "notify", names_text(D, o), names_text(D, n), fx,
            fx == FX_LOOSEN     ? "a channel told on every record before is not told where no scope adds it"
            : fx == FX_TIGHTEN ? "every channel told before is still told"
                               : "the old channel set may have told more channels in some scopes");
}

static void diff_notify(Diff *D, GovStr name, const char *what, const GovNameList *o, const GovNameList *n,
                        const GovNameRef *ol, const GovNameRef *nl)
{
    if (names_eq(o, n))
        return;
    if (ol || nl) {
        diff_notify_set(D, name, what, o, ol, n, nl);
        return;
    }
    bool more = names_subset(o, n), fewer = names_subset(n, o);
    if (more && fewer)
        return; /* the same channels in another order: the same notifications */
    /* Dropping a channel means someone is no longer told: loosened. */
    add_why(D, what, name, "notify", names_text(D, o), names_text(D, n), more ? FX_TIGHTEN : FX_LOOSEN,
            more ? "every channel told before is still told" : "a channel told before is no longer told");
}

/* A condition that fires a rule, gate or drift (wider_is_tighter: firing on more records
 * is stricter) or that clears one (a wider clear condition lets it go sooner). */
static void diff_cond(Diff *D, const char *what, GovStr name, const char *detail, const GovExpr *o, const GovExpr *n,
                      bool wider_is_tighter)
{
    if (expr_eq(o, n))
        return;
    const char *ot = src_text(D, D->osrc, o), *nt = src_text(D, D->nsrc, n);
    if (!o || !n) {
        add_why(D, what, name, detail, ot, nt, FX_UNPROVEN, o ? "removed" : "added");
        return;
    }
    bool wider = govc_implies(o, n), narrower = govc_implies(n, o);
    if (wider && narrower)
        add_why(D, what, name, detail, ot, nt, FX_NEUTRAL, "proved equivalent: the same records");
    else if (wider)
        add_why(D, what, name, detail, ot, nt, wider_is_tighter ? FX_TIGHTEN : FX_LOOSEN,
                "proved wider: it holds on every record the old one held on");
    else if (narrower)
        add_why(D, what, name, detail, ot, nt, wider_is_tighter ? FX_LOOSEN : FX_TIGHTEN,
                "proved narrower: it holds only where the old one held");
    else
        add_why(D, what, name, detail, ot, nt, FX_UNPROVEN, "neither condition implies the other");
}

/* A duration clause (`for`, `clear after`, absent as 0): longer_is_tighter says which way. */
static void diff_duration(Diff *D, const char *what, GovStr name, const char *detail, const GovExpr *o,
                          const GovExpr *n, bool longer_is_tighter)
{
    GovValue ov = {.u.i = 0}, nv = {.u.i = 0};
    bool okd = (!o || govE_eval(o, &ov)) && (!n || govE_eval(n, &nv));
    if (!okd) {
        if (!expr_eq(o, n))
            add(D, what, name, detail, o ? val_text(D, o) : "(none)", n ? val_text(D, n) : "(none)", FX_UNPROVEN);
        return;
    }
    if (ov.u.i == nv.u.i)
        return;
    bool longer = nv.u.i > ov.u.i;
    add(D, what, name, detail, o ? val_text(D, o) : "(none)", n ? val_text(D, n) : "(none)",
        longer == longer_is_tighter ? FX_TIGHTEN : FX_LOOSEN);
}

static void diff_escalate(Diff *D, GovStr name, const char *what, GovNameRef o, GovNameRef n)
{
    if (str_eq(o.name, n.name))
        return;
    add_why(D, what, name, "escalate", o.name.s ? dup_str(D, o.name) : "(none)", n.name.s ? dup_str(D, n.name) : "(none)",
            !o.name.s ? FX_TIGHTEN : !n.name.s ? FX_LOOSEN : FX_UNPROVEN,
            !o.name.s ? "an escalation added" : !n.name.s ? "no escalation any more" : "another escalation chain");
}

/* The levels of a group_by, as written: "tenant, agent"; "(none)" for one group. */
static const char *group_text(Diff *D, const GovAlerting *a)
{
    char buf[64] = "";
    size_t n = 0;
    for (int l = 0; a && l < GOV_LVL__COUNT; l++)
        if (a->group_by >> l & 1)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? ", " : "", gov_level_name((GovLevel)l));
    return govD_fmt(D->a, "%s", n ? buf : "(none)");
}

/* Notification settings (spec/language.md §4.8, §9). They shape delivery only, never a
 * finding or a verdict, so they are judged by how soon and how often a channel hears:
 * a longer (or added) group_wait or repeat_interval loosens (later, fewer), a shorter
 * (or removed) one tightens; a finer group_by (more levels: more groups, each delivered
 * on its own) tightens, a coarser one loosens, and one neither finer nor coarser is
 * unproven. */
static void diff_alerting(Diff *D, const char *what, GovStr name, const GovAlerting *o, const GovAlerting *n)
{
    diff_duration(D, what, name, "group_wait", o ? o->group_wait : NULL, n ? n->group_wait : NULL, false);
    diff_duration(D, what, name, "repeat_interval", o ? o->repeat_interval : NULL, n ? n->repeat_interval : NULL, false);
    unsigned og = o ? o->group_by : 0, ng = n ? n->group_by : 0;
    if (og == ng)
        return;
    Effect fx = (og & ng) == og ? FX_TIGHTEN : (og & ng) == ng ? FX_LOOSEN : FX_UNPROVEN;
    add_why(D, what, name, "group_by", group_text(D, o), group_text(D, n), fx,
            fx == FX_TIGHTEN ? "finer groups: each delivers on its own"
            : fx == FX_LOOSEN ? "coarser groups: one delivery covers more" : "other groups");
}

/* Inhibition (spec/language.md §4.10, §9): a rule or drift that mutes more targets (any
 * name the old list lacked, even with others removed) loosens, since a channel may no
 * longer hear of them; one that mutes only fewer tightens. NULL is no clause. */
static void diff_inhibit(Diff *D, const char *what, GovStr name, const GovNameList *o, const GovNameList *n)
{
    static const GovNameList none = {0};
    if (!o) o = &none;
    if (!n) n = &none;
    if (names_subset(o, n) && names_subset(n, o))
        return; /* the same targets, perhaps in another order */
    bool fewer = names_subset(n, o);
    add_why(D, what, name, "inhibit", names_text(D, o), names_text(D, n), fewer ? FX_TIGHTEN : FX_LOOSEN,
            fewer ? "it mutes fewer rules' notifications" : "it may mute rules it did not mute before");
}

static bool same_kind(const GovDecl *o, const GovDecl *n)
{
    return o->record && n->record && str_eq(o->record->name, n->record->name);
}

static void diff_rule(Diff *D, const GovDecl *o, const GovDecl *n)
{
    if (!same_kind(o, n))
        add_why(D, "rule", n->name, "record kind", o->record ? dup_str(D, o->record->name) : "?",
                n->record ? dup_str(D, n->record->name) : "?", FX_UNPROVEN, "it applies to other records");
    else
        diff_cond(D, "rule", n->name, "condition", o->u.rule.when, n->u.rule.when, true);
    /* A longer `for` fires later; a longer `clear after` keeps firing longer. */
    diff_duration(D, "rule", n->name, "for", o->u.rule.for_, n->u.rule.for_, false);
    diff_duration(D, "rule", n->name, "clear after", o->u.rule.clear_after, n->u.rule.clear_after, true);
    diff_cond(D, "rule", n->name, "clear when", o->u.rule.clear_when, n->u.rule.clear_when, false);
    /* `stale after`: a sustained rule that hears nothing for that long clears; absent,
     * it never goes stale. Longer (or never) holds it longer: tighter. */
    {
        const GovExpr *os = o->u.rule.stale_after, *ns = n->u.rule.stale_after;
        if (os && ns)
            diff_duration(D, "rule", n->name, "stale after", os, ns, true);
        else if (os || ns)
            add_why(D, "rule", n->name, "stale after", os ? val_text(D, os) : "(never)", ns ? val_text(D, ns) : "(never)",
                    ns ? FX_LOOSEN : FX_TIGHTEN, ns ? "it may now clear when records stop" : "it no longer clears when records stop");
    }
    diff_sev_verdict(D, "rule", n->name, o->u.rule.severity, o->u.rule.sev_limit, o->u.rule.verdict,
                     o->u.rule.verdict_follows, n->u.rule.severity, n->u.rule.sev_limit, n->u.rule.verdict,
                     n->u.rule.verdict_follows);
    diff_notify(D, n->name, "rule", &o->u.rule.notify, &n->u.rule.notify, o->u.rule.chan_limit, n->u.rule.chan_limit);
    diff_alerting(D, "rule", n->name, o->u.rule.alerting, n->u.rule.alerting);
    diff_inhibit(D, "rule", n->name, o->u.rule.inhibit, n->u.rule.inhibit);
    diff_escalate(D, n->name, "rule", o->u.rule.escalate ? *o->u.rule.escalate : (GovNameRef){0},
                  n->u.rule.escalate ? *n->u.rule.escalate : (GovNameRef){0});
}

static bool strs_subset(const GovStrList *a, const GovStrList *b)
{
    for (uint32_t i = 0; i < a->n; i++) {
        bool found = false;
        for (uint32_t j = 0; j < b->n && !found; j++) found = str_eq(a->items[i], b->items[j]);
        if (!found) return false;
    }
    return true;
}

static const char *strs_text(Diff *D, const GovStrList *l)
{
    char buf[512] = "";
    for (uint32_t i = 0; i < l->n; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%.*s", i ? ", " : "", (int)l->items[i].len, l->items[i].s);
    return govD_fmt(D->a, "%s", buf);
}

/* The limit a setting names (a drift's threshold, spec/language.md 4.5.1; a gate's SLA,
 * 4.2.1), or NULL. */
static const GovDecl *threshold_limit(const GovExpr *e)
{
    return e && e->kind == GOV_E_NAME && e->u.name.ref && e->u.name.ref->kind == GOV_D_LIMIT ? e->u.name.ref : NULL;
}

/* A setting where lower is tighter (a drift's threshold, a gate's SLA), each side a
 * constant or a max limit. A limit's values may only go down from its default in
 * scopes: a constant replaced by a limit whose default is no higher is tighter for every
 * record; a limit replaced by a constant above its default is looser. Anything else
 * depends on scopes: unproven. The same limit: its own changes are listed as a limit's. */
static void diff_max_setting(Diff *D, const char *kind, GovStr name, const char *field, const GovExpr *oe,
                             const GovExpr *ne)
{
    const GovDecl *ol = threshold_limit(oe), *nl = threshold_limit(ne);
    const char *ot = ol ? span_text(D, D->osrc, oe->span) : val_text(D, oe);
    const char *nt = nl ? span_text(D, D->nsrc, ne->span) : val_text(D, ne);
    if (ol && nl) {
        if (!str_eq(ol->name, nl->name))
            add_why(D, kind, name, field, ot, nt, FX_UNPROVEN, "another limit");
    } else if (nl) {
        int c = cmp_const(oe, nl->u.limit.value);
        add_why(D, kind, name, field, ot, nt, c >= 0 ? FX_TIGHTEN : FX_LOOSEN,
                c >= 0 ? "the limit's default is no higher, and scopes may only lower it"
                       : "the limit's default is higher");
    } else if (ol) {
        int c = cmp_const(ol->u.limit.value, ne);
        add_why(D, kind, name, field, ot, nt, c < 0 ? FX_LOOSEN : FX_UNPROVEN,
                c < 0 ? "above the limit's default" : "scopes may have set the limit lower than the constant");
    } else {
        int c = cmp_const(oe, ne);
        if (c)
            add(D, kind, name, field, ot, nt, c > 0 ? FX_TIGHTEN : FX_LOOSEN);
    }
}

static void diff_gate(Diff *D, const GovDecl *o, const GovDecl *n)
{
    static const char *const timeouts[] = {"(none)", "deny", "allow", "escalate"};
    if (!same_kind(o, n))
        add_why(D, "gate", n->name, "record kind", o->record ? dup_str(D, o->record->name) : "?",
                n->record ? dup_str(D, n->record->name) : "?", FX_UNPROVEN, "it applies to other records");
    else
        diff_cond(D, "gate", n->name, "condition", o->u.gate.when, n->u.gate.when, true);
    diff_max_setting(D, "gate", n->name, "sla", o->u.gate.sla, n->u.gate.sla);
    const GovDecl *otl = o->u.gate.timeout_limit, *ntl = n->u.gate.timeout_limit;
    if (otl || ntl) {
        /* A timeout that is a min verdict limit (spec/language.md 4.2.1) takes its
         * default's outcome or, in scopes, a stricter one: compare by the default. A
         * constant replaced by a limit whose default is no looser is tighter; a limit
         * replaced by a looser constant than its default, looser; else unproven. */
        int rank_o = o->u.gate.timeout == GOV_TIMEOUT_DENY ? 2 : o->u.gate.timeout == GOV_TIMEOUT_ESCALATE ? 1 : 0;
        int rank_n = n->u.gate.timeout == GOV_TIMEOUT_DENY ? 2 : n->u.gate.timeout == GOV_TIMEOUT_ESCALATE ? 1 : 0;
        const char *ot = otl ? dup_str(D, otl->name) : timeouts[o->u.gate.timeout];
        const char *nt = ntl ? dup_str(D, ntl->name) : timeouts[n->u.gate.timeout];
        if (otl && ntl) {
            if (!str_eq(otl->name, ntl->name))
                add_why(D, "gate", n->name, "on timeout", ot, nt, FX_UNPROVEN, "another limit");
        } else if (ntl) {
            add_why(D, "gate", n->name, "on timeout", ot, nt, rank_n >= rank_o ? FX_TIGHTEN : FX_LOOSEN,
                    rank_n >= rank_o ? "the limit's default is no looser, and scopes may only make it stricter"
                                     : "the limit's default is looser");
        } else {
            add_why(D, "gate", n->name, "on timeout", ot, nt, rank_n < rank_o ? FX_LOOSEN : FX_UNPROVEN,
                    rank_n < rank_o ? "looser than the limit's default"
                                    : "scopes may have set the limit stricter than the constant");
        }
    } else if (o->u.gate.timeout != n->u.gate.timeout ||
               !str_eq(o->u.gate.timeout_chain.name, n->u.gate.timeout_chain.name)) {
        /* deny is the strictest outcome, allow the loosest. */
        int rank_o = o->u.gate.timeout == GOV_TIMEOUT_DENY ? 2 : o->u.gate.timeout == GOV_TIMEOUT_ESCALATE ? 1 : 0;
        int rank_n = n->u.gate.timeout == GOV_TIMEOUT_DENY ? 2 : n->u.gate.timeout == GOV_TIMEOUT_ESCALATE ? 1 : 0;
        add(D, "gate", n->name, "on timeout", timeouts[o->u.gate.timeout], timeouts[n->u.gate.timeout],
            rank_n > rank_o ? FX_TIGHTEN : rank_n < rank_o ? FX_LOOSEN : FX_UNPROVEN);
    }
    /* Who may approve: the distinct approvers, groups expanded (a group's members
     * changing changes every gate that lists it). Any approver can give an approval:
     * more approvers, more ways to release a run. */
    GovStrList ow = {.items = o->u.gate.who, .n = o->u.gate.nwho}, nw = {.items = n->u.gate.who, .n = n->u.gate.nwho};
    const GovStrList *oa = &ow, *na = &nw;
    bool fewer = strs_subset(na, oa), more = strs_subset(oa, na);
    /* Approvers that are an allowlist (spec/language.md 4.2.1) compare by its default,
     * which every scope's set is a subset of: a new limit whose default has only
     * approvers who could approve before is tighter for every record. An old limit is
     * what scopes narrowed: a new list or limit is looser when it has every approver of
     * the old default (the narrowed scopes get them all), else unproven. The same
     * limit: its own changes are listed as a limit's. */
    const GovDecl *ol = o->u.gate.appr_limit, *nl = n->u.gate.appr_limit;
    const char *ot = ol ? govD_fmt(D->a, "%.*s (%s)", (int)ol->name.len, ol->name.s, strs_text(D, oa)) : strs_text(D, oa);
    const char *nt = nl ? govD_fmt(D->a, "%.*s (%s)", (int)nl->name.len, nl->name.s, strs_text(D, na)) : strs_text(D, na);
    if (ol && nl && str_eq(ol->name, nl->name)) {
    } else if (ol) {
        if (more && !fewer)
            add_why(D, "gate", n->name, "approvers", ot, nt, FX_LOOSEN, "more approvers than the limit's default");
        else
            add_why(D, "gate", n->name, "approvers", ot, nt, FX_UNPROVEN,
                    fewer ? "scopes may have narrowed the old limit" : "other approvers");
    } else if (!(fewer && more) || nl) {
        add_why(D, "gate", n->name, "approvers", ot, nt,
                fewer ? FX_TIGHTEN : more ? FX_LOOSEN : FX_UNPROVEN,
                fewer ? (nl ? "the limit's default has only approvers who could approve before, and scopes may only "
                              "remove approvers"
                            : "only approvers who could approve before")
                      : more ? "more people can release a run" : "other approvers");
    }
    /* Fewer approvals needed is looser; so is dropping separation of duties. */
    int64_t oq = o->u.gate.quorum > 1 ? o->u.gate.quorum : 1, nq = n->u.gate.quorum > 1 ? n->u.gate.quorum : 1;
    if (oq != nq)
        add(D, "gate", n->name, "quorum", govD_fmt(D->a, "%lld of", (long long)oq), govD_fmt(D->a, "%lld of", (long long)nq),
            nq > oq ? FX_TIGHTEN : FX_LOOSEN);
    const GovExpr *orq = o->u.gate.requester, *nrq = n->u.gate.requester;
    if (orq || nrq) {
        if (!nrq)
            add(D, "gate", n->name, "requester", src_text(D, D->osrc, orq), "(none: the requester may approve)", FX_LOOSEN);
        else if (!orq)
            add(D, "gate", n->name, "requester", "(none)", src_text(D, D->nsrc, nrq), FX_TIGHTEN);
        else if (!expr_eq(orq, nrq))
            add(D, "gate", n->name, "requester", src_text(D, D->osrc, orq), src_text(D, D->nsrc, nrq), FX_UNPROVEN);
    }
    diff_notify(D, n->name, "gate", &o->u.gate.notify, &n->u.gate.notify, NULL, NULL);
}

static void diff_window(Diff *D, const GovDecl *o, const GovDecl *n)
{
    const GovExpr *os = o->u.window.last_runs ? o->u.window.last_runs : o->u.window.span;
    const GovExpr *ns = n->u.window.last_runs ? n->u.window.last_runs : n->u.window.span;
    if (!expr_eq(o->u.window.call, n->u.window.call) || !expr_eq(os, ns) || !expr_eq(o->u.window.where, n->u.window.where) ||
        o->u.window.per != n->u.window.per || o->u.window.has_per != n->u.window.has_per)
        add_why(D, "window", n->name, "definition", span_text(D, D->osrc, o->span), span_text(D, D->nsrc, n->span),
                FX_UNPROVEN, "another measure: what rules compare it with means something else");
}

static void diff_drift(Diff *D, const GovDecl *o, const GovDecl *n)
{
    diff_max_setting(D, "drift", n->name, "threshold", o->u.drift.threshold, n->u.drift.threshold);
    /* What is measured, over which spans, bins and keys: a change of meaning, shown whole. */
    bool same = expr_eq(o->u.drift.of, n->u.drift.of) && expr_eq(o->u.drift.baseline, n->u.drift.baseline) &&
                expr_eq(o->u.drift.current, n->u.drift.current) && str_eq(o->u.drift.stat, n->u.drift.stat) &&
                o->u.drift.bins.n == n->u.drift.bins.n && o->u.drift.per == n->u.drift.per &&
                o->u.drift.has_per == n->u.drift.has_per;
    for (uint32_t i = 0; same && i < o->u.drift.bins.n; i++)
        same = expr_eq(o->u.drift.bins.items[i], n->u.drift.bins.items[i]);
    if (!same)
        add_why(D, "drift", n->name, "definition", span_text(D, D->osrc, o->span), span_text(D, D->nsrc, n->span),
                FX_UNPROVEN, "another statistic: its threshold means something else");
    /* More samples before judging is looser (it fires later), fewer is tighter. */
    GovValue om = {.u.i = GOV_DRIFT_MIN_SAMPLES}, nm = {.u.i = GOV_DRIFT_MIN_SAMPLES};
    if (o->u.drift.min_samples) govE_eval(o->u.drift.min_samples, &om);
    if (n->u.drift.min_samples) govE_eval(n->u.drift.min_samples, &nm);
    if (om.u.i != nm.u.i)
        add(D, "drift", n->name, "min_samples", govD_fmt(D->a, "%lld", (long long)om.u.i),
            govD_fmt(D->a, "%lld", (long long)nm.u.i), nm.u.i > om.u.i ? FX_LOOSEN : FX_TIGHTEN);
    diff_sev_verdict(D, "drift", n->name, o->u.drift.severity, o->u.drift.sev_limit, o->u.drift.verdict,
                     o->u.drift.verdict_follows, n->u.drift.severity, n->u.drift.sev_limit, n->u.drift.verdict,
                     n->u.drift.verdict_follows);
    /* `for`: the drift must hold that long before it fires; longer (or added) fires
     * later, looser. `stale after` (5m unless given) with `for`: a longer one resets a
     * pending drift less often and keeps a firing one longer, tighter. */
    diff_duration(D, "drift", n->name, "for", o->u.drift.for_, n->u.drift.for_, false);
    if (o->u.drift.for_ && n->u.drift.for_) {
        GovValue os = {.u.i = INT64_C(300000000000)}, ns = os;
        if ((!o->u.drift.stale_after || govE_eval(o->u.drift.stale_after, &os)) &&
            (!n->u.drift.stale_after || govE_eval(n->u.drift.stale_after, &ns)) && os.u.i != ns.u.i)
            add(D, "drift", n->name, "stale after", o->u.drift.stale_after ? val_text(D, o->u.drift.stale_after) : "5m",
                n->u.drift.stale_after ? val_text(D, n->u.drift.stale_after) : "5m",
                ns.u.i > os.u.i ? FX_TIGHTEN : FX_LOOSEN);
    }
    diff_notify(D, n->name, "drift", &o->u.drift.notify, &n->u.drift.notify, o->u.drift.chan_limit,
                n->u.drift.chan_limit);
    diff_alerting(D, "drift", n->name, o->u.drift.alerting, n->u.drift.alerting);
    diff_inhibit(D, "drift", n->name, o->u.drift.inhibit, n->u.drift.inhibit);
    diff_escalate(D, n->name, "drift", o->u.drift.escalate, n->u.drift.escalate);
}

/* A step's delay in ns (0 for the immediate first step), or -1 if not a constant. */
static int64_t step_delay(const GovEscStep *s)
{
    GovValue v;
    if (!s->after) return 0;
    return govE_eval(s->after, &v) ? v.u.i : -1;
}

static int64_t esc_repeat(const GovDecl *d)
{
    GovValue v;
    if (!d->u.esc.repeat) return 0;
    return govE_eval(d->u.esc.repeat, &v) ? v.u.i : -1;
}

/* Whether chain b does at least what chain a does: every step of a, at the same place,
 * no later and telling at least the same channels; at least as many rounds. */
static bool chain_covers(const GovDecl *a, const GovDecl *b)
{
    if (b->u.esc.nsteps < a->u.esc.nsteps) return false;
    int64_t ra = esc_repeat(a), rb = esc_repeat(b);
    if (ra < 0 || rb < 0 || rb < ra) return false;
    /* Extra rounds only repeat the same steps when the period is the same: compare the
     * chains step by step and require the same step count when rounds repeat. */
    if (ra > 0 && b->u.esc.nsteps != a->u.esc.nsteps) return false;
    for (uint32_t i = 0; i < a->u.esc.nsteps; i++) {
        int64_t da = step_delay(&a->u.esc.steps[i]), db = step_delay(&b->u.esc.steps[i]);
        if (da < 0 || db < 0 || db > da || (ra > 0 && db != da)) return false;
        if (!names_subset(&a->u.esc.steps[i].notify, &b->u.esc.steps[i].notify)) return false;
    }
    return true;
}

static void diff_escalation(Diff *D, const GovDecl *o, const GovDecl *n)
{
    bool same = o->u.esc.nsteps == n->u.esc.nsteps && expr_eq(o->u.esc.repeat, n->u.esc.repeat);
    for (uint32_t i = 0; same && i < o->u.esc.nsteps; i++)
        same = expr_eq(o->u.esc.steps[i].after, n->u.esc.steps[i].after) &&
               names_eq(&o->u.esc.steps[i].notify, &n->u.esc.steps[i].notify);
    if (same)
        return;
    bool tighter = chain_covers(o, n), looser = chain_covers(n, o);
    add_why(D, "escalation", n->name, "steps", govD_fmt(D->a, "%u steps", o->u.esc.nsteps),
            govD_fmt(D->a, "%u steps", n->u.esc.nsteps),
            tighter ? FX_TIGHTEN : looser ? FX_LOOSEN : FX_UNPROVEN,
            tighter ? "every step still happens, no later, to at least the same channels"
            : looser ? "steps, channels or rounds dropped, or steps later" : "other steps");
}

static void diff_channel(Diff *D, const GovDecl *o, const GovDecl *n)
{
    if (!str_eq(o->u.channel.kind, n->u.channel.kind) || !str_eq(o->u.channel.target, n->u.channel.target))
        add_why(D, "channel", n->name, "target",
                govD_fmt(D->a, "%.*s \"%.*s\"", (int)o->u.channel.kind.len, o->u.channel.kind.s,
                         (int)o->u.channel.target.len, o->u.channel.target.s),
                govD_fmt(D->a, "%.*s \"%.*s\"", (int)n->u.channel.kind.len, n->u.channel.kind.s,
                         (int)n->u.channel.target.len, n->u.channel.target.s),
                FX_UNPROVEN, "someone else is told");
}

/* A record kind's fields: what a record means to every rule that reads it. */
static void diff_record(Diff *D, const GovDecl *o, const GovDecl *n)
{
    for (uint32_t i = 0; i < n->u.record.nfields; i++) {
        const GovField *nf = &n->u.record.fields[i], *of = NULL;
        if (nf->builtin) continue;
        for (uint32_t j = 0; j < o->u.record.nfields && !of; j++)
            if (str_eq(o->u.record.fields[j].name, nf->name)) of = &o->u.record.fields[j];
        if (!of) {
            add_why(D, "record", n->name, govD_fmt(D->a, "field %.*s", (int)nf->name.len, nf->name.s), "(none)",
                    span_text(D, D->nsrc, nf->span), FX_UNPROVEN, "a new field");
            continue;
        }
        if (of->type != nf->type || !str_eq(of->json_key, nf->json_key) || !str_eq(of->unit, nf->unit) ||
            !expr_eq(of->dflt, nf->dflt))
            add_why(D, "record", n->name, govD_fmt(D->a, "field %.*s", (int)nf->name.len, nf->name.s),
                    span_text(D, D->osrc, of->span), span_text(D, D->nsrc, nf->span), FX_UNPROVEN,
                    "records are read another way");
    }
    for (uint32_t j = 0; j < o->u.record.nfields; j++) {
        const GovField *of = &o->u.record.fields[j];
        bool found = of->builtin;
        for (uint32_t i = 0; i < n->u.record.nfields && !found; i++) found = str_eq(n->u.record.fields[i].name, of->name);
        if (!found)
            add_why(D, "record", n->name, govD_fmt(D->a, "field %.*s", (int)of->name.len, of->name.s),
                    span_text(D, D->osrc, of->span), "(none)", FX_UNPROVEN, "a field removed");
    }
}

static bool span_eq_text(Diff *D, const GovDecl *o, const GovDecl *n)
{
    return strcmp(span_text(D, D->osrc, o->span), span_text(D, D->nsrc, n->span)) == 0;
}

static void diff_extern(Diff *D, const GovDecl *o, const GovDecl *n)
{
    if (span_eq_text(D, o, n))
        return;
    add_why(D, "extern", n->name, "declaration", span_text(D, D->osrc, o->span), span_text(D, D->nsrc, n->span),
            FX_UNPROVEN, "another host function contract");
}

/* What removing or adding a declaration does to governance: rules, gates, drifts and
 * limits decide; channels, windows, escalations, records and externs only serve the
 * declarations that use them, which are compared themselves. */
static Effect presence_fx(GovDeclKind k, bool added)
{
    switch (k) {
    case GOV_D_RULE: case GOV_D_GATE: case GOV_D_DRIFT: case GOV_D_LIMIT:
        return added ? FX_TIGHTEN : FX_LOOSEN;
    default:
        return FX_NEUTRAL;
    }
}

/* ------------------------------------------------------------------ scope overrides */

static const char *scope_path(Diff *D, const GovScope *s)
{
    char buf[512];
    size_t n = 0;
    buf[0] = 0;
    for (int l = 0; l < GOV_LVL__COUNT && n < sizeof buf; l++)
        if (s->mask >> l & 1)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s \"%.*s\"", n ? " / " : "", gov_level_name((GovLevel)l),
                                  (int)s->path[l].len, s->path[l].s);
    return govD_fmt(D->a, "%s", buf);
}

typedef struct Ov {
    const char *path;
    const GovOverride *ov;
} Ov;

static void collect_ovs(Diff *D, const GovPolicy *p, Ov **out, uint32_t *n)
{
    uint32_t cap = 0;
    *out = NULL;
    *n = 0;
    for (uint32_t i = 0; i < p->nscopes; i++)
        for (uint32_t j = 0; j < p->scopes[i]->noverrides; j++) {
            Ov o = {scope_path(D, p->scopes[i]), &p->scopes[i]->overrides[j]};
            GOV_PUSH(D->a, *out, *n, cap, o);
        }
}

/* An override's value as text: a set's members, or the constant. */
static const char *ov_text(Diff *D, const GovOverride *ov)
{
    return ov->sv ? set_text(D, ov->sv) : val_text(D, ov->value);
}

static void diff_overrides(Diff *D, const GovPolicy *op, const GovPolicy *np)
{
    Ov *oo, *no;
    uint32_t on, nn;
    collect_ovs(D, op, &oo, &on);
    collect_ovs(D, np, &no, &nn);
    for (uint32_t i = 0; i < nn; i++) {
        const Ov *b = &no[i];
        const Ov *a = NULL;
        for (uint32_t j = 0; j < on && !a; j++)
            if (strcmp(oo[j].path, b->path) == 0 && str_eq(oo[j].ov->name, b->ov->name)) a = &oo[j];
        const char *where = govD_fmt(D->a, "override in %s", b->path);
        if (!a) {
            /* The checker proved it is at least as tight as what applied before. */
            add(D, "limit", b->ov->name, where, "(inherited)", ov_text(D, b->ov), FX_TIGHTEN);
            continue;
        }
        if (b->ov->limit && b->ov->limit->u.limit.set) {
            if (a->ov->limit && a->ov->limit->u.limit.set == b->ov->limit->u.limit.set)
                diff_set(D, b->ov->name, where, a->ov->sv, b->ov->sv, b->ov->limit->u.limit.set);
            continue;
        }
        int c = cmp_const(a->ov->value, b->ov->value);
        if (c && b->ov->limit) {
            bool is_max = b->ov->limit->u.limit.is_max;
            bool tighter = is_max ? c > 0 : c < 0;
            add(D, "limit", b->ov->name, where, val_text(D, a->ov->value), val_text(D, b->ov->value),
                tighter ? FX_TIGHTEN : FX_LOOSEN);
        }
    }
    for (uint32_t j = 0; j < on; j++) {
        bool found = false;
        for (uint32_t i = 0; i < nn && !found; i++)
            found = strcmp(oo[j].path, no[i].path) == 0 && str_eq(oo[j].ov->name, no[i].ov->name);
        if (!found)
            add(D, "limit", oo[j].ov->name, govD_fmt(D->a, "override in %s", oo[j].path), ov_text(D, oo[j].ov),
                "(removed: falls back to a less specific value)", FX_LOOSEN);
    }
}

/* ------------------------------------------------------------------ waivers */

static const char *waiver_scope(Diff *D, const GovWaiver *w)
{
    static const char *const lv[] = {"tenant", "project", "workflow", "agent"};
    const char *t = "";
    for (int l = 0; l < GOV_LVL__COUNT; l++)
        if (w->mask >> l & 1)
            t = govD_fmt(D->a, "%s%s%s \"%.*s\"", t, *t ? " " : "", lv[l], (int)w->name[l].len, w->name[l].s);
    return t;
}

static const GovWaiver *find_waiver(Diff *D, const GovPolicy *p, const GovWaiver *w)
{
    for (uint32_t i = 0; i < p->nwaivers; i++) {
        const GovWaiver *x = p->waivers[i];
        if (str_eq(x->rule, w->rule) && strcmp(waiver_scope(D, x), waiver_scope(D, w)) == 0)
            return x;
    }
    return NULL;
}

/* Waivers (spec/language.md §4.7) by rule and scope: one added, or lasting longer, loosens
 * (the findings it covers set no verdict and notify no one); removed or shortened,
 * tightens; a new `by` or reason alone decides nothing. */
static void diff_waivers(Diff *D, const GovPolicy *op, const GovPolicy *np)
{
    for (uint32_t i = 0; i < np->nwaivers; i++) {
        const GovWaiver *n = np->waivers[i], *o = find_waiver(D, op, n);
        const char *where = govD_fmt(D->a, "waiver for %s", waiver_scope(D, n));
        const char *nt = govD_fmt(D->a, "until %s by \"%.*s\"", val_text(D, n->until), (int)n->by.len, n->by.s);
        if (!o) {
            add_why(D, "rule", n->rule, where, "(none)", nt, FX_LOOSEN,
                    "a waived finding sets no verdict and notifies no one");
            continue;
        }
        const char *ot = govD_fmt(D->a, "until %s by \"%.*s\"", val_text(D, o->until), (int)o->by.len, o->by.s);
        if (o->until_ns != n->until_ns)
            add_why(D, "rule", n->rule, where, ot, nt, n->until_ns > o->until_ns ? FX_LOOSEN : FX_TIGHTEN,
                    n->until_ns > o->until_ns ? "waived for longer" : "waived for less long");
        else if (!str_eq(o->by, n->by) || !str_eq(o->reason, n->reason))
            add_why(D, "rule", n->rule, where, ot, nt, FX_NEUTRAL, "who approved it or why: it waives the same");
    }
    for (uint32_t i = 0; i < op->nwaivers; i++) {
        const GovWaiver *o = op->waivers[i];
        if (!find_waiver(D, np, o))
            add_why(D, "rule", o->rule, govD_fmt(D->a, "waiver for %s", waiver_scope(D, o)),
                    govD_fmt(D->a, "until %s by \"%.*s\"", val_text(D, o->until), (int)o->by.len, o->by.s), "(removed)",
                    FX_TIGHTEN, "its findings set their verdicts again");
    }
}

/* ------------------------------------------------------------------ silences */

static const GovSilence *find_silence(const GovPolicy *p, GovStr name)
{
    for (uint32_t i = 0; i < p->nsilences; i++)
        if (str_eq(p->silences[i]->name, name))
            return p->silences[i];
    return NULL;
}

/* A silence's rules, scope and calendar as text: what it holds back, and when. */
static const char *silence_text(Diff *D, const GovSilence *s)
{
    char buf[512];
    size_t n = 0;
    for (uint32_t k = 0; k < s->rules.n && n < sizeof buf; k++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%.*s", k ? ", " : "on ", (int)s->rules.items[k].name.len,
                              s->rules.items[k].name.s);
    for (int l = 0; l < GOV_LVL__COUNT && n < sizeof buf; l++)
        if (s->mask >> l & 1)
            n += (size_t)snprintf(buf + n, sizeof buf - n, " %s \"%.*s\"", gov_level_name((GovLevel)l),
                                  (int)s->scope[l].len, s->scope[l].s);
    if (n < sizeof buf)
        n += (size_t)snprintf(buf + n, sizeof buf - n, " from %s until %s", val_text(D, s->from), val_text(D, s->until));
    static const char *const dn[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (int d = 0, k = 0; s->dur && d < 7 && n < sizeof buf; d++)
        if (s->days >> d & 1)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", k++ ? ", " : " every ", dn[d]);
    if (s->dur && n < sizeof buf)
        snprintf(buf + n, sizeof buf - n, " at \"%.*s\"%s%.*s%s for %s", (int)s->at.len, s->at.s, s->zone.len ? " in \"" : "",
                 (int)s->zone.len, s->zone.s, s->zone.len ? "\"" : "", val_text(D, s->dur));
    return govD_fmt(D->a, "%s", buf);
}

static bool rules_subset(const GovNameList *a, const GovNameList *b)
{
    for (uint32_t i = 0; i < a->n; i++) {
        bool found = false;
        for (uint32_t j = 0; j < b->n && !found; j++)
            found = str_eq(a->items[i].name, b->items[j].name);
        if (!found)
            return false;
    }
    return true;
}

/* Silences and maintenance windows (spec/language.md §4.9), by name. One added loosens
 * (channels hear nothing of its rules while it holds), one removed tightens. A changed
 * one is judged when only its rules or its time box moved: more rules or a wider box
 * (from earlier, until later) loosens, fewer or narrower tightens; anything else (its
 * scope, its calendar, both ways at once) is unproven. Its `by` or reason alone is
 * neutral. */
static void diff_silences(Diff *D, const GovPolicy *op, const GovPolicy *np)
{
    for (uint32_t i = 0; i < np->nsilences; i++) {
        const GovSilence *n = np->silences[i], *o = find_silence(op, n->name);
        const char *nt = silence_text(D, n);
        if (!o) {
            add_why(D, "silence", n->name, "added", "(none)", nt, FX_LOOSEN,
                    "its rules' channels hear nothing while it holds");
            continue;
        }
        const char *ot = silence_text(D, o);
        if (strcmp(ot, nt) == 0) {
            if (!str_eq(o->by, n->by) || !str_eq(o->reason, n->reason))
                add_why(D, "silence", n->name, "by, reason", ot, nt, FX_NEUTRAL, "who declared it or why: it holds the same");
            continue;
        }
        bool same_where = o->mask == n->mask && o->days == n->days && o->start_s == n->start_s &&
                          o->dur_ns == n->dur_ns && str_eq(o->zone, n->zone);
        for (int l = 0; l < GOV_LVL__COUNT && same_where; l++)
            same_where = !(o->mask >> l & 1) || str_eq(o->scope[l], n->scope[l]);
        bool wider = rules_subset(&o->rules, &n->rules) && n->from_ns <= o->from_ns && n->until_ns >= o->until_ns;
        bool narrower = rules_subset(&n->rules, &o->rules) && n->from_ns >= o->from_ns && n->until_ns <= o->until_ns;
        Effect fx = !same_where ? FX_UNPROVEN : wider ? FX_LOOSEN : narrower ? FX_TIGHTEN : FX_UNPROVEN;
        add_why(D, "silence", n->name, "changed", ot, nt, fx,
                fx == FX_LOOSEN ? "it holds back more" : fx == FX_TIGHTEN ? "it holds back less"
                : "another scope, calendar or mix of rules and times");
    }
    for (uint32_t i = 0; i < op->nsilences; i++)
        if (!find_silence(np, op->silences[i]->name))
            add_why(D, "silence", op->silences[i]->name, "removed", silence_text(D, op->silences[i]), "(none)",
                    FX_TIGHTEN, "its rules notify again");
}

/* ------------------------------------------------------------------ policies */

static void diff_policy(Diff *D, const GovPolicy *op, const GovPolicy *np)
{
    if (!str_eq(op->version, np->version))
        add_why(D, "policy", np->name, "version", op->version.s ? dup_str(D, op->version) : "(none)",
                np->version.s ? dup_str(D, np->version) : "(none)", FX_NEUTRAL, "a label: it decides nothing");
    for (uint32_t i = 0; i < np->ndecls; i++) {
        const GovDecl *n = np->decls[i];
        const GovDecl *o = govF_lookup(op, n->name.s, n->name.len);
        if (!o || o->kind != n->kind) {
            if (o)
                add(D, gov_decl_kind_name((GovDeclKind)o->kind), n->name, "removed", "declared", "(a new kind of thing)",
                    presence_fx((GovDeclKind)o->kind, false));
            add(D, gov_decl_kind_name((GovDeclKind)n->kind), n->name, "added", "(none)", "declared",
                presence_fx((GovDeclKind)n->kind, true));
            /* A new rule or drift that inhibits others mutes them: that part loosens. */
            if (n->kind == GOV_D_RULE || n->kind == GOV_D_DRIFT)
                diff_inhibit(D, gov_decl_kind_name((GovDeclKind)n->kind), n->name, NULL,
                             n->kind == GOV_D_RULE ? n->u.rule.inhibit : n->u.drift.inhibit);
            continue;
        }
        switch (n->kind) {
        case GOV_D_LIMIT: diff_limit(D, o, n); break;
        case GOV_D_RULE: diff_rule(D, o, n); break;
        case GOV_D_GATE: diff_gate(D, o, n); break;
        case GOV_D_WINDOW: diff_window(D, o, n); break;
        case GOV_D_DRIFT: diff_drift(D, o, n); break;
        case GOV_D_ESCALATION: diff_escalation(D, o, n); break;
        case GOV_D_CHANNEL: diff_channel(D, o, n); break;
        case GOV_D_RECORD: diff_record(D, o, n); break;
        case GOV_D_EXTERN: diff_extern(D, o, n); break;
        default: break;
        }
    }
    for (uint32_t i = 0; i < op->ndecls; i++) {
        const GovDecl *o = op->decls[i];
        const GovDecl *n = govF_lookup(np, o->name.s, o->name.len);
        if (!n)
            add(D, gov_decl_kind_name((GovDeclKind)o->kind), o->name, "removed", "declared", "(none)",
                presence_fx((GovDeclKind)o->kind, false));
    }
    diff_overrides(D, op, np);
    diff_waivers(D, op, np);
    diff_silences(D, op, np);
}

/* ------------------------------------------------------------------ inputs */

static bool load_side(GovFrontend *fe, const char *path)
{
    GovcFrontOpts o = {GOV_FMT_TEXT, false, NULL, false, 0, 0};
    char *paths[1] = {(char *)path};
    int rc = govc_front(fe, paths, 1, &o);
    if (fe->diags.nerrors)
        govD_print(&fe->diags, stderr, GOV_FMT_TEXT, GOVC_VERSION);
    return rc == 0;
}

/* ------------------------------------------------------------------ output */

static void json_s(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fprintf(out, "\\%c", *s);
        else if ((unsigned char)*s < 0x20) fprintf(out, "\\u%04x", (unsigned char)*s);
        else fputc(*s, out);
    }
    fputc('"', out);
}

/* Changes that --fail-on loosen refuses: loosened, or not proved tighter. */
static uint32_t failing(const uint32_t counts[FX__COUNT]) { return counts[FX_LOOSEN] + counts[FX_UNPROVEN]; }

static void print_changes(const Diff *D, int format, const uint32_t counts[FX__COUNT])
{
    if (format == 1) {
        printf("{\"changes\":[");
        for (uint32_t i = 0; i < D->n; i++) {
            const Change *c = &D->items[i];
            printf(i ? ",\n{" : "\n{");
            printf("\"policy\":"); json_s(stdout, c->policy);
            printf(",\"kind\":"); json_s(stdout, c->what);
            printf(",\"name\":"); json_s(stdout, c->name);
            printf(",\"what\":"); json_s(stdout, c->detail);
            printf(",\"old\":"); json_s(stdout, c->old);
            printf(",\"new\":"); json_s(stdout, c->new_);
            printf(",\"effect\":\"%s\"", effect_names[c->fx]);
            if (c->why) {
                printf(",\"why\":");
                json_s(stdout, c->why);
            }
            printf("}");
        }
        printf("%s],\"tightened\":%u,\"loosened\":%u,\"unproven\":%u,\"neutral\":%u,\"fails_loosen\":%s}\n",
               D->n ? "\n" : "", counts[FX_TIGHTEN], counts[FX_LOOSEN], counts[FX_UNPROVEN], counts[FX_NEUTRAL],
               failing(counts) ? "true" : "false");
        return;
    }
    if (format == 2) {
        printf("### Policy changes\n\n");
        uint32_t f = failing(counts);
        if (f)
            printf("**%u change%s loosen%s governance or could not be proved not to.**\n\n", f, f == 1 ? "" : "s",
                   f == 1 ? "s" : "");
        if (!D->n) {
            printf("No change in meaning.\n");
            return;
        }
        printf("| policy | kind | name | what | old | new | effect |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        for (uint32_t i = 0; i < D->n; i++) {
            const Change *c = &D->items[i];
            bool bad = c->fx == FX_LOOSEN || c->fx == FX_UNPROVEN;
            printf("| %s | %s | `%s` | %s | `%s` | `%s` | %s%s%s%s%s |\n", c->policy, c->what, c->name, c->detail, c->old,
                   c->new_, bad ? "**" : "", effect_names[c->fx], bad ? "**" : "", c->why ? ": " : "",
                   c->why ? c->why : "");
        }
        printf("\n%u tightened, %u loosened, %u unproven, %u neutral\n", counts[FX_TIGHTEN], counts[FX_LOOSEN],
               counts[FX_UNPROVEN], counts[FX_NEUTRAL]);
        return;
    }
    const char *last = NULL;
    for (uint32_t i = 0; i < D->n; i++) {
        const Change *c = &D->items[i];
        if (!last || strcmp(last, c->policy) != 0)
            printf("policy %s\n", c->policy);
        last = c->policy;
        printf("  %-9s %s %s: %s: %s -> %s", effect_names[c->fx], c->what, c->name, c->detail, c->old, c->new_);
        if (c->why)
            printf(" (%s)", c->why);
        printf("\n");
    }
    printf("%u tightened, %u loosened, %u unproven, %u neutral\n", counts[FX_TIGHTEN], counts[FX_LOOSEN],
           counts[FX_UNPROVEN], counts[FX_NEUTRAL]);
}

static int diff_run(GovFrontend fe[2], const char *const paths[2], int format, int fail_on)
{
    if (!load_side(&fe[0], paths[0]) || !load_side(&fe[1], paths[1]))
        return fe[0].io_error || fe[1].io_error ? 2 : 1;
    Diff D = {&fe[1].arena, NULL, 0, 0, NULL, &fe[0].src, &fe[1].src};
    for (uint32_t i = 0; i < fe[1].npols; i++) {
        GovPolicy *np = fe[1].pols[i];
        if (np->is_module) continue;
        D.policy = dup_str(&D, np->name);
        GovPolicy *op = NULL;
        for (uint32_t j = 0; j < fe[0].npols; j++)
            if (!fe[0].pols[j]->is_module && str_eq(fe[0].pols[j]->name, np->name)) op = fe[0].pols[j];
        if (op) diff_policy(&D, op, np);
        else add(&D, "policy", np->name, "added", "(none)", "declared", FX_TIGHTEN);
    }
    for (uint32_t j = 0; j < fe[0].npols; j++) {
        GovPolicy *op = fe[0].pols[j];
        bool found = op->is_module;
        for (uint32_t i = 0; i < fe[1].npols && !found; i++)
            found = !fe[1].pols[i]->is_module && str_eq(fe[1].pols[i]->name, op->name);
        if (!found) {
            D.policy = dup_str(&D, op->name);
            add(&D, "policy", op->name, "removed", "declared", "(none)", FX_LOOSEN);
        }
    }
    uint32_t counts[FX__COUNT] = {0, 0, 0, 0};
    for (uint32_t i = 0; i < D.n; i++) counts[D.items[i].fx]++;
    print_changes(&D, format, counts);
    if ((fail_on == 1 && failing(counts)) || (fail_on == 2 && D.n))
        return 1;
    return 0;
}

/* ------------------------------------------------------------------ limits files */

/* A scope's path as the rest of diff writes it: tenant "t" / project "p". */
static const char *ovr_path(Diff *D, const gov_override_info *o)
{
    static const char *const lv[4] = {"tenant", "project", "workflow", "agent"};
    const char *out = "";
    for (int l = 0; l < 4; l++)
        if (o->path[l])
            out = govD_fmt(D->a, "%s%s%s \"%s\"", out, *out ? " / " : "", lv[l], o->path[l]);
    return out;
}

static bool same_ovr(const gov_override_info *a, const gov_override_info *b)
{
    if (strcmp(a->limit, b->limit) != 0)
        return false;
    for (int l = 0; l < 4; l++)
        if ((a->path[l] == NULL) != (b->path[l] == NULL) || (a->path[l] && strcmp(a->path[l], b->path[l]) != 0))
            return false;
    return true;
}

static const char *ovr_value(Diff *D, const gov_override_info *o)
{
    char buf[128];
    govc_format_value(&o->value, buf, sizeof buf);
    return govD_fmt(D->a, "%s", buf);
}

/* A set setting from a limits file (exact members, spec/language.md §5.2) as text. */
static const char *set_value(Diff *D, const gov_program *p, const gov_override_info *o)
{
    const char *out = "[";
    for (size_t k = 0; k < o->value.len; k++) {
        size_t n;
        const char *m = gov_set_member(p, o->value.i, k, &n);
        out = govD_fmt(D->a, "%s%s\"%.*s\"", out, k ? ", " : "", (int)n, m ? m : "");
    }
    return govD_fmt(D->a, "%s]", out);
}

/* Is every member of set setting a (program pa) one of b's (program pb)? File sets hold
 * exact strings, so membership is equality. */
static bool set_within(const gov_program *pa, const gov_override_info *a, const gov_program *pb,
                       const gov_override_info *b)
{
    for (size_t k = 0; k < a->value.len; k++) {
        size_t n, m;
        const char *s = gov_set_member(pa, a->value.i, k, &n);
        bool found = false;
        for (size_t j = 0; j < b->value.len && !found; j++) {
            const char *t = gov_set_member(pb, b->value.i, j, &m);
            found = s && t && n == m && memcmp(s, t, n) == 0;
        }
        if (!found)
            return false;
    }
    return true;
}

/* The settings of program p that came from limits file `file` (their provenance). */
static gov_override_info *file_ovrs(Diff *D, const gov_program *p, const char *file, uint32_t *n)
{
    int total = gov_override_count(p);
    gov_override_info *v = govA_alloc(D->a, ((size_t)total + 1) * sizeof *v);
    *n = 0;
    for (int i = 0; i < total; i++) {
        gov_override_info o = {.size = sizeof o};
        if (gov_override_describe(p, i, &o) == GOV_OK && strcmp(o.file, file) == 0)
            v[(*n)++] = o;
    }
    return v;
}

/* govc diff -p POLICY OLD.json NEW.json: two limits files of one policy (spec/language.md
 * §5.2 and §9). Both are loaded, and so proved tighten-only; an entry's setting added
 * tightens (the load proved it at least as tight as what it replaces), removed loosens
 * (a less specific value applies again), changed is judged by the limit's direction. */
static int diff_limits(const char *policy, const char *const files[2], int format, int fail_on)
{
    GovFrontend fe[2];
    gov_program *prog[2] = {NULL, NULL};
    int rc = 0;
    for (int s = 0; s < 2; s++) {
        govF_init(&fe[s], NULL, NULL, gov_std_lookup);
        if (rc == 0 && govc_load_program_limits(policy, files[s], &prog[s], &fe[s]) != 0)
            rc = 2;
    }
    if (rc == 0) {
        Diff D = {&fe[1].arena, NULL, 0, 0, gov_program_name(prog[1]), NULL, NULL};
        uint32_t no, nn;
        gov_override_info *ov = file_ovrs(&D, prog[0], files[0], &no), *nv = file_ovrs(&D, prog[1], files[1], &nn);
        for (uint32_t i = 0; i < nn; i++) {
            const gov_override_info *n = &nv[i], *o = NULL;
            for (uint32_t j = 0; j < no && !o; j++)
                if (same_ovr(n, &ov[j])) o = &ov[j];
            GovStr name = {n->limit, (uint32_t)strlen(n->limit)};
            const char *where = govD_fmt(D.a, "override in %s", ovr_path(&D, n));
            bool set = n->value.type == GOV_SET;
            if (!o) {
                add(&D, "limit", name, where, "(inherited)", set ? set_value(&D, prog[1], n) : ovr_value(&D, n),
                    FX_TIGHTEN);
                continue;
            }
            if (set) { /* an allowlist may only lose members, a denylist only gain them */
                bool in = set_within(prog[1], n, prog[0], o), out = set_within(prog[0], o, prog[1], n);
                if (!(in && out))
                    add(&D, "limit", name, where, set_value(&D, prog[0], o), set_value(&D, prog[1], n),
                        (n->dir == GOV_DIR_MAX ? in : out) ? FX_TIGHTEN : FX_LOOSEN);
                continue;
            }
            bool fl = n->value.type == GOV_FLOAT || n->value.type == GOV_RATIO;
            int c = fl ? (n->value.f > o->value.f) - (n->value.f < o->value.f)
                       : (n->value.i > o->value.i) - (n->value.i < o->value.i);
            if (c != 0)
                add(&D, "limit", name, where, ovr_value(&D, o), ovr_value(&D, n),
                    (c < 0) == (n->dir == GOV_DIR_MAX) ? FX_TIGHTEN : FX_LOOSEN);
        }
        for (uint32_t j = 0; j < no; j++) {
            bool kept = false;
            for (uint32_t i = 0; i < nn && !kept; i++)
                kept = same_ovr(&nv[i], &ov[j]);
            if (!kept)
                add(&D, "limit", (GovStr){ov[j].limit, (uint32_t)strlen(ov[j].limit)},
                    govD_fmt(D.a, "override in %s", ovr_path(&D, &ov[j])),
                    ov[j].value.type == GOV_SET ? set_value(&D, prog[0], &ov[j]) : ovr_value(&D, &ov[j]),
                    "(removed: falls back to a less specific value)", FX_LOOSEN);
        }
        uint32_t counts[FX__COUNT] = {0, 0, 0, 0};
        for (uint32_t i = 0; i < D.n; i++) counts[D.items[i].fx]++;
        print_changes(&D, format, counts);
        if ((fail_on == 1 && failing(counts)) || (fail_on == 2 && D.n))
            rc = 1;
    } else {
        rc = 1; /* a file that is malformed or loosens: an error in a side */
    }
    gov_program_free(prog[0]);
    gov_program_free(prog[1]);
    govF_free(&fe[0]);
    govF_free(&fe[1]);
    return rc;
}

static void diff_usage(FILE *out)
{
    fprintf(out,
            "usage: govc diff [--fail-on loosen|any] [--format text|json|markdown] OLD NEW\n"
            "       govc diff -p POLICY [options] OLD.json NEW.json\n"
            "\n"
            "Compare two versions of policies by meaning: each limit tightened or loosened in\n"
            "each scope, with old and new values; rules, gates, windows, drifts, escalations\n"
            "and channels added, removed or changed (condition, severity, verdict, SLA,\n"
            "timeout, channels); scope overrides added or removed. OLD and NEW are files,\n"
            "folders, or git:REV:PATH (for CI: git:origin/main:policies).\n"
            "\n"
            "Each change is tightened only when govc proves it (a limit moved the strict way;\n"
            "a condition that holds on every record the old one held on: a conjunct dropped,\n"
            "a disjunct added, a threshold lowered; a step, channel, gate, rule, verdict or\n"
            "severity added or raised); loosened when the opposite is proved (a condition\n"
            "narrowed, e.g. `and run.project != \"growth\"` added; a step, channel, gate,\n"
            "verdict or severity dropped or lowered; a longer SLA); unproven otherwise (a\n"
            "condition rewritten so that neither implies the other, a new channel target, a\n"
            "redefined window or record field). A new version label is neutral. The rules\n"
            "are in spec/language.md 9.\n"
            "\n"
            "With -p POLICY, OLD and NEW are two limits files of that policy (spec/language.md\n"
            "5.2): each is loaded with the policy and proved as govc run does with a limits\n"
            "file, and each entry's setting added (tightened: the load proved it), removed\n"
            "(loosened) or changed (by the limit's direction) is listed.\n"
            "\n"
            "options:\n"
            "  --fail-on loosen   exit 1 when anything was loosened or is unproven\n"
            "  --fail-on any      exit 1 when anything changed in meaning\n"
            "  --format F         text (default), json, or markdown (for a pull-request comment)\n"
            "  -p, --policy P     compare two limits files of policy P (.gov sources or .govb)\n"
            "  -h, --help         show this help\n"
            "\n"
            "Exit status: 0 no failing change, 1 a change that --fail-on names, or errors in\n"
            "either side, 2 usage or I/O error.\n");
}

enum { OPT_FAIL_ON = GOVC_LONG, OPT_FORMAT };
const GovcOpt govc_diff_opts[] = {
    {"fail-on", OPT_FAIL_ON, GOVC_ARG_CHOICE, "loosen|any", "exit 1 on a loosening (or unproven change), or any change"},
    {"format", OPT_FORMAT, GOVC_ARG_CHOICE, "text|json|markdown", "how to print the changes"},
    {"policy", 'p', GOVC_ARG_FILE, "POLICY", "compare two limits files of this policy"},
    {NULL, 0, 0, NULL, NULL},
};

int govc_diff(int argc, char **argv)
{
    const char *sides[2] = {NULL, NULL}, *policy = NULL;
    /* volatile: they live across the setjmp below */
    volatile int format = 0, fail_on = 0; /* fail_on: 0 never, 1 loosen, 2 any */
    GovcArgs a;
    govc_args_init(&a, "diff", govc_diff_opts, diff_usage, argc, argv);
    for (int k; (k = govc_getopt(&a)) != 0;) {
        if (k < 0)
            return a.status;
        const char *v = a.value;
        if (k == 'p') {
            if (policy) return govc_usage_error(&a, "one policy at a time");
            policy = v;
        } else if (k == OPT_FAIL_ON) {
            if (strcmp(v, "loosen") == 0) fail_on = 1;
            else if (strcmp(v, "any") == 0) fail_on = 2;
            else return govc_usage_error(&a, "--fail-on takes loosen or any");
        } else if (k == OPT_FORMAT) {
            if (strcmp(v, "text") == 0) format = 0;
            else if (strcmp(v, "json") == 0) format = 1;
            else if (strcmp(v, "markdown") == 0) format = 2;
            else return govc_usage_error(&a, "unknown format '%s'; use text, json or markdown", v);
        }
    }
    if (a.noperands > 2) {
        fprintf(stderr, "govc diff: give exactly two versions, OLD and NEW\n");
        return 2;
    }
    if (a.noperands != 2) {
        diff_usage(stderr);
        return 2;
    }
    sides[0] = a.operands[0];
    sides[1] = a.operands[1];
    if (policy)
        return diff_limits(policy, sides, format, fail_on);
    char tmp[2][600];
    bool used[2];
    const char *paths[2];
    for (int s = 0; s < 2; s++) {
        paths[s] = govc_git_side(sides[s], tmp[s], sizeof tmp[s], &used[s]);
        if (!paths[s]) {
            for (int k = 0; k <= s; k++)
                if (used[k]) govc_git_side_remove(tmp[k]);
            return 2;
        }
    }
    GovFrontend fe[2];
    govF_init(&fe[0], NULL, NULL, gov_std_lookup);
    govF_init(&fe[1], NULL, NULL, gov_std_lookup);
    fe[1].arena.oom = &fe[0].oom; /* one landing place for both sides */
    int rc;
    if (setjmp(fe[0].oom)) {
        fprintf(stderr, "govc: out of memory\n");
        rc = 2;
    } else {
        rc = diff_run(fe, paths, format, fail_on);
    }
    govF_free(&fe[0]);
    govF_free(&fe[1]);
    for (int s = 0; s < 2; s++)
        if (used[s]) govc_git_side_remove(tmp[s]);
    return rc;
}
