/* ast.h: the syntax tree of a gov policy, shared by the parser, the checker and the
 * compiler.
 *
 * Every node lives in one GovArena and is freed with it; nothing in the tree owns
 * memory. Spans are byte offsets into a source file (GovSpan), turned into line and
 * column only when a diagnostic is printed. The checker fills in the `type` of each
 * expression and the `ref` of each name; the compiler reads the checked tree.
 */
#ifndef GOV_AST_H
#define GOV_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lang/arena.h"

/* A byte range [lo, hi) in source file `file` (an index into the GovSources table). */
typedef struct GovSpan {
    uint32_t file;
    uint32_t lo, hi;
} GovSpan;

typedef struct GovStr {
    const char *s;
    uint32_t len;
} GovStr;

/* Types. INT .. STRINGS are numbered as the bytecode numbers them (GOVB_TY_*); ERROR marks an expression
 * whose error was already reported, so the checker says nothing more about it. */
typedef enum GovType {
    GOV_TY_ERROR = 0,
    GOV_TY_INT,
    GOV_TY_FLOAT,
    GOV_TY_RATIO,
    GOV_TY_DURATION,
    GOV_TY_TIME,
    GOV_TY_MONEY,
    GOV_TY_BOOL,
    GOV_TY_STRING,
    GOV_TY_ID,
    GOV_TY_SEVERITY,
    GOV_TY_VERDICT,
    GOV_TY_SET,            /* the value of an allowlist or denylist (spec/language.md §5.1) */
    GOV_TY_STRINGS,        /* a list of strings: a record field, a constant list */
    GOV_TY_CHANNEL,
    GOV_TY__COUNT
} GovType;

const char *gov_type_name(GovType t);

typedef enum GovLevel { GOV_LVL_TENANT, GOV_LVL_PROJECT, GOV_LVL_WORKFLOW, GOV_LVL_AGENT, GOV_LVL__COUNT } GovLevel;
const char *gov_level_name(GovLevel l);

typedef enum GovSeverity { GOV_SEV_INFO, GOV_SEV_WARNING, GOV_SEV_CRITICAL } GovSeverity;
typedef enum GovVerdict { GOV_V_ALLOW, GOV_V_WARN, GOV_V_REVIEW, GOV_V_PAUSE, GOV_V_BLOCK } GovVerdict;
const char *gov_severity_name(int s);
const char *gov_verdict_name(int v);

/* Channel kinds, window aggregates, drift statistics and built-in functions, numbered in
 * names.def order. */
#define TYPE(n, t)
#define UNIT(n, t, s)
#define AGG(n, t, a, b)
#define STAT(n, t)
#define FUNC(n, t, a, b, sig, doc)
#define CHANNEL_KIND(n, t) t,
typedef enum GovChanKind {
#include "lang/names.def"
    GOV_CH__COUNT
} GovChanKind;
#undef CHANNEL_KIND
#define CHANNEL_KIND(n, t)
#undef AGG
#define AGG(n, t, a, b) t,
typedef enum GovAgg {
#include "lang/names.def"
    GOV_AGG__COUNT
} GovAgg;
#undef AGG
#define AGG(n, t, a, b)
#undef STAT
#define STAT(n, t) t,
typedef enum GovStat {
#include "lang/names.def"
    GOV_STAT__COUNT
} GovStat;
#undef STAT
#define STAT(n, t)
#undef FUNC
#define FUNC(n, t, a, b, sig, doc) t,
/* Built-in functions (spec/stdlib.md). */
typedef enum GovBuiltin {
#include "lang/names.def"
    GOV_BI__COUNT
} GovBuiltin;
#undef TYPE
#undef UNIT
#undef AGG
#undef STAT
#undef FUNC
#undef CHANNEL_KIND

/* One built-in function of names.def: its name, argument counts, signature and summary. */
typedef struct GovBuiltinInfo {
    const char *name;
    uint32_t min_args, max_args;
    const char *signature, *summary;
} GovBuiltinInfo;
extern const GovBuiltinInfo gov_builtins[GOV_BI__COUNT];

/* ------------------------------------------------------------------ expressions */

typedef enum GovExprKind {
    GOV_E_INT, GOV_E_FLOAT, GOV_E_DURATION, GOV_E_PERCENT, GOV_E_MONEY, GOV_E_TIME,
    GOV_E_STRING, GOV_E_BOOL, GOV_E_SEVERITY, GOV_E_VERDICT,
    GOV_E_NAME,    /* a top-level name: limit, window, record kind, ... */
    GOV_E_FIELD,   /* obj.field */
    GOV_E_CALL,    /* f(args) */
    GOV_E_UNARY,   /* -x, not x */
    GOV_E_BINARY,  /* a op b */
    GOV_E_IN,      /* x [not] in [items] */
    GOV_E_IF,      /* if a then b else c */
    GOV_E_ERROR,   /* placeholder after a syntax error */
    GOV_E_LIST     /* [a, b, ...]: a list literal */
} GovExprKind;

typedef enum GovOp {
    GOV_AOP_ADD, GOV_AOP_SUB, GOV_AOP_MUL, GOV_AOP_DIV,
    GOV_AOP_EQ, GOV_AOP_NE, GOV_AOP_LT, GOV_AOP_LE, GOV_AOP_GT, GOV_AOP_GE,
    GOV_AOP_AND, GOV_AOP_OR, GOV_AOP_NEG, GOV_AOP_NOT
} GovOp;
const char *gov_op_text(GovOp op);

struct GovDecl;
struct GovField;

/* A glob pattern compiled by the checker (vm/gov_std.h's compiled form). */
typedef struct GovPattern {
    GovStr source;         /* the pattern as written (decoded) */
    char *compiled;        /* NUL-terminated compiled text */
    uint32_t len;
} GovPattern;

typedef struct GovExpr GovExpr;
struct GovExpr {
    uint8_t kind;          /* GovExprKind */
    uint8_t op;            /* GovOp for UNARY/BINARY; negate flag for IN */
    uint8_t type;          /* GovType, set by the checker */
    uint8_t is_const;      /* set by the checker: depends on no record, limit or window */
    uint16_t depth;        /* height of this subtree, bounded by GOV_MAX_NESTING */
    GovSpan span;
    union {
        int64_t i;         /* INT, DURATION (ns), MONEY (micro-dollars), TIME (ns), BOOL, SEVERITY, VERDICT */
        double f;          /* FLOAT, PERCENT (as a fraction) */
        GovStr str;        /* STRING */
        struct { GovStr name; struct GovDecl *ref; } name;
        struct { GovExpr *obj; GovStr name; GovSpan name_span; struct GovField *ref; } field;
        struct {
            GovStr name; GovSpan name_span; GovExpr **args; uint32_t nargs;
            int builtin;       /* GovBuiltin; -1 unresolved, -2 an extern */
            const void *aux;   /* matches: its GovPattern; calendar: its GovZone (checker) */
        } call;
        struct { GovExpr *a, *b, *c; } ops; /* UNARY: a; BINARY: a, b; IF: a, b, c */
        /* x [not] in RHS: set is the right-hand side as written; when it is a list
         * literal, items are its items (and GOV_IN_SET is NULL), else it is a set to
         * test (a set limit's name, a list field) and items is empty. */
        struct { GovExpr *x; GovExpr **items; uint32_t nitems; GovExpr *set; } in;
        struct { GovExpr **items; uint32_t nitems; } list;   /* LIST */
    } u;
};

/* The set an `in` tests against, or NULL when its right-hand side is a list literal. */
#define GOV_IN_SET(e) ((e)->u.in.set && (e)->u.in.set->kind != GOV_E_LIST ? (e)->u.in.set : NULL)

/* ------------------------------------------------------------------ declarations */

typedef enum GovDeclKind {
    GOV_D_RECORD, GOV_D_CHANNEL, GOV_D_LIMIT, GOV_D_RULE, GOV_D_WINDOW, GOV_D_DRIFT,
    GOV_D_GATE, GOV_D_ESCALATION, GOV_D_EXTERN, GOV_D_APPROVERS, GOV_D__COUNT
} GovDeclKind;
const char *gov_decl_kind_name(GovDeclKind k);

typedef struct GovField {
    GovStr name;
    GovSpan span;          /* the whole field declaration */
    GovSpan name_span;
    GovStr type_name;
    GovSpan type_span;
    GovStr json_key;       /* defaults to name */
    GovSpan json_span;
    GovStr unit;           /* empty: the type's default unit */
    GovSpan unit_span;
    GovExpr *dflt;         /* NULL: required */
    uint8_t type;          /* GovType, resolved by the checker */
    uint8_t builtin;       /* tenant, project, workflow, agent, run_id, at */
    int64_t scale;         /* canonical units per JSON unit (0 for rfc3339 strings) */
    uint32_t slot;         /* index within the record kind */
} GovField;

/* A list of channel names (notify a, b). */
typedef struct GovNameRef {
    GovStr name;
    GovSpan span;
    struct GovDecl *ref;
} GovNameRef;

typedef struct GovNameList {
    GovNameRef *items;
    uint32_t n, cap;
} GovNameList;

typedef struct GovStrList {
    GovStr *items;
    GovSpan *spans;
    uint32_t n, cap;
} GovStrList;

typedef struct GovExprList {
    GovExpr **items;
    uint32_t n, cap;
} GovExprList;

/* What a host function's failure means (`on error`); NONE blocks the record. */
typedef enum GovOnError { GOV_ONERR_NONE, GOV_ONERR_DEFAULT, GOV_ONERR_VERDICT } GovOnError;

/* LIMIT: `on timeout NAME`, a min verdict limit (spec/language.md §4.2.1); the checker
 * replaces it with its default's outcome and keeps the limit in timeout_limit. */
typedef enum GovTimeout { GOV_TIMEOUT_NONE, GOV_TIMEOUT_DENY, GOV_TIMEOUT_ALLOW, GOV_TIMEOUT_ESCALATE,
                          GOV_TIMEOUT_LIMIT } GovTimeout;

typedef struct GovEscStep {
    GovExpr *after;        /* NULL for the immediate first step */
    GovSpan span;
    GovNameList notify;
} GovEscStep;

/* How a rule's or drift's notifications are delivered (spec/language.md §4.8):
 * `group_by LEVEL, ...`, `group_wait D`, `repeat_interval D`. NULL on a declaration
 * without any of them, which notifies as it always has. */
typedef struct GovAlerting {
    unsigned group_by;     /* bit l for each GOV_LVL_* in group_by */
    GovSpan group_span;    /* the group_by clause; lo == hi when absent */
    GovSpan last_level;    /* the level most recently added, for order errors */
    int last;              /* that level, or -1 */
    GovExpr *group_wait, *repeat_interval;
    int64_t wait_ns, repeat_ns;   /* checked values (checker); 0 when absent */
} GovAlerting;

typedef struct GovDecl GovDecl;
struct GovDecl {
    /* (ordered so the bytes fill the padding: a large policy is mostly declarations) */
    GovStr name;
    GovSpan span;          /* keyword to end of declaration */
    GovSpan name_span;
    uint32_t index;        /* declaration order within its kind across the policy */
    uint32_t rule_index;   /* a rule's, gate's or drift's RULES entry (the compiler) */
    uint32_t module;       /* which loaded file declared it */
    GovStr on_kind;        /* `on KIND`, or empty */
    GovSpan on_span;
    uint8_t kind;          /* GovDeclKind */
    uint8_t used;          /* set by the checker when something refers to it */
    uint8_t syntax_error;  /* a clause failed to parse: skip 'missing clause' errors */
    GovDecl *record;       /* the record kind it applies to, resolved by the checker */
    union {
        struct { GovField *fields; uint32_t nfields, cap; } record;
        struct { GovStr kind; GovSpan kind_span; GovStr target; GovSpan target_span; int chan_kind; } channel;
        struct {
            bool is_max;            /* max, or allowlist; min, denylist or a channel set */
            GovExpr *value;
            uint8_t type;           /* GovType; SET for allowlist and denylist */
            uint8_t set;            /* GovSetKind (CHAN set by the checker) */
            struct GovSetVal *sv;   /* a set limit's default, checked (lang/sets.c) */
        } limit;
        struct {
            GovExpr *when; GovExpr *for_; GovExpr *clear_when; GovExpr *clear_after; GovExpr *stale_after;
            int severity, verdict; GovSpan sev_span, verdict_span;
            /* `severity NAME` (§4.1.1): the min severity limit, or NULL; severity is then
             * its default, and verdict_follows says the verdict is the severity's. */
            GovNameRef *sev_limit; bool verdict_follows;
            GovNameList notify;
            /* The item of `notify` that names a channel set (§4.1.2), or NULL: the
             * checker leaves it there, its ref the limit; the others are channels. */
            GovNameRef *chan_limit;
            GovNameRef *escalate;   /* `escalate NAME`, or NULL: most rules have none, and a
                                     * large policy is mostly rules (issue 18.6) */
            GovAlerting *alerting;  /* §4.8, or NULL */
            GovNameList *inhibit;   /* §4.10: the rules it mutes, or NULL */
        } rule;
        struct {
            GovExpr *call;      /* the aggregate call */
            int agg;            /* GOV_AGG_x */
            GovExpr *last_runs; /* over last N runs */
            GovExpr *span;      /* over DURATION */
            int per; bool has_per; GovSpan per_span;
            GovExpr *where, *capacity, *lateness;
            uint8_t value_type;
        } window;
        struct {
            GovExpr *of, *baseline, *current, *threshold, *min_samples, *capacity;
            GovExpr *for_, *stale_after;   /* `test S > X for D`, `stale after D` (§4.5.1) */
            GovStr stat; GovSpan stat_span; int stat_kind;
            GovExprList bins;
            int per; bool has_per;
            uint32_t nfine, ncoarse;   /* buckets of the current window and the baseline (checker) */
            int severity, verdict; GovSpan sev_span;
            GovNameRef *sev_limit; bool verdict_follows;   /* as a rule's (§4.1.1) */
            GovNameList notify; GovNameRef escalate;
            GovNameRef *chan_limit;    /* as a rule's (§4.1.2) */
            GovAlerting *alerting;  /* §4.8, or NULL */
            GovNameList *inhibit;   /* §4.10: the rules it mutes, or NULL */
        } drift;
        struct {
            GovExpr *when, *sla, *capacity;
            GovStrList approvers;      /* strings and approver groups' names, as written */
            uint8_t *is_group;         /* per approvers item: 1 when it names a group */
            struct GovDecl **group;    /* per approvers item: the group (checker), or NULL */
            GovStr *who; uint32_t nwho;  /* the distinct approvers, groups expanded (checker) */
            int64_t quorum; GovSpan quorum_span;   /* `approvers N of ...`: N; 0 when not given */
            GovExpr *requester;        /* `requester KIND.field`: separation of duties, or NULL */
            struct GovField *requester_field;      /* resolved by the checker */
            GovTimeout timeout; GovNameRef timeout_chain; GovSpan timeout_span;
            GovNameList notify;
            /* Settings scopes set (§4.2.1): the limit `sla NAME` names (checker), or NULL. */
            struct GovDecl *sla_limit;
            struct GovDecl *appr_limit;   /* `approvers [N of] NAME`: the allowlist, or NULL */
            struct GovDecl *timeout_limit;  /* `on timeout NAME`: the min verdict limit, or NULL */
            GovSpan appr_span;            /* ... where it is named */
        } gate;
        struct { GovStrList members; } group;   /* approvers NAME = "a", "b" */
        struct {
            GovEscStep *steps; uint32_t nsteps, cap;
            GovExpr *repeat, *capacity;
        } esc;
        struct {
            GovStr *param_names; GovStr *param_types; GovSpan *param_spans; uint32_t nparams;
            GovStr ret_type; GovSpan ret_span;
            uint8_t *ptypes; uint8_t rtype;
            uint8_t on_error;          /* GovOnError */
            int on_error_verdict;      /* ON_ERROR_VERDICT: the verdict */
            GovExpr *on_error_value;   /* ON_ERROR_DEFAULT: the constant default */
            GovSpan on_error_span;
        } ext;
    } u;
};

/* ------------------------------------------------------------------ sets */

/* allowlist and denylist limits (spec/language.md §5.1), and channel sets: a `min` limit
 * whose value is a list of channel names (§4.1.2), tightened as a denylist is (it may
 * only gain members). */
typedef enum GovSetKind { GOV_SET_NONE, GOV_SET_ALLOW, GOV_SET_DENY, GOV_SET_CHAN } GovSetKind;

/* A set value as the checker leaves it: its members in source order, each exact (a
 * string: a member without glob metacharacters, escapes removed) or a glob (compiled, as
 * `matches` compiles its pattern). rank orders the settings of one set limit tightest
 * first (lang/sets.c), the order the compiler numbers their sets in. */
typedef struct GovSetVal {
    uint32_t n;
    GovStr *text;          /* each member as written (the decoded string) */
    GovSpan *spans;
    GovStr *exact;         /* exact members' bytes; .s NULL for a glob */
    GovPattern **glob;     /* glob members' compiled patterns; NULL for an exact member */
    GovStr *sorted;        /* the exact members, sorted bytewise (a prefix first), unique */
    uint32_t nsorted;
    uint32_t rank;
    uint32_t index;        /* the compiler's SETS index for it */
    bool has_glob;
    bool names;            /* a channel set's: members are channels' names, shown bare */
} GovSetVal;

/* ------------------------------------------------------------------ scopes */

typedef struct GovOverride {
    GovStr name;
    GovSpan span;          /* name = value */
    GovSpan name_span;
    GovExpr *value;
    GovDecl *limit;        /* resolved by the checker */
    GovSetVal *sv;         /* a set limit's value, checked */
} GovOverride;

typedef struct GovScope GovScope;
struct GovScope {
    uint8_t level;         /* GovLevel */
    uint8_t bad_name;      /* the name was a malformed string, already reported */
    uint8_t bad_nesting;   /* set by the checker: this block or an ancestor is misplaced (E052) */
    GovStr name;
    GovSpan span;          /* the header: scope LEVEL "NAME" */
    GovScope *parent;
    GovOverride *overrides; uint32_t noverrides, ocap;
    GovScope **children; uint32_t nchildren, ccap;
    uint32_t index;        /* order of appearance across the policy */
    /* Filled by the checker: the (level -> name) constraints of the path. */
    uint8_t mask;          /* bit l set when level l is constrained */
    GovStr path[GOV_LVL__COUNT];
};

/* ------------------------------------------------------------------ tests */

typedef enum GovStepKind {
    GOV_STEP_GIVEN, GOV_STEP_EXPECT_FIRED, GOV_STEP_EXPECT_VERDICT,
    GOV_STEP_APPROVE, GOV_STEP_REJECT, GOV_STEP_ACK, GOV_STEP_TICK,   /* events */
    GOV_STEP_EXPECT_ACTION,                                           /* expect TYPE NAME */
    GOV_STEP_MOCK                                                     /* mock NAME(ARGS) = VALUE */
} GovStepKind;

typedef struct GovFieldInit {
    GovStr name;
    GovSpan span;
    GovExpr *value;
    GovField *ref;
} GovFieldInit;

typedef struct GovTestStep {
    uint8_t kind;          /* GovStepKind */
    bool negate;           /* expect R not fired */
    GovSpan span;
    GovStr name;           /* given KIND / expect RULE / approve GATE / ack CHAIN / expect T NAME */
    GovSpan name_span;
    GovStr key;            /* approve, reject, ack: the run_id or escalation key */
    GovStr by;             /* approve, reject, ack: who */
    GovStr action;         /* expect ACTION NAME: the action type, e.g. gate_open */
    GovSpan action_span;
    GovDecl *ref;
    GovExpr *at;
    GovFieldInit *inits; uint32_t ninits, icap;
    /* A table (`given KIND in [ {...}, ... ]`): row r holds inits[row_end[r-1] ..
     * row_end[r]) (row_end[-1] is 0); NULL for a single record. */
    uint32_t *row_end; uint32_t nrows, rcap;
    GovSpan *row_span;
    bool table;
    int verdict;
    /* mock NAME[(ARGS)] = VALUE: the arguments (a name `_` matches any value; has_args
     * false without parentheses: any call), the value, or fails (checker) for `= error`. */
    GovExprList args; bool has_args, fails;
    GovExpr *value;
} GovTestStep;

typedef struct GovTest {
    GovStr name;
    GovSpan span;
    GovTestStep *steps; uint32_t nsteps, cap;
} GovTest;

/* ------------------------------------------------------------------ waivers */

/* waive RULE for LEVEL "NAME" ... until TIME by "WHO" reason "WHY" (spec/language.md §4.7):
 * RULE's findings on records of that scope, before TIME, are waived. */
typedef struct GovWaiver {
    GovStr rule;
    GovSpan rule_span, span, scope_span;
    GovStr name[GOV_LVL__COUNT];   /* the scope: a name per level it constrains (mask) */
    GovSpan name_span[GOV_LVL__COUNT];
    uint8_t mask;
    bool bad_scope;        /* levels out of order or repeated (reported by the parser) */
    GovExpr *until;
    GovStr by, reason;
    GovSpan by_span, reason_span;
    struct GovDecl *ref;   /* the rule or drift (checker) */
    int64_t until_ns;      /* the checked time (checker) */
} GovWaiver;

/* silence NAME on RULE, ... [for SCOPE] from T until T [every DAYS at "HH:MM" [in "Z"]
 * for D] by "WHO" reason "WHY" (spec/language.md §4.9): the notifications of those
 * rules' findings in that scope, while it holds, are held back (notify_silenced). */
typedef struct GovSilence {
    GovStr name;
    GovSpan name_span, span, scope_span;
    GovNameList rules;     /* the rules and drifts it silences (refs: checker) */
    GovStr scope[GOV_LVL__COUNT];
    GovSpan scope_name_span[GOV_LVL__COUNT];
    uint8_t mask;          /* levels its scope names */
    bool bad_scope;
    GovExpr *from, *until;
    int64_t from_ns, until_ns;     /* checked (checker) */
    /* every ...: a maintenance window, when days is not 0 */
    uint8_t days;          /* bit d-1 for ISO weekday d (1 Monday .. 7 Sunday) */
    bool bad_day;
    GovSpan every_span, days_span;
    GovStr at, zone;       /* "HH:MM"; the zone, empty for UTC */
    GovSpan at_span, zone_span;
    GovExpr *dur;          /* `for D` */
    int32_t start_s;       /* seconds after local midnight (checker) */
    int64_t dur_ns;        /* checked (checker) */
    const struct GovZone *zone_ref;   /* the loaded zone (checker), NULL for UTC */
    GovStr by, reason;
    GovSpan by_span, reason_span;
} GovSilence;

/* ------------------------------------------------------------------ files */

typedef struct GovImport {
    GovStr path;
    GovSpan span;
    uint32_t target;       /* module index once loaded, UINT32_MAX if it failed */
} GovImport;

/* One parsed file. */
typedef struct GovModule {
    uint32_t file;         /* source index */
    bool is_module;        /* `module NAME` rather than `policy NAME` */
    GovStr name;
    GovSpan name_span;
    GovStr version;        /* `version "..."` after the header, if has_version */
    GovSpan version_span;  /* the string */
    bool has_version;
    GovImport *imports; uint32_t nimports, icap;
    GovDecl **decls; uint32_t ndecls, dcap;
    GovScope **scopes; uint32_t nscopes, scap;     /* top-level scope blocks */
    GovTest **tests; uint32_t ntests, tcap;
    GovWaiver **waivers; uint32_t nwaivers, wcap;
    GovSilence **silences; uint32_t nsilences, scap2;
    bool parsed;           /* false when the file could not be read or lexed at all */
} GovModule;

/* Append helpers: grow an arena array of elements of size `sz`. */
void *govA_grow(GovArena *a, void *items, uint32_t n, uint32_t *cap, size_t sz);
#define GOV_PUSH(arena, arr, n, cap, val)                                          \
    do {                                                                           \
        (arr) = govA_grow((arena), (arr), (n), &(cap), sizeof *(arr));             \
        (arr)[(n)++] = (val);                                                      \
    } while (0)

/* Bounds the language places on every input (spec/language.md §1, §2). */
enum {
    GOV_MAX_NESTING = 256,     /* expression and block depth */
    GOV_MAX_IDENT = 128,
    GOV_MAX_EXTERN_PARAMS = 16,   /* GOVB_MAXPARAMS: what one CALL can pass */
    GOV_MAX_APPROVERS = 64,       /* GOVB_MAXAPPROVERS: distinct approvers of one gate */
    GOV_MAX_STRING = 4096,
    GOV_MAX_FILE = 64 << 20
};

#endif
