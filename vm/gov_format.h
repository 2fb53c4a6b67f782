/* gov_format.h: the .govb file format, shared by the VM (reader) and govc (writer).
 *
 * STABLE: every constant and record layout below is format version 1, except RULEGUARDS
 * (section 35), which is version 2: a file holding it says 2, any other file says 1 and is
 * byte for byte a version-1 file. A change that alters the bytes of a valid file bumps
 * GOVB_VERSION. spec/bytecode.md describes the
 * same layout in prose, with the verifier's rules.
 *
 * All integers are little-endian; records are packed arrays of u32 (the CONSTS value is
 * a u64) with no padding. A section's entry count is its length divided by its entry
 * size (the length must be a whole multiple). Indices into tables are u32; GOVB_NONE
 * (0xFFFFFFFF) means "none" where a field allows it.
 *
 * File:
 *   0   4  magic "GOVB"
 *   4   2  version (GOVB_VERSION)
 *   6   2  flags (0)
 *   8   8  checksum: XXH3_64bits of bytes [16, size)
 *   16  4  size: the file's total length
 *   20  4  nsections
 *   24  12*nsections  section table: {u32 id, u32 offset, u32 length}
 *   ...    section bodies, in table order, each at an offset >= the end of the table and
 *          after the previous section's end (gaps must be zero bytes)
 * The checksum covers every byte after it. The policy id covers the program's meaning
 * and nothing else (spec/bytecode.md §2): it is XXH3_128bits over, for each section in
 * table order except those in GOVB_ID_SKIP, {u32 id, u32 length} and then the section's
 * bytes, where STRTAB and STRDATA count only the meaning strings (the first BUILD.nmeaning;
 * file names and the build stamp come after them) and every source position
 * (GOVB_SOURCE_POSITIONS: file, line and column) and the BUILD stamp read as zero. The
 * header, the section table's offsets and the source map do not count. So reformatting a
 * policy (govc fmt), naming its folder another way, moving it, or stamping a build keeps
 * its id; a new `version` changes it.
 */
#ifndef GOV_FORMAT_H
#define GOV_FORMAT_H

#include <stdint.h>

#define GOVB_MAGIC      "GOVB"
#define GOVB_VERSION    2            /* the newest version this VM reads and govc writes */
#define GOVB_VERSION_MIN 1           /* the oldest: a file without RULEGUARDS */
#define GOVB_VERSION_GUARDS 2        /* the first version that may hold RULEGUARDS */
#define GOVB_HEADER     24u          /* bytes before the section table */
#define GOVB_SECTHDR    12u          /* bytes per section table entry */
#define GOVB_MAXSECT    48u
#define GOVB_NONE       0xFFFFFFFFu
#define GOVB_MAXREGS    256u         /* registers per record kind (8-bit operands) */
#define GOVB_MAXK       65536u       /* constants addressable by Bx */
#define GOVB_MAXLIMITS  65536u       /* limits addressable by Bx */
#define GOVB_NBUILTIN   6u           /* built-in fields at slots 0..5 of every kind */

/* Sections: GOVB_SECTION(id, NAME, entry size in bytes, required). 16 (windows), 17
 * and 27 (drifts), 18, 19 and 21..23 (gates and escalations), 20 and 25 (host
 * functions), 24 and 26 (time zones), 28 (gate quorums and separation of duties), 29
 * and 32 (sustained rules), 30 (glob patterns), 31 (build: version, stamp and the
 * meaning strings' count), 33 and 34 (sets) and 35 (rule guards, version 2) are
 * optional: a file without them is exactly a file of the first version of this format. */
#define GOVB_SECTIONS(X)                                                              \
    X(1,  STRTAB,     8,  1) /* {u32 offset, u32 length} into STRDATA               */ \
    X(2,  STRDATA,    1,  1) /* string bytes                                         */ \
    X(3,  CONSTS,     16, 1) /* {u32 type, u32 zero, u64 value}                      */ \
    X(4,  CHANNELS,   12, 1) /* {u32 name, u32 kind, u32 target}                     */ \
    X(5,  LIMITS,     40, 1) /* {name, type, dir, default, file, line, col,
                                 first_override, n_overrides, zero}                  */ \
    X(6,  SCOPES,     16, 1) /* {u32 name, u32 level, u32 parent, u32 zero}          */ \
    X(7,  OVERRIDES,  24, 1) /* {u32 limit, u32 scope, u32 value, file, line, col}   */ \
    X(8,  KINDS,      24, 1) /* {name, first_field, nfields, first_reg, nregs, steps}*/ \
    X(9,  FIELDS,     24, 1) /* {name, key, type, unit, flags, default}              */ \
    X(10, REGTYPES,   1,  1) /* u8 type per register, kinds' ranges                  */ \
    X(11, RULES,      44, 1) /* {name, kind, severity, verdict, code, ncode,
                                 first_notify, nnotify, file, line, col}             */ \
    X(12, NOTIFY,     4,  1) /* u32 channel index                                    */ \
    X(13, CODE,       4,  1) /* u32 instruction words (gov_opcodes.h)                */ \
    X(14, SRCMAP,     16, 1) /* {u32 pc, u32 file, u32 line, u32 col}, pc ascending  */ \
    X(15, META,       8,  1) /* one entry: {u32 policy name, u32 zero}               */ \
    X(16, WINDOWS,    88, 0) /* {name, kind, agg, type, arg_reg, where_reg, code, ncode,
                                 level, capacity, runs, nbuckets, span_lo, span_hi,
                                 lateness_lo, lateness_hi, alpha_lo, alpha_hi, file,
                                 line, col, zero}: GOVB_WINDOW_* below             */ \
    X(17, DRIFTS,    104, 0) /* {name, kind, rule, stat, arg_reg, code, ncode, level,
                                 capacity, min_samples, first_edge, nedges, nfine,
                                 ncoarse, current_lo, current_hi, baseline_lo,
                                 baseline_hi, threshold_lo, threshold_hi, lateness_lo,
                                 lateness_hi, file, line, col, zero}: GOVB_DRIFT_*   */ \
    X(18, GATES,      32, 0) /* {rule, timeout, chain, capacity, sla_lo, sla_hi,
                                 first_approver, napprovers}                         */ \
    X(19, ESCALATIONS,24, 0) /* {name, first_step, nsteps, repeat, capacity, zero}   */ \
    X(20, EXTERNS,    24, 0) /* {name, ret type, first_param, nparams, on_error, arg}  */ \
    X(21, ESCSTEPS,   16, 0) /* {delay_lo, delay_hi, first_notify, nnotify}          */ \
    X(22, APPROVERS,  4,  0) /* u32 string index                                     */ \
    X(23, ESCALATE,   8,  0) /* {u32 rule, u32 escalation}, rule ascending           */ \
    X(24, ZONES,      16, 0) /* {u32 name, u32 first_trans, u32 ntrans, i32 off0}    */ \
    X(25, EXTPARAMS,  4,  0) /* u32 type per extern parameter, externs' lists in order */ \
    X(26, ZONETRANS,  16, 0) /* {i64 at (Unix s), i32 offset (s east), u32 zero}     */ \
    X(27, DRIFTBINS,  8,  0) /* double bits of a bin edge, drifts' lists in order    */ \
    X(28, GATEAPPROVAL,16, 0) /* {gate, quorum, requester_reg, zero}, gate ascending:
                                 the gates with a quorum above 1 or a requester    */ \
    X(29, RULESTATE,  32, 0) /* {rule, flags, for_lo, for_hi, after_lo, after_hi,
                                 level, capacity}, rule ascending: the rules with
                                 `for` or `clear`; see GOVB_RS_CLEARWHEN below      */ \
    X(30, PATTERNS,   8,  0) /* {u32 compiled (string), u32 source (string)}         */ \
    X(31, BUILD,     16,  0) /* one entry: {u32 version (string or NONE), u32 stamp
                                 (string or NONE), u32 nmeaning, u32 zero}           */ \
    X(32, RULESTALE,  16, 0) /* {rule, zero, stale_lo, stale_hi}: one per RULESTATE
                                 entry, in its order (absent: never stale)           */ \
    X(33, SETS,       16, 0) /* {first_member, nexact, nglob, kind}: GOVB_SET_* below */ \
    X(34, SETMEMBERS, 8,  0) /* {u32 text (string), u32 compiled glob (string) or NONE} */ \
    X(35, WAIVERS,   40,  0) /* {rule, by, reason, zero, until_lo, until_hi, tenant,
                                 project, workflow, agent (string or NONE)}, rule
                                 ascending: waived findings (spec/language.md §4.7)  */ \
    X(36, RULEGUARDS, 12, 0) /* {rule, level, value (string)}, rule ascending: the
                                 rule fires only for records whose built-in field of
                                 that level equals value (version 2 only)            */ \
    X(37, NOTIFYCFG, 32,  0) /* {rule, group_by, capacity, zero, wait_lo, wait_hi,
                                 repeat_lo, repeat_hi}, rule ascending: how a rule's
                                 notifications are delivered (GOVB_NC_* below)       */ \
    X(38, SILENCES,  72,  0) /* {rule, name, by, reason, tenant, project, workflow,
                                 agent, zone, days, start, zero, from_lo, from_hi,
                                 until_lo, until_hi, dur_lo, dur_hi}, rule ascending:
                                 silences and maintenance windows (GOVB_SIL_*)       */ \
    X(39, GATESCOPE, 16,  0) /* {gate, sla, approvers, timeout} (LIMITS indices or NONE),
                                 gate ascending: a gate's settings that scopes set
                                 (spec/language.md §4.2.1)                          */ \
    X(40, INHIBITS,   8,  0) /* {target, inhibitor}, (target, inhibitor) strictly
                                 ascending, inhibitor < target, same record kind, no
                                 gate: inhibition (spec/language.md §4.10)           */ \
    X(41, RULESCOPE, 16,  0) /* {rule, severity, NONE, flags}: severity a LIMITS index,
                                 rule ascending: a rule's settings that scopes set
                                 (spec/language.md §4.1.1); GOVB_RSC_* flags below   */ \
    X(42, CHANSCOPE,  8,  0) /* {rule, limit}: limit a LIMITS index of a channel set,
                                 rule strictly ascending: the channels a rule notifies
                                 beside its NOTIFY list, per scope (§4.1.2)          */

/* Source positions, which the policy id leaves out: X(section, offset) names the byte
 * offset of a {u32 file (string), u32 line, u32 col} triple in every entry of the
 * section. The id reads all three as zero, and the compiler lays the file names out
 * after the meaning strings (BUILD.nmeaning), so neither where a policy's sources lie nor
 * what they are called reaches the id. A new section whose entries carry a position adds
 * a line here (and to spec/bytecode.md §2); a section holding nothing but positions goes
 * in GOVB_ID_SKIP instead and is left out whole. GOVB_ID_STAMP is the BUILD field the
 * id also reads as zero: a build stamp says which build, not what it means. */
#define GOVB_SOURCE_POSITIONS(X)                                                      \
    X(LIMITS, 16) X(OVERRIDES, 12) X(RULES, 32) X(WINDOWS, 72) X(DRIFTS, 88) X(SRCMAP, 4)
#define GOVB_ID_SKIP(X) X(SRCMAP)
#define GOVB_ID_STAMP 4u             /* BUILD: byte offset of the stamp */

enum {
#define GOVB_X(id, name, size, req) GOVB_S_##name = id,
    GOVB_SECTIONS(GOVB_X)
#undef GOVB_X
    GOVB_S_MAX = 42
};

/* SETS: one entry per set value the program holds (an allowlist's or denylist's default
 * and overrides, a constant list an any_in/all_in tests against), each limit's sets
 * numbered tightest first (the VM breaks a tie between equally specific scopes with the
 * lower index). A set's members are SETMEMBERS[first_member .. + nexact + nglob): nexact
 * exact members (compiled NONE), sorted bytewise (a prefix first) without repeats, then
 * nglob glob members (compiled: a valid compiled glob, vm/gov_std.h). Slices follow one
 * another and cover SETMEMBERS. kind: GOVB_SET_LIST (exact members only), _ALLOW, _DENY,
 * _CHAN (exact members only, each the name of a channel: spec/language.md §4.1.2).
 * At most GOVB_MAXSETGLOBS glob members in a program: each costs the VM a matcher table
 * (2 KiB) at load. */
#define GOVB_SET_SIZE 16u
#define GOVB_SET_LIST  0u
#define GOVB_SET_ALLOW 1u
#define GOVB_SET_DENY  2u
#define GOVB_SET_CHAN  3u            /* a channel set: exact members, each a CHANNELS name */
#define GOVB_MAXSETGLOBS 4096u

/* RULESTATE.flags: the rule has `clear when` (its code sets the clear condition with
 * SETCLR); without it, the clear condition is "the rule's condition does not hold".
 * RULESTATE.level: GOVB_LV_* of the key the rule keeps its state per (the compiler
 * writes the finest `per` level among the windows the rule reads), or NONE for one
 * state; capacity: the keys its table holds (1 when NONE; else 1..GOVB_MAXCAP). */
#define GOVB_RS_CLEARWHEN 1u
#define GOVB_RULESTATE_SIZE 32u

/* NOTIFYCFG (spec/language.md §4.8): a rule's notifications are delivered per group,
 * held `group_wait` (ns, 0: none) before the first delivery and at most once per
 * `repeat_interval` (ns, 0: none) after it; at least one of the two is set. group_by:
 * bit GOVB_LV_x for each level whose value names the group (0: one group for the rule);
 * capacity: the groups its table holds (1 when group_by is 0, else 1..GOVB_MAXCAP). The
 * rule is not a gate's and notifies at least one channel. */
#define GOVB_NC_SIZE 32u
#define GOVB_NC_GROUPS 1024u         /* the compiler's capacity for a rule with group_by */

/* SILENCES (spec/language.md §4.9): one entry per rule a silence names. name, by and
 * reason are meaning strings (not empty); tenant..agent a meaning string or NONE (its
 * scope); [from, until) the time box (ns). days: 0 for a plain silence (zone NONE, start
 * and dur 0), else a maintenance window: bit d-1 for ISO weekday d, zone a ZONES index or
 * NONE for UTC, start seconds after local midnight (< 86400), dur ns in (0, 7 days]. */
#define GOVB_SIL_SIZE 72u
#define GOVB_SIL_MAXDUR INT64_C(604800000000000)

/* RULESCOPE flags: the rule gave no verdict, so its verdict is its severity's in force
 * (info allow, warning warn, critical block). */
#define GOVB_RSC_VERDICT_FOLLOWS 1u
/* GATES.timeout: what happens when a pending gate's SLA passes unanswered. */
#define GOVB_TIMEOUT_DENY     0u
#define GOVB_TIMEOUT_ALLOW    1u
#define GOVB_TIMEOUT_ESCALATE 2u     /* start GATES.chain */
#define GOVB_MAXCAP     (1u << 20)   /* pending gates or running escalations per table */
#define GOVB_MAXREPEAT  (1u << 20)   /* ESCALATIONS.repeat */
#define GOVB_MAXZONES   256u         /* ZONES and PATTERNS: addressed by an 8-bit C */
#define GOVB_MAXTRANS   4096u        /* ZONETRANS entries of one zone */
#define GOVB_MAXOFFSET  93600        /* |UTC offset| in seconds: 26 hours */

/* WINDOWS: one entry per window, in declaration order.
 *   agg       GOVB_AGG_*; type: the aggregate's value type (GOVB_TY_*)
 *   arg_reg   register of the kind holding the aggregate's argument, or NONE (count())
 *   where_reg bool register holding the `where` condition, or NONE
 *   code, ncode  the code range that computes them (CODE, after every rule's range,
 *             windows in order); no FIRE, FIREIF, T.. or LOADW in it
 *   level     GOVB_LV_* of `per LEVEL`, or NONE; capacity: keys (1 when not per)
 *   runs      N of `over last N runs` (1..GOVB_MAXRUNS), or 0 for a time window
 *   nbuckets  time windows: buckets (1..GOVB_MAXBUCKETS) dividing span exactly; else 0
 *   span      time windows: ns, > 0; count windows 0
 *   lateness  ns, >= 0;   alpha: ewma's alpha (double bits) in (0, 1], else 0
 */
#define GOVB_WINDOW_SIZE 88u
#define GOVB_AGGS(X) X(0, COUNT, "count") X(1, SUM, "sum") X(2, MEAN, "mean") X(3, MIN, "min")   \
    X(4, MAX, "max") X(5, RATE, "rate") X(6, STDDEV, "stddev") X(7, EWMA, "ewma")                \
    X(8, P50, "p50") X(9, P90, "p90") X(10, P95, "p95") X(11, P99, "p99")
enum {
#define GOVB_X(n, name, str) GOVB_AGG_##name = n,
    GOVB_AGGS(GOVB_X)
#undef GOVB_X
    GOVB_NAGG = 12
};
#define GOVB_MAXRUNS    (1u << 20)   /* runs in a count window */
#define GOVB_MAXBUCKETS 64u          /* buckets of a time window */

/* DRIFTS: one entry per drift, in declaration order (LOADD's Bx is the index).
 *   rule      the RULES entry that reports it (its code: LOADD, then TGTK threshold)
 *   stat      GOVB_STAT_*; arg_reg: register of the kind holding `of` (numeric, not time)
 *   code, ncode  the code computing it (CODE, after the windows' ranges, drifts in order)
 *   level, capacity  as WINDOWS; min_samples 1..GOVB_MAXSAMPLES
 *   first_edge, nedges  its slice of DRIFTBINS (1..GOVB_MAXEDGES increasing finite edges;
 *             nedges + 1 bins), slices following one another and covering DRIFTBINS
 *   nfine     buckets of the current window (1..GOVB_MAXBUCKETS), dividing current
 *   ncoarse   buckets of the baseline (1..GOVB_MAXBUCKETS), dividing baseline, each a
 *             whole number of current buckets; current < baseline
 *   threshold double bits, finite, >= 0; lateness ns >= 0
 */
#define GOVB_DRIFT_SIZE 104u
#define GOVB_STATS(X) X(0, PSI, "psi") X(1, KS, "ks") X(2, MEAN_SHIFT, "mean_shift")
enum {
#define GOVB_X(n, name, str) GOVB_STAT_##name = n,
    GOVB_STATS(GOVB_X)
#undef GOVB_X
    GOVB_NSTAT = 3
};
#define GOVB_MAXEDGES   64u          /* bin edges of one drift */
#define GOVB_MAXSAMPLES (1u << 30)   /* min_samples */

/* Value types (CONSTS.type, LIMITS.type, FIELDS.type, REGTYPES). 0 is invalid. */
#define GOVB_TYPES(X) \
    X(1, INT, "int") X(2, FLOAT, "float") X(3, RATIO, "ratio")                 \
    X(4, DURATION, "duration") X(5, TIME, "time") X(6, MONEY, "money")          \
    X(7, BOOL, "bool") X(8, STRING, "string") X(9, ID, "id")                    \
    X(10, SEVERITY, "severity") X(11, VERDICT, "verdict")                      \
    X(12, SET, "set") X(13, STRINGS, "strings")
enum {
#define GOVB_X(n, name, str) GOVB_TY_##name = n,
    GOVB_TYPES(GOVB_X)
#undef GOVB_X
    GOVB_TY_MAX = 13
};
/* SET values are a SETS index (a constant's u64; registers, limits and overrides only,
 * never a field or an extern's). STRINGS values are lists of strings: a field read from
 * a JSON array of strings, or a constant whose u64 is {u32 first string, u32 count}:
 * strings first .. first + count - 1 (count 0: first 0), which lie one after another. */

/* Units of record fields (FIELDS.unit), the canonical scale for each. NONE is the only
 * unit allowed for int, float, bool, string, id, severity and verdict fields; every
 * duration, money, ratio and time field names one of its type's units. */
#define GOVB_UNITS(X)                                                             \
    X(0,  NONE,     0,  "")                                                       \
    X(1,  NS,       GOVB_TY_DURATION, "ns")  X(2,  US, GOVB_TY_DURATION, "us")    \
    X(3,  MS,       GOVB_TY_DURATION, "ms")  X(4,  S,  GOVB_TY_DURATION, "s")     \
    X(5,  M,        GOVB_TY_DURATION, "m")   X(6,  H,  GOVB_TY_DURATION, "h")     \
    X(7,  D,        GOVB_TY_DURATION, "d")                                        \
    X(8,  USD,      GOVB_TY_MONEY, "usd")    X(9,  CENTS, GOVB_TY_MONEY, "cents") \
    X(10, MICROS,   GOVB_TY_MONEY, "micros")                                      \
    X(11, FRACTION, GOVB_TY_RATIO, "fraction") X(12, PERCENT, GOVB_TY_RATIO, "percent") \
    X(13, RFC3339,  GOVB_TY_TIME, "rfc3339") X(14, UNIX_S, GOVB_TY_TIME, "unix_s") \
    X(15, UNIX_MS,  GOVB_TY_TIME, "unix_ms") X(16, UNIX_NS, GOVB_TY_TIME, "unix_ns")
enum {
#define GOVB_X(n, name, ty, str) GOVB_U_##name = n,
    GOVB_UNITS(GOVB_X)
#undef GOVB_X
    GOVB_U_MAX = 16
};

/* EXTERNS.on_error: what a host function's failure means (spec/bytecode.md §host).
 * FAIL: the rule stops, the decision's verdict is at least block (arg 0). DEFAULT: the
 * call's value is constant arg (of the return type). VERDICT: the rule stops, the
 * decision's verdict is at least arg (0..4). An extern without a DEFAULT must be bound
 * before the VM evaluates. */
#define GOVB_ONERR_FAIL    0u
#define GOVB_ONERR_DEFAULT 1u
#define GOVB_ONERR_VERDICT 2u
#define GOVB_MAXEXTERNS    256u      /* CALL's B operand is 8 bits */
#define GOVB_MAXPARAMS     16u       /* parameters of one extern */
#define GOVB_MAXAPPROVERS  64u       /* approvers of a gate with a GATEAPPROVAL entry (a bit each) */

#define GOVB_F_REQUIRED 1u           /* FIELDS.flags: no default; absent is an error */

/* LIMITS.dir */
#define GOVB_DIR_MAX 0u              /* lower is tighter; a SET limit: an allowlist (fewer members) */
#define GOVB_DIR_MIN 1u              /* higher is tighter; a SET limit: a denylist (more members) */

/* SCOPES.level; also the record slots of the built-in fields tenant..agent. */
#define GOVB_LEVELS(X) X(0, TENANT, "tenant") X(1, PROJECT, "project") \
                       X(2, WORKFLOW, "workflow") X(3, AGENT, "agent")
enum {
#define GOVB_X(n, name, str) GOVB_LV_##name = n,
    GOVB_LEVELS(GOVB_X)
#undef GOVB_X
    GOVB_LV_MAX = 3
};

/* CHANNELS.kind */
#define GOVB_CHANNELS(X) X(0, SLACK, "slack") X(1, PAGERDUTY, "pagerduty") \
                         X(2, EMAIL, "email") X(3, WEBHOOK, "webhook")
enum {
#define GOVB_X(n, name, str) GOVB_CH_##name = n,
    GOVB_CHANNELS(GOVB_X)
#undef GOVB_X
    GOVB_CH_MAX = 3
};

/* Built-in fields, slots 0..5 of every kind, in this order, with these names. */
#define GOVB_SLOT_TENANT   0u
#define GOVB_SLOT_PROJECT  1u
#define GOVB_SLOT_WORKFLOW 2u
#define GOVB_SLOT_AGENT    3u
#define GOVB_SLOT_RUN_ID   4u
#define GOVB_SLOT_AT       5u

/* Instructions (gov_opcodes.h). */
enum {
#define GOV_OP(name, fmt, meaning, rule) GOV_OP_##name,
#include "vm/gov_opcodes.h"
#undef GOV_OP
    GOV_OP__COUNT
};

#define GOVB_OP(w)  ((unsigned)((w) & 0xFFu))
#define GOVB_A(w)   ((unsigned)(((w) >> 8) & 0xFFu))
#define GOVB_B(w)   ((unsigned)(((w) >> 16) & 0xFFu))
#define GOVB_C(w)   ((unsigned)(((w) >> 24) & 0xFFu))
#define GOVB_BX(w)  ((unsigned)(((w) >> 16) & 0xFFFFu))
#define GOVB_ABC(op, a, b, c) \
    ((uint32_t)(op) | ((uint32_t)(a) << 8) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 24))
#define GOVB_ABX(op, a, bx) ((uint32_t)(op) | ((uint32_t)(a) << 8) | ((uint32_t)(bx) << 16))

#endif
