/* gen.h: random well-typed policies and records, and the differential check of the VM
 * against the reference evaluator (ref.c).
 *
 * The generator draws from a FuzzRng: libFuzzer's input bytes (then zeros when they run
 * out, so every input is a valid policy) or a seeded PRNG for the test driver. Each
 * policy has one record kind with a field of every value type, limits of every ordered
 * type with scope overrides that tighten by construction (so the checker accepts them),
 * windows (spec/language.md §4.5: count and time windows, per key with small
 * capacities, `where`, lateness; every aggregate), drifts (§4.5.1), and rules and gates
 * over random expressions of every operator, built-in and type combination of
 * spec/language.md §3.1, some of them reading windows, some sustained (§4.3: for, clear
 * when, clear after, stale after), rules and drifts inhibiting later ones (§4.10; now
 * and then one entry the checker must refuse with a predicted code). Records carry
 * adversarial float magnitudes.
 */
#ifndef GOV_FUZZ_GEN_H
#define GOV_FUZZ_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "lang/eval.h"
#include "lang/lang.h"

typedef struct FuzzRng {
    const uint8_t *p, *end;  /* bytes to draw from, or NULL for the PRNG */
    uint64_t state;
} FuzzRng;

uint32_t fuzz_rand(FuzzRng *r, uint32_t n);   /* uniform-ish in [0, n); 0 if n == 0 */

/* A record for the differential: values by slot, present or absent. */
enum { REF_MAXSLOTS = 32 };
typedef struct RefRecord {
    uint32_t nslots;
    bool present[REF_MAXSLOTS];
    GovValue v[REF_MAXSLOTS];
} RefRecord;

/* What the VM said a window or drift was after a record (from its trace): whether it
 * has a value, the value, and its counts (a window's n; a drift's baseline and current
 * counts). */
typedef struct RefVMValue {
    bool has;
    GovValue v;
    uint64_t n, nb, nc;
} RefVMValue;
enum { REF_MAXWIN = 8, REF_MAXDRIFT = 4 };
typedef struct RefVM {
    RefVMValue win[REF_MAXWIN];     /* windows in declaration order */
    RefVMValue drift[REF_MAXDRIFT]; /* drifts in declaration order */
} RefVM;

/* The reference evaluator's decision for one record. */
enum { REF_MAXRULES = 64 };
typedef struct RefDecision {
    int verdict;
    uint32_t nfired;
    GovDecl *fired[REF_MAXRULES];
    bool quiet[REF_MAXRULES];  /* a sustained rule that goes on firing: no notifications */
} RefDecision;

/* The value in force of limit `lim` for `rec` (spec/language.md §5) and where it came
 * from: the override (NULL for the default). */
void ref_resolve(const GovPolicy *p, const GovDecl *lim, const RefRecord *rec, GovValue *out,
                 const GovOverride **from);
/* The value in force of channel set `lim` for `rec` (spec/language.md §4.1.2): the most
 * specific matching setting's, the larger of equally specific ones; and its override
 * (NULL for the default). */
void ref_resolve_set(const GovPolicy *p, const GovDecl *lim, const RefRecord *rec, const GovSetVal **out,
                     const GovOverride **from);
/* Evaluate an expression of the checked tree over `rec`. */
GovValue ref_eval(const GovPolicy *p, const GovExpr *e, const RefRecord *rec);
/* Which rules and gates fire, in declaration order, and the verdict, for the last of
 * the `n` records of `hist` (the ones before it are what windows have seen; n <=
 * REF_MAXHIST). */
enum { REF_MAXHIST = 64 };
void ref_decide(const GovPolicy *p, const RefRecord *hist, uint32_t n, RefDecision *out);
/* Check what the VM said each window and drift was after the last of hist[0..n)
 * against the exact values recomputed from the records (spec/language.md §4.5, §4.5.1):
 * exact where the spec says exact, else within the stated bound. Call once per record,
 * in order (n = 1 starts a new stream); ref_decide then decides with the values it
 * accepted. false, with why, on a value beyond its bound. */
bool ref_observe(const GovPolicy *p, const RefRecord *hist, uint32_t n, const RefVM *vm, char *why, size_t len);
/* The same reference for streams of any length (tests/audit/exact.c): one window (or
 * drift) of a checked policy, fed every record of its kind in order (ref_window_take),
 * holds after each what spec/language.md 4.5 (4.5.1) says it holds for that record's key
 * (keys and eviction, lateness, buckets), keeping only values that may still be held; it
 * allocates as it goes (a test, not the VM). ref_window_check then judges the VM's value
 * (a drift's statistic and counts) for that record as ref_observe does: false, with why,
 * on a value beyond its bound. ref_observe's replays go through the same code. */
typedef struct RefWindow RefWindow;
RefWindow *ref_window_new(const GovPolicy *p, const GovDecl *w);
void ref_window_take(RefWindow *s, const RefRecord *rec);
bool ref_window_check(RefWindow *s, const RefVMValue *vm, char *why, size_t len);
typedef struct RefWindowStats {
    uint64_t taken;      /* values taken */
    uint64_t late;       /* records late (or older than the oldest bucket): not taken */
    uint64_t evicted;    /* keys evicted from a full table */
    uint64_t pushed_out; /* values a count window's newer ones pushed out */
    uint64_t kept;       /* values the reference keeps now, over every key */
} RefWindowStats;
void ref_window_stats(const RefWindow *s, RefWindowStats *st);
void ref_window_free(RefWindow *s);
/* The window values of the last ref_decide, one comment line each, for a report. */
void ref_describe_windows(FILE *f);

/* Counts for the report. */
typedef struct DiffStats {
    uint64_t policies, records, findings, divergences;
    uint64_t refused;   /* policies with an `inhibit` entry made invalid on purpose, refused as predicted */
    uint64_t inhibited; /* findings whose notifications an inhibitor muted */
    uint64_t from_set;  /* notifications to a channel a channel set gave (spec/language.md §4.1.2) */
} DiffStats;

/* Generate one policy and `nrecords` records from r, compile the policy, and compare
 * the VM (typed and JSON entry points) with the reference on every record. A
 * divergence is printed with the policy and the record and aborts when `abort_on` is
 * set (the fuzz target), else is counted. */
void fuzz_diff_one(FuzzRng *r, uint32_t nrecords, bool abort_on, DiffStats *st);

#endif
