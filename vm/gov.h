/* gov.h: libgov, the gov policy VM. The one public header.
 *
 * A host links libgov alone (no compiler) to enforce a compiled policy (.govb) on every
 * run record its agents produce. The life-cycle:
 *
 *   1. Load.     gov_program_load() verifies the bytes completely before anything runs:
 *                every section bound and length (checked arithmetic), every operand in
 *                range, every jump forward and in bounds, constant, field, limit and
 *                register types consistent, the step bound, and the XXH3 checksum.
 *                Anything else is rejected with a code and a message. A .govb may be
 *                corrupt or hostile; the verifier is the security boundary. A loaded
 *                program is read-only: share it between threads and VMs freely.
 *   2. Size.     gov_arena_size() says how many bytes a VM for this program needs, given
 *                a configuration (the JSON caps; NULL for defaults). The host provides
 *                that arena (malloc, a static buffer, ...) to gov_vm_init().
 *   2b. Bind.    A program that declares host functions (`extern fn`) needs them bound
 *                on each VM by name (gov_vm_bind: a pointer and its C signature, checked
 *                against the declaration; the call is prepared here, once, in the arena:
 *                through libffi natively, a wasm import in the WebAssembly build).
 *                gov_vm_ready() then says whether every extern without an `on error`
 *                default is bound; until it is, every record evaluates to a
 *                GOV_EUNBOUND error decision naming the extern. See "host functions".
 *   3. Evaluate. Either the typed entry point (gov_record_begin, gov_set_* by field slot,
 *                gov_eval) or the JSON one (gov_eval_json, one JSON object per call).
 *                Evaluating allocates nothing, makes no system call and reads no clock:
 *                time is the record's own event time (field "at").
 *   4. Read.     The decision: verdict, findings (rule, severity, the values compared, the
 *                limit and the scope and file:line its value came from), actions (one
 *                notification per channel per finding), the policy id, and optionally a
 *                trace (gov_vm_set_trace, gov_decision_trace) in the JSON form of
 *                spec/trace.md, rendered when asked for. A decision stays valid until
 *                the next evaluation on the same VM; what a finding compared and read
 *                (its compares, limit, windows, drift) and the trace are filled when
 *                first asked for, from the registers, so read them before the VM begins
 *                its next record or event (spec/trace.md §2).
 *   4b. Time.    The VM's clock is the latest event time it has seen. Records, gate
 *                approvals and rejections, acknowledgements and ticks (gov_tick) move
 *                it forward, never back; gate SLAs and escalation steps fall due on it
 *                (spec/trace.md §6). Each of them returns a decision whose actions the
 *                host delivers: notifications, gates opened and resolved, timeouts,
 *                escalation steps.
 *   4c. Save.    gov_state_save() writes the persistent state (clock, record count,
 *                pending gates, running escalations) into the caller's buffer, bound to
 *                the policy id; gov_state_load() restores it into a VM of the same
 *                policy, e.g. after a restart. A state is untrusted input: it is checked
 *                completely (header, per-section XXH3 checksums, every length, index and
 *                id) before anything changes, and a state of another policy is refused
 *                with GOV_EPOLICY. gov_state_carry() takes a state saved by another
 *                program of the same state layout (a new version of the policy),
 *                carrying what still means the same thing. None allocates. Format:
 *                spec/state.md.
 *   5. Free nothing: the arena is the host's. gov_program_free() frees the program,
 *                which must outlive its VMs.
 *
 * Threads: a gov_vm is used by one thread at a time; programs are shareable. There are no
 * globals. Results are codes (GOV_OK = 0); messages are retrievable (gov_error,
 * gov_vm_errmsg, gov_decision_error) and gov_errstr() names any code.
 *
 * Output buffers (decision JSON, trace, disassembly) are the caller's. When one is too
 * small the call returns GOV_ESPACE, stores the length it needed, and leaves the buffer
 * holding the empty string: output is never truncated silently.
 */
#ifndef GOV_H
#define GOV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- version and ABI
 *
 * The version this header belongs to is GOV_VERSION_STRING; the library a host runs
 * with says its own through gov_version() and gov_version_number() (MAJOR * 10000 +
 * MINOR * 100 + PATCH), so a host or a binding can compare the two at start-up.
 *
 * Shared library and compatibility. The soname is libgov.so.MAJOR (libgov.so.0 today,
 * installed as libgov.so.MAJOR.MINOR.PATCH). Within one soname, a newer library runs
 * every host built against an older one: releases only add (new functions, new GOV_E*
 * codes, new enum values at the end, new GOV_LIMIT_* ids, new members at the end of a
 * sized struct). Anything else (a function removed or changed, a member removed or
 * reordered, a meaning changed) takes a new MAJOR and so a new soname. While MAJOR is 0
 * the API may still change between minor versions, but only together with a new soname.
 *
 * Sized structs. The structs a call fills or reads through a pointer, and which may
 * grow, begin with `uint32_t size`, which the CALLER sets to sizeof the struct as its
 * header declares it, before the call:
 *
 *     gov_finding f = {.size = sizeof f};          (the members after size zeroed)
 *     gov_decision_finding(d, i, &f);
 *
 * They are gov_error, gov_config, gov_rule_info, gov_finding, gov_action,
 * gov_host_error, gov_limit_value, gov_run, gov_summary and gov_carry (and libgovc's gov_diagnostic, gov_diagnostic_note and gov_compiled).
 * The library writes only the members that lie wholly within `size` bytes and reads
 * only those, so a binding compiled against an older, smaller struct keeps working
 * when members are added at the end: it never sees them, and a gov_config too small
 * for a newer limit leaves that limit at its default. A struct larger than the
 * library knows (a newer header, an older library) keeps its extra members as the
 * caller set them: zero them. A size below the struct's first version is GOV_EMISUSE,
 * and nothing is written (gov_config_init writes nothing; gov_arena_size returns 0).
 * The structs embedded in others or passed by value (gov_value, gov_compare, gov_sig,
 * gov_run inside gov_action, and libgovc's gov_location) are frozen within a soname:
 * they never grow.
 *
 * The rules above bind published releases. None has been published yet: gov_run and
 * gov_summary gained their size within 0.1.0, before its release, so the soname stays
 * libgov.so.0. A binding built against the earlier layout that zeroes its struct (as
 * ctypes and cffi do) is refused by the size check (size 0) instead of misreading.
 *
 * Bad arguments. No function crashes on a NULL handle, a NULL pointer argument, an
 * index or id out of range, or a sized struct too small (tests/api/badargs.c calls
 * every exported function with each). What they return then:
 *   - calls that return a code: GOV_EMISUSE (gov_vm_bind: GOV_EBIND for a NULL name,
 *     function or signature, as for any binding it refuses; gov_record_begin: GOV_EKIND
 *     for a kind out of range), and nothing is written but the code's message;
 *   - calls that return a decision (gov_eval, gov_eval_json, gov_tick, gov_gate_resolve,
 *     gov_escalation_ack) never return NULL: on a NULL VM a static error decision of
 *     status GOV_EMISUSE that no VM owns; on a VM, an error decision of that VM;
 *   - the decision getters take NULL as such an error decision: status GOV_EMISUSE,
 *     verdict GOV_ALLOW, no findings, actions or host errors, line 0, kind NULL,
 *     policy id "", and gov_decision_json and gov_decision_trace return GOV_EMISUSE;
 *   - counts return 0 (gov_field_count: -1, as for a kind out of range); finds return
 *     -1; names return NULL; gov_program_partition returns -1; gov_vm_now INT64_MIN;
 *     messages (gov_vm_errmsg, gov_decision_error, gov_errstr, gov_partition_name) are
 *     never NULL; functions returning nothing do nothing.
 * Pointers may be NULL only where a function says so; a string and its length may be
 * NULL and 0 together. Handles that are not NULL must be live ones this library made:
 * a freed or forged handle is not detected. */
#define GOV_VERSION_MAJOR 0
#define GOV_VERSION_MINOR 1
#define GOV_VERSION_PATCH 0
#define GOV_VERSION_STRING "0.1.0"
#define GOV_VERSION_NUMBER (GOV_VERSION_MAJOR * 10000 + GOV_VERSION_MINOR * 100 + GOV_VERSION_PATCH)

#if defined(__GNUC__)
#define GOV_API __attribute__((visibility("default")))
#else
#define GOV_API
#endif

typedef struct gov_program gov_program;   /* a verified, read-only program */
typedef struct gov_vm gov_vm;             /* one evaluator, living in a host arena */
typedef struct gov_decision gov_decision; /* the result of one evaluation */

/* ---------------------------------------------------------------- result codes */
#define GOV_CODES(X)                                                               \
    X(GOV_OK,        0,  "ok")                                                     \
    X(GOV_ENOMEM,    1,  "out of memory")                                          \
    X(GOV_EMISUSE,   2,  "API misuse")                                             \
    X(GOV_ESPACE,    3,  "buffer or arena too small")                              \
    X(GOV_EMAGIC,    10, "not a .govb file")                                       \
    X(GOV_EVERSION,  11, "unsupported format version or flags")                    \
    X(GOV_ETRUNC,    12, "truncated or mis-sized file")                            \
    X(GOV_ECHECKSUM, 13, "checksum mismatch")                                      \
    X(GOV_ESECTION,  14, "bad section table")                                      \
    X(GOV_EUNSUPP,   15, "section not supported by this VM")                       \
    X(GOV_EBOUNDS,   16, "index or length out of range")                           \
    X(GOV_ETYPE,     17, "inconsistent types")                                     \
    X(GOV_EOPCODE,   18, "invalid instruction")                                    \
    X(GOV_EJUMP,     19, "jump out of its rule")                                   \
    X(GOV_ESTEPS,    20, "wrong step bound")                                       \
    X(GOV_EVALUE,    21, "invalid constant or table value")                        \
    X(GOV_EJSON,     30, "malformed JSON record")                                  \
    X(GOV_ECAP,      31, "record exceeds a limit")                                 \
    X(GOV_EKIND,     32, "unknown record kind")                                    \
    X(GOV_EMISSING,  33, "missing required field")                                 \
    X(GOV_EFIELD,    34, "field has the wrong type or unit")                       \
    X(GOV_ENOTRACE,  35, "no trace buffer")                                       \
    X(GOV_EEVENT,    36, "malformed event")                                        \
    X(GOV_EPOLICY,   37, "state saved under another policy")                       \
    X(GOV_EBIND,     38, "host function does not match its declaration")           \
    X(GOV_EUNBOUND,  39, "host function not bound")                             \
    X(GOV_ELIMITS,   40, "malformed limits file")                                \
    X(GOV_ELOOSEN,   41, "limits file loosens a limit")                          \
    X(GOV_ETRACE,    42, "malformed compact trace")                              \
    X(GOV_ESOURCE,   50, "the sources have errors")                              \
    X(GOV_EIO,       51, "a source could not be read")                           \
    X(GOV_EINTERNAL, 52, "internal compiler error")

enum {
#define GOV_X(name, num, msg) name = num,
    GOV_CODES(GOV_X)
#undef GOV_X
};

/* Codes 50 and up are libgovc's (gov_compiler.h): compiling sources. */

/* A static description of any code ("unknown code" for others). */
GOV_API const char *gov_errstr(int code);
/* The library's version at run time: "0.1.0", and 100 for 0.1.0 (see above). */
GOV_API const char *gov_version(void);
GOV_API int gov_version_number(void);

/* Value types, verdicts and severities (the numbers of gov_format.h and the spec). */
enum { GOV_INT = 1, GOV_FLOAT, GOV_RATIO, GOV_DURATION, GOV_TIME, GOV_MONEY, GOV_BOOL,
       GOV_STRING, GOV_ID, GOV_SEVERITY, GOV_VERDICT, GOV_SET, GOV_STRINGS };
enum { GOV_ALLOW = 0, GOV_WARN, GOV_REVIEW, GOV_PAUSE, GOV_BLOCK };
enum { GOV_INFO = 0, GOV_WARNING, GOV_CRITICAL };

/* ---------------------------------------------------------------- 1. load */

typedef struct gov_error {
    uint32_t size;         /* sizeof(gov_error), set by the caller (see "Sized structs") */
    int code;              /* GOV_OK or a GOV_E... code */
    uint32_t offset;       /* byte offset in the file the error concerns, or 0 */
    char message[200];     /* NUL-terminated, human-readable */
    /* Since limits files (gov_program_load_limits); read only by callers whose struct
     * has them (size): the error's line and column in the limits file (from 1; 0 when
     * the error is not in it), and a note pointing at a related place, "FILE:LINE:COL:
     * note: TEXT" (E050's note: the setting that was loosened), or "". */
    uint32_t line, col;
    char note[256];
} gov_error;

/* Verify and load a program. The bytes are copied; the caller may free them after.
 * On failure *out is NULL and err (if not NULL) holds the code and message. NULL bytes
 * with len > 0, a NULL out or an err whose size is too small: GOV_EMISUSE. */
GOV_API int gov_program_load(const void *bytes, size_t len, gov_program **out, gov_error *err);
GOV_API void gov_program_free(gov_program *p);

/* Limits as data (spec/language.md §5.2). Load a program as gov_program_load does, with
 * the limits file `limits` (JSON, limits_len bytes; named limits_name in decisions and
 * traces, "limits.json" when NULL) loaded beside it: each entry becomes a scope block
 * after the policy's own, held to the policy's tighten-only proof. The result is a new
 * program: its id covers the entries (not the file's name, layout or entry order), and
 * decisions name the file and line an entry's value came from. Refused: a file that is
 * not well-formed (GOV_ELIMITS), one that loosens a limit (GOV_ELOOSEN, with E050's
 * message and note), and any error gov_program_load gives for bytes. err's line, col
 * and note locate a file's error. Allocates (as loading does), never while evaluating.
 * NULL bytes or limits with a length above 0, a NULL out or a too small err: GOV_EMISUSE. */
GOV_API int gov_program_load_limits(const void *bytes, size_t len, const char *limits, size_t limits_len,
                                    const char *limits_name, gov_program **out, gov_error *err);

GOV_API const char *gov_program_name(const gov_program *p);
/* The policy id: 32 lowercase hex digits of the XXH3-128 hash of the program's meaning,
 * without source positions, file names or build stamp (spec/bytecode.md §2):
 * reformatting, moving or renaming a policy's files keeps its id. */
GOV_API const char *gov_program_id(const gov_program *p);
/* The policy's `version "..."` (part of its meaning, so of its id), and the build stamp
 * given to `govc build --stamp` (not part of the id); NULL when there is none. */
GOV_API const char *gov_program_version(const gov_program *p);
GOV_API const char *gov_program_stamp(const gov_program *p);

/* Record kinds and their fields (slots). Names are NUL-terminated. Slots 0..5 of every
 * kind are tenant, project, workflow, agent, run_id and at. */
GOV_API int gov_kind_count(const gov_program *p);
GOV_API const char *gov_kind_name(const gov_program *p, int kind);
GOV_API int gov_kind_find(const gov_program *p, const char *name);            /* -1 */
GOV_API int gov_field_count(const gov_program *p, int kind);
GOV_API const char *gov_field_name(const gov_program *p, int kind, int slot);
GOV_API int gov_field_type(const gov_program *p, int kind, int slot);         /* GOV_INT.. */
GOV_API int gov_field_find(const gov_program *p, int kind, const char *name); /* -1 */

/* Partitioning (spec/govd.md §5). A host running several VMs of one program must send
 * every record with the same value of the partition key to the same VM, or keyed state
 * (windows, sustained rules, drifts kept per a level, escalations, gates) splits.
 * gov_program_partition returns the coarsest key any keyed state is kept per:
 * GOV_PART_ANY (no state: any VM may take any record), a scope level (keys of finer
 * levels stay exact when each of their values occurs under one value of it, as the
 * scope hierarchy intends), GOV_PART_RUN (only gates: by run_id), or GOV_PART_ONE (some
 * state is kept once for all records: the program cannot be partitioned). why, if not
 * NULL, names the declaration that decided it. -1 for a NULL program. */
enum { GOV_PART_ANY = 0, GOV_PART_TENANT, GOV_PART_PROJECT, GOV_PART_WORKFLOW, GOV_PART_AGENT,
       GOV_PART_RUN, GOV_PART_ONE };
GOV_API int gov_program_partition(const gov_program *p, char *why, size_t cap);
/* "any", "tenant", "project", "workflow", "agent", "run_id", "none". */
GOV_API const char *gov_partition_name(int part);
/* The partition function (spec/scaleout.md §1), the one govd's VMs and the Redis
 * scale-out's partition streams both route by: XXH3-64 (seed 0) of the key value's bytes
 * (the decoded UTF-8 of the record's string), modulo n; 0 when n is 0. A NULL key is
 * the empty key. */
GOV_API uint32_t gov_partition_of(const void *key, size_t len, uint32_t n);
/* The partition (0..n-1) of one JSON record or event of program p: gov_partition_of of
 * the value of its first top-level member named by p's partition key ("agent", ...),
 * decoded, or of the empty string when that member is absent or not a string (a record
 * without it has the field's default ""). GOV_OK; GOV_EJSON when the line is not a
 * well-formed JSON object as far as the member (*out is then the empty key's
 * partition, where the VM gives the line its error decision); GOV_EMISUSE (and *out 0)
 * for n 0, a key of GOV_PART_ANY (any partition will do: the host chooses), or
 * GOV_PART_ONE with n > 1 (the program cannot be partitioned). Allocates nothing. */
GOV_API int gov_record_partition(const gov_program *p, const char *json, size_t len, uint32_t n, uint32_t *out);
/* 32 hex digits hashing what a saved state's entries mean (table shapes, capacities,
 * indices, names behind gate and escalation ids, window, rule and drift parameters;
 * not the code). Two programs with equal layouts can take each other's states once the
 * state is rebound to the new policy id (spec/govd.md §6). */
GOV_API void gov_program_state_layout(const gov_program *p, char out[33]);
/* 32 hex digits hashing what the notification groups' saved state means (each
 * NOTIFYCFG entry's rule, group_by, capacity, group_wait, repeat_interval and channel
 * universe); 32 zeros for a program without notification settings. Not covered by
 * gov_program_state_layout: gov_state_carry carries those groups rule by rule. */
GOV_API void gov_program_notify_layout(const gov_program *p, char out[33]);

/* Rules: every rule, gate and drift, in declaration order (gates and drifts report as
 * rules do: their findings carry these names). For tools that report on rules that did
 * not fire (govc replay). */
enum { GOV_RULE_PLAIN = 0, GOV_RULE_GATE, GOV_RULE_DRIFT };
typedef struct gov_rule_info {
    uint32_t size;         /* sizeof(gov_rule_info), set by the caller */
    const char *name;
    int type;              /* GOV_RULE_PLAIN, GOV_RULE_GATE or GOV_RULE_DRIFT */
    int kind;              /* its record kind (gov_kind_name) */
    int sustained;         /* 1 for a rule with `for`, `clear when` or `clear after` */
    const char *file; uint32_t line, col;       /* its declaration */
} gov_rule_info;
GOV_API int gov_rule_count(const gov_program *p);
/* GOV_OK, or GOV_EMISUSE for an index out of range. */
GOV_API int gov_rule_describe(const gov_program *p, int i, gov_rule_info *out);

/* Disassemble the whole program (tables and code) into buf, NUL-terminated. buf may
 * be NULL to ask the length (GOV_ESPACE, *len the bytes needed). */
GOV_API int gov_disasm(const gov_program *p, char *buf, size_t cap, size_t *len);

/* ---------------------------------------------------------------- 2. size and init */

/* Per-VM limits, like sqlite3_limit(). The configuration passed to gov_arena_size /
 * gov_vm_init sets each limit's value and the capacity the arena is sized for;
 * gov_vm_limit() may later change a value within that capacity. The first
 * GOV_LIMIT__JSON are limits on JSON records (what a decision log's attach line
 * records: they decide which records are refused); GOV_LIMIT_RCACHE_BYTES sizes the
 * limit resolution cache (spec/language.md §5, "Resolution in the VM"), which changes
 * no decision, only the arena's size and the time a record takes. */
enum {
    GOV_LIMIT_LINE_LENGTH,   /* bytes in one JSON line                    (65536) */
    GOV_LIMIT_NESTING,       /* depth of nested objects and arrays        (32)    */
    GOV_LIMIT_STRING_LENGTH, /* bytes of one decoded string               (4096)  */
    GOV_LIMIT_FIELDS,        /* members of the record object              (256)   */
    GOV_LIMIT_TOKENS,        /* JSON tokens (values, keys) in one line    (2048)  */
    GOV_LIMIT_RCACHE_BYTES,  /* arena bytes of the limit resolution cache (GOV_RCACHE_AUTO);
                              * 0: no cache. The cache takes the most entries (a power of two,
                              * at least 2) whose resolved limits (2 bytes each), chains and
                              * recency fit in it, no more than GOV_RCACHE_ENTRIES_MAX; fewer
                              * than two entries fit, or the program's limits and overrides
                              * number more than 65,536: none. gov_vm_limit may lower or raise it
                              * within the capacity (entries held are dropped then), and
                              * reads the bytes GOV_RCACHE_AUTO chose. */
    GOV_LIMIT__COUNT
};
#define GOV_LIMIT__JSON 5          /* limits 0..4: the JSON record limits */
/* GOV_LIMIT_RCACHE_BYTES' default: a quarter of the arena the VM needs without the cache
 * and without its state block and key-table scratch (what grows with keys, not with what
 * a record costs), at least 8,192 bytes. So a program with many limits, whose entries are
 * large, gets room for them, and the cache adds at most a quarter to a VM's per-record
 * memory. */
#define GOV_RCACHE_AUTO 0xFFFFFFFFu
#define GOV_RCACHE_ENTRIES_MAX 65536 /* resolved chains the cache holds at most */

typedef struct gov_config {
    uint32_t size;         /* sizeof(gov_config), set by the caller before gov_config_init */
    uint32_t limits[GOV_LIMIT__COUNT];
} gov_config;

/* Fill cfg->limits with the defaults above (the caller sets cfg->size first). */
GOV_API void gov_config_init(gov_config *cfg);
/* Bytes of arena a VM for p needs (0 if cfg is invalid: a limit too large, or 0 where
 * 0 is not allowed: every JSON limit). */
GOV_API size_t gov_arena_size(const gov_program *p, const gov_config *cfg);
/* Initialise a VM in the host's arena (any alignment). cfg may be NULL (defaults). */
GOV_API int gov_vm_init(const gov_program *p, const gov_config *cfg, void *arena,
                        size_t size, gov_vm **out);
/* Set limit id to value (clamped to [1, capacity]; GOV_LIMIT_RCACHE_BYTES to [0,
 * capacity]) if value >= 0; returns the previous value, or -1 for an unknown id. */
GOV_API int gov_vm_limit(gov_vm *vm, int id, int value);
/* The program a VM runs. */
GOV_API const gov_program *gov_vm_program(const gov_vm *vm);
/* The message for the last failed call on this VM (gov_set_*, gov_record_begin...). */
GOV_API const char *gov_vm_errmsg(const gov_vm *vm);
/* The VM's persistent state in memory (what a malformed record must not change): the
 * count of records, the clock, the gate and escalation tables. For tests; slots freed
 * keep stale bytes, so compare gov_state_save outputs to compare states. */
GOV_API void gov_vm_state(const gov_vm *vm, const void **bytes, size_t *len);
/* The buffer gov_decision_trace writes traces into (NULL: none). Evaluating is the same
 * with or without one: the trace is rendered from what the evaluation kept when it is
 * asked for (spec/trace.md §3). */
GOV_API void gov_vm_set_trace(gov_vm *vm, char *buf, size_t cap);

/* ---------------------------------------------------------------- 2b. host functions
 *
 * A policy declares `extern fn NAME(p: TYPE, ...) -> TYPE [on error ...]`. The host
 * gives each VM a C function per extern, of this shape (spec/bytecode.md §7):
 *
 *     int NAME(PARAM1, PARAM2, ..., RET *out);   returns 0 on success
 *
 * Each policy parameter maps to C parameters by its type:
 *     int, duration (ns), time (ns since the epoch), money (micro-dollars) -> int64_t
 *     float, ratio (a fraction)                                            -> double
 *     bool (0 or 1), severity (0..2), verdict (0..4)                       -> int
 *     string, id: two parameters, const char *bytes, size_t len (NOT NUL-terminated;
 *                 valid only during the call)
 * The result is written through the last parameter, `out`, of the C type of the
 * return type (strings and ids cannot be returned). A nonzero return, a float or
 * ratio that is NaN or infinite, or a bool, severity or verdict out of its range is a
 * failure: the policy's `on error` decides (a default value, or a verdict for the
 * record), and the decision lists it (gov_decision_host_error). The VM writes nothing
 * of the failed call. Host functions run on the evaluating thread, must not call back
 * into the VM, and should not block. */

/* C types in a signature. */
enum { GOV_C_INT64 = 1, GOV_C_DOUBLE, GOV_C_INT, GOV_C_STRING };
#define GOV_MAX_PARAMS 16   /* policy parameters of one extern (a string counts once) */

typedef struct gov_sig {
    int ret;                    /* GOV_C_INT64, GOV_C_DOUBLE or GOV_C_INT: the type of *out */
    int nparams;                /* policy parameters, 0..GOV_MAX_PARAMS */
    int params[GOV_MAX_PARAMS]; /* GOV_C_... each */
    int variadic;               /* nonzero for a variadic C function: always refused */
} gov_sig;

typedef void (*gov_fn)(void);   /* any function pointer, cast to this type */

/* The program's externs (those its code calls), in index order. */
GOV_API int gov_extern_count(const gov_program *p);
GOV_API const char *gov_extern_name(const gov_program *p, int i);
GOV_API int gov_extern_find(const gov_program *p, const char *name);   /* -1 */
/* The C signature extern i's declaration maps to; its `on error` policy: 0 none (a
 * failure blocks), 1 a default value, 2 a verdict. */
GOV_API int gov_extern_sig(const gov_program *p, int i, gov_sig *out, int *on_error);

/* Bind extern `name` on this VM to fn, whose C signature is sig. GOV_OK, or GOV_EBIND
 * with the reason in gov_vm_errmsg (no such extern, fn NULL, a variadic function, an
 * arity or a type that differs from the declaration, the backend (libffi) refusing it):
 * then the extern's previous binding, if any, stays. Binding again replaces. */
GOV_API int gov_vm_bind(gov_vm *vm, const char *name, gov_fn fn, const gov_sig *sig);
/* GOV_OK when every extern without an `on error` default is bound; otherwise
 * GOV_EUNBOUND, and gov_vm_errmsg names the first such extern. An extern with a default
 * may stay unbound: each call of it fails and takes the default. */
GOV_API int gov_vm_ready(gov_vm *vm);

/* ---------------------------------------------------------------- 3. evaluate */

/* Typed entry point. Begin a record of a kind; every field is absent. Set fields by slot
 * (the setter must match the field's class: gov_set_int for int, duration (ns), time
 * (ns since epoch), money (micro-dollars), bool, severity and verdict; gov_set_float for
 * float and ratio; gov_set_string for string and id; gov_set_strings for a list of
 * strings, n elements of lens[i] bytes, none holding a NUL byte). A failed setter
 * poisons the record: gov_eval then returns an error decision with the setter's
 * message. */
GOV_API int gov_record_begin(gov_vm *vm, int kind);
GOV_API int gov_set_int(gov_vm *vm, int slot, int64_t v);
GOV_API int gov_set_float(gov_vm *vm, int slot, double v);
GOV_API int gov_set_string(gov_vm *vm, int slot, const char *s, size_t len);
GOV_API int gov_set_strings(gov_vm *vm, int slot, const char *const *items, const size_t *lens, size_t n);
GOV_API const gov_decision *gov_eval(gov_vm *vm);

/* JSON entry point: one JSON object (one line of JSONL, without its newline). The member
 * "kind" names the record kind (optional when the program has one kind). lineno is
 * echoed in the decision. Never NULL; errors are error decisions. */
GOV_API const gov_decision *gov_eval_json(gov_vm *vm, const char *json, size_t len,
                                          uint64_t lineno);

/* Events other than records (spec/trace.md §6). gov_eval_json dispatches on the
 * member "type" ("record", the default, "approve", "reject", "ack", "tick"); these are
 * the typed forms. Times are ns since the epoch; an event older than the clock is
 * applied at the clock's time. Strings need not be NUL-terminated. */
/* A NULL gate or escalation id is GOV_EMISUSE, as is a NULL by with by_len > 0. */
GOV_API const gov_decision *gov_tick(gov_vm *vm, int64_t now);
GOV_API const gov_decision *gov_gate_resolve(gov_vm *vm, const char *gate_id, int approve, const char *by,
                                             size_t by_len, int64_t at);
GOV_API const gov_decision *gov_escalation_ack(gov_vm *vm, const char *escalation_id, const char *by,
                                               size_t by_len, int64_t at);
/* The clock (ns since epoch; INT64_MIN before the first event) and table occupancy. */
GOV_API int64_t gov_vm_now(const gov_vm *vm);
GOV_API size_t gov_vm_pending_gates(const gov_vm *vm);
GOV_API size_t gov_vm_running_escalations(const gov_vm *vm);
/* Input bytes the glob matcher (`matches`) has stepped over since gov_vm_init: one step
 * per byte, whatever the pattern. The tests read it to show that matching is linear. */
GOV_API uint64_t gov_vm_match_steps(const gov_vm *vm);
/* Rules evaluated for records since gov_vm_init (their code ran, or the threshold index
 * decided them, spec/bytecode.md §3.4): per record, the rules of its kind
 * that its scopes can reach (spec/bytecode.md §3.3: a rule whose guard names another
 * tenant, project, workflow or agent is not run, as it cannot fire) and, of those, that
 * its values can fire (§3.4, the threshold index: a rule whose `field > limit` the
 * record fails is not run); a trace does not change it. The tests
 * read it to show what the indexes leave out. */
GOV_API uint64_t gov_vm_rules_run(const gov_vm *vm);
/* Window values computed for records since init (spec/language.md §4.5, "Reading"): a
 * window's value is computed when a rule, the trace or the compact trace first reads it
 * in a record, once, so a window nothing reads costs only its update; a window whose
 * value is a load (a count, an exact sum, min or max over runs, a quantile over at most
 * 128 runs) has it from its update and is not counted. The tests read it; decisions do
 * not depend on it. 0 for a NULL VM. */
GOV_API uint64_t gov_vm_window_values(const gov_vm *vm);
/* Limit resolutions since gov_vm_init: one per record (or gov_vm_limit_value call) whose
 * scopes matched any scope block; *cached (if not NULL) gets how many of them were taken
 * from the VM's cache of resolved chains (spec/language.md §5, "Resolution in the
 * VM") instead of walking the
 * overrides. The tests read it to show the cache is used; decisions do not depend on it. */
GOV_API uint64_t gov_vm_limit_resolutions(const gov_vm *vm, uint64_t *cached);

/* ---------------------------------------------------------------- 4c. save and restore */

/* The most bytes gov_state_save can need for a VM of p (every table slot in use with a
 * key of the longest length). */
GOV_API size_t gov_state_bound(const gov_program *p);
/* Write the VM's persistent state into buf (spec/state.md). *len is the state's length;
 * GOV_ESPACE (buffer unchanged) when cap is smaller. The same state always gives the
 * same bytes. */
GOV_API int gov_state_save(const gov_vm *vm, void *buf, size_t cap, size_t *len);
/* Replace the VM's persistent state by a saved one. GOV_OK, or an error code with the
 * message in gov_vm_errmsg: GOV_EMAGIC, GOV_EVERSION, GOV_ETRUNC (lengths),
 * GOV_ECHECKSUM, GOV_ESECTION, GOV_EBOUNDS (an index or count), GOV_EVALUE (an entry
 * the VM could not have produced: a wrong id, times against the clock, a source that
 * does not start that chain, slots out of order), GOV_EPOLICY (saved under another
 * policy). On failure the VM is unchanged. */
GOV_API int gov_state_load(gov_vm *vm, const void *bytes, size_t len);
/* What gov_state_carry did with the notification groups (spec/state.md, "Carrying a
 * state"): NOTIFY rules carried, started idle, and dropped (their settings changed or
 * went); of the dropped, the groups that were not idle, the notifications they held
 * (never delivered: the host must say so), and the first rule that held one
 * (UINT32_MAX when none). */
typedef struct gov_carry {
    uint32_t size;         /* sizeof(gov_carry), set by the caller (see "Sized structs") */
    uint32_t notify_carried, notify_started, notify_dropped, groups_dropped;
    uint64_t held_dropped;
    uint32_t dropped_rule;
} gov_carry;
/* Load a state saved by program from (its policy id proves it) into vm, whose program
 * has the same state layout (gov_program_state_layout): every section as it is, the
 * notification groups rule by rule, carried where their settings are the same and
 * started idle elsewhere (*carry says what was dropped). A state of vm's own program
 * loads as gov_state_load; from NULL: a program of vm's layout without notification
 * settings. GOV_EPOLICY when the id is not from's or the layouts differ; the rest as
 * gov_state_load; GOV_EMISUSE for a NULL carry or one smaller than its first version. On
 * failure the VM is unchanged and *carry unwritten. Does not allocate. */
GOV_API int gov_state_carry(gov_vm *vm, const gov_program *from, const void *bytes, size_t len, gov_carry *carry);

/* ---------------------------------------------------------------- 4. read */

typedef struct gov_value {
    int type;              /* GOV_INT .. GOV_STRINGS */
    int64_t i;             /* class I types; GOV_SET: the set (gov_set_member); GOV_STRINGS: elements */
    double f;              /* float, ratio */
    const char *s;         /* string, id: bytes (not NUL-terminated); GOV_STRINGS: the
                              elements one after another, each followed by a NUL byte */
    size_t len;            /* bytes of s; GOV_SET: its members */
} gov_value;

/* Member k of a set value (gov_value.i of a GOV_SET value: an allowlist's or denylist's
 * value in force, a constant list): its text (NUL-terminated; *len its length), exact
 * members first in bytewise order, then the globs as written; NULL past the end. */
GOV_API const char *gov_set_member(const gov_program *p, int64_t set, size_t k, size_t *len);

typedef struct gov_compare {
    const char *op;        /* "==", "!=", "<", "<=", ">", ">=", "in", "any in", "all in" */
    gov_value lhs, rhs;
    int result;            /* 0 or 1 */
} gov_compare;

#define GOV_MAX_COMPARES 4  /* compared operand pairs kept per finding */

/* Where a setting that names a limit got its value (spec/language.md §4.1.1, §4.2.1):
 * the limit, the level that decided ("default", or "tenant".."agent"), the scope's name
 * ("" for the default) and the place the value is set. limit is NULL when the setting
 * is not a limit. */
typedef struct gov_from {
    const char *limit;
    const char *level;
    const char *scope;
    const char *file; uint32_t line, col;
} gov_from;

typedef struct gov_finding {
    uint32_t size;                              /* sizeof(gov_finding), set by the caller */
    const char *rule;
    int severity, verdict;
    const char *file; uint32_t line, col;       /* the rule's declaration */
    int ncompares;                              /* <= GOV_MAX_COMPARES */
    gov_compare compares[GOV_MAX_COMPARES];
    const char *limit;                          /* NULL if the rule read no limit */
    gov_value limit_value;
    const char *limit_level;                    /* "tenant".."agent", or "default" */
    const char *limit_scope;                    /* the scope's name; "" for default */
    const char *limit_file; uint32_t limit_line, limit_col;
    /* A waived finding (spec/language.md §4.7): it set no verdict and notified nothing.
     * Read only by callers whose struct has these fields (size). */
    int waived;                                 /* 1 when a waiver covers it */
    const char *waived_by, *waived_reason;      /* the waiver's `by` and reason */
    int64_t waived_until;                       /* its end, ns since the epoch */
    /* An inhibited finding (spec/language.md §4.10): the rule whose finding on the same
     * record muted its notifications, else NULL. Read only when size has it. */
    const char *inhibited_by;
    /* A rule whose severity is a limit (spec/language.md §4.1.1): where the severity in
     * force came from (limit NULL otherwise). Read only when size has it. */
    gov_from severity_from;
} gov_finding;

/* What an action asks of the host (gov_action.type). */
enum {
    GOV_ACT_NOTIFY,         /* a fired rule's or gate's notification to a channel */
    GOV_ACT_GATE_OPEN,      /* a review gate opened: id, key (run_id), deadline */
    GOV_ACT_GATE_APPROVED,  /* resolved by an approver (by) */
    GOV_ACT_GATE_REJECTED,  /* resolved by an approver (by): the run is denied */
    GOV_ACT_GATE_TIMEOUT,   /* the SLA passed; outcome "deny", "allow" or "escalate" */
    GOV_ACT_GATE_BLOCKED,   /* a gate could not open (reason): the run is blocked */
    GOV_ACT_REFUSED,        /* an approval, rejection or ack was refused (reason) */
    GOV_ACT_ESC_START,      /* an escalation chain started */
    GOV_ACT_ESC_STEP,       /* one step's notification to one channel */
    GOV_ACT_ESC_END,        /* a chain ended: reason "completed" or "acknowledged" */
    GOV_ACT_ESC_SUPPRESSED, /* not started: the same chain runs for this source and key */
    GOV_ACT_ESC_DROPPED,    /* not started: reason (table full, key too long) */
    GOV_ACT_RULE_FIRING,    /* a sustained rule started firing: since (its condition's start) */
    GOV_ACT_RULE_CLEARED,   /* a sustained rule stopped firing: since (when it started) */
    GOV_ACT_GATE_APPROVAL,  /* an approval counted towards a gate's quorum (approvals of quorum) */
    GOV_ACT_NOTIFY_HELD,    /* a notification held for its group's next delivery (reason
                               "group_wait" or "repeat_interval"; deadline: when) */
    GOV_ACT_NOTIFY_SILENCED,/* a notification a silence or maintenance window holds back,
                               never delivered (silence, by, reason; deadline: until when) */
    GOV_ACT_NOTIFY_INHIBITED /* a notification muted because a rule that inhibits this one
                               fired on the same record, never delivered (inhibited_by) */
};

/* A held run (spec/trace.md §6): a run id with a review gate opened. Its verdict is the
 * most restrictive of its other findings' verdict, review while any of its gates is
 * pending, and block once one was rejected or timed out into deny or escalate; an
 * approval resolves only its own gate. pending 0: the run's verdict is final.
 *
 * gov_run is a sized struct (see "Sized structs"), filled by gov_decision_run, and it is
 * also embedded in gov_action as its member run. Embedded, it cannot grow without moving
 * gov_action's later members, so, like the other embedded structs, it is frozen within
 * a soname; its size is there so that a struct of another layout is refused, never
 * misread (a caller's zeroed struct of the 0.1.0 layout, which had no size, reads as
 * size 0). In a gov_action the library sets run.size itself, and writes has_run and
 * run only together: a gov_action whose size reaches into has_run or run but does not
 * hold the whole of this run (the 0.1.0 gov_action, whose run had no size) is refused
 * with GOV_EMISUSE; one that ends before has_run gets neither, as before. */
typedef struct gov_run {
    uint32_t size;         /* sizeof(gov_run), set by the caller of gov_decision_run */
    const char *run_id; size_t run_id_len;
    int verdict;           /* GOV_ALLOW..GOV_BLOCK: what the host should do with the run now */
    int findings;          /* the most restrictive verdict of its findings that are not gates */
    int gates, approved, rejected, timed_out, pending;
} gov_run;

typedef struct gov_action {
    uint32_t size;                              /* sizeof(gov_action), set by the caller */
    const char *channel, *kind, *target;        /* kind: "slack", "pagerduty", ...; NULL
                                                   for actions that notify no channel */
    const char *rule;                           /* the rule or gate that caused it */
    int severity, verdict;
    /* since gates and escalations (all NULL or 0 for plain notifications): */
    int type;                                   /* GOV_ACT_... */
    const char *type_name;                      /* "notify", "gate_open", ... (JSON) */
    const char *gate;                           /* gate name, or NULL */
    const char *escalation;                     /* escalation name, or NULL */
    char id[17];                                /* gate or escalation id (hex), or "" */
    const char *key; size_t key_len;            /* run_id (gates), key (escalations, and rule_firing
                                                   and rule_cleared of a rule kept per key) */
    const char *by; size_t by_len;              /* approver or acknowledger */
    const char *outcome;                        /* timeout outcome, or NULL */
    const char *reason;                         /* refusal, blocking or ending reason */
    int64_t at;                                 /* when it happened (ns since epoch) */
    int64_t deadline;                           /* gate_open: when the SLA runs out; notify_held:
                                                   when its group delivers it */
    int64_t since;                              /* rule_firing, rule_cleared (above) */
    int step, round, skipped;                   /* escalation_step */
    const char *policy_id;
    /* gate actions (0 or NULL otherwise): */
    int approvals, quorum;                      /* gate_approval, gate_approved: approvals so far
                                                   of the quorum the gate needs */
    const char *requester; size_t requester_len;/* gate_open of a gate with `requester` */
    int has_run;                                /* 1: run is the held run, after this action */
    gov_run run;
    /* Notifications of a rule with notification settings (spec/language.md §4.8); read
     * only by callers whose struct has them (size). key is the group. */
    int grouped;                                /* notify: the findings it covers (>= 1);
                                                   notify_held: 1; else 0 */
    int64_t first;                              /* ... when the first of them came */
    const char *silence;                        /* notify_silenced: the silence's name; else NULL */
    const char *inhibited_by;                   /* notify_inhibited: the inhibiting rule; else NULL */
    /* gate_open of a gate whose settings are limits (spec/language.md §4.2.1): where the
     * SLA, the approver set and the timeout outcome in force came from (limit NULL for
     * a setting that is a constant), and that outcome ("deny" or "allow"; else NULL).
     * Read only when size has them. */
    gov_from sla_from, approvers_from, timeout_from;
    const char *on_timeout;
    /* A notification to a channel its rule's channel set gave (spec/language.md §4.1.2):
     * the set's limit and where its value in force came from (level NULL for a group's
     * delivery on the clock, which names the set alone); limit NULL otherwise. Read only
     * when size has it. */
    gov_from channel_from;
} gov_action;

GOV_API int gov_decision_status(const gov_decision *d);        /* GOV_OK or error code */
GOV_API const char *gov_decision_error(const gov_decision *d); /* "" when ok */
/* The most restrictive finding's verdict, GOV_ALLOW if none fired. An error decision
 * also reports GOV_ALLOW (so the value can index a table): check the status first and
 * choose what a bad record means for your host (the JSON form says "verdict":null). */
GOV_API int gov_decision_verdict(const gov_decision *d);
GOV_API uint64_t gov_decision_line(const gov_decision *d);
GOV_API const char *gov_decision_policy_id(const gov_decision *d);
/* The program that made the decision (its name, id, version and stamp). */
GOV_API const gov_program *gov_decision_program(const gov_decision *d);
/* A record's run_id (bytes, not NUL-terminated, valid until the next evaluation; NULL
 * with *len 0 for an event or an error decision) and event time: the record's `at`, or
 * an event's clock, in ns since the epoch; INT64_MIN for an error decision of a record.
 * The decision log (log/govlog.h) records both beside each decision. */
GOV_API const char *gov_decision_run_id(const gov_decision *d, size_t *len);
GOV_API int64_t gov_decision_at(const gov_decision *d);
GOV_API const char *gov_decision_kind(const gov_decision *d);  /* NULL if unknown */
/* What was evaluated: "record", "approve", "reject", "ack" or "tick". For an approval
 * or a rejection the verdict is that of the run whose gate it names (gov_decision_run);
 * block when it names no pending gate, since it releases nothing. */
GOV_API const char *gov_decision_event(const gov_decision *d);
GOV_API size_t gov_decision_finding_count(const gov_decision *d);
GOV_API int gov_decision_finding(const gov_decision *d, size_t i, gov_finding *out);
/* Finding i's rule, as an index for gov_rule_describe (0 .. gov_rule_count - 1), without
 * filling a gov_finding; -1 for a NULL decision or an index past the count. */
GOV_API int gov_decision_finding_rule(const gov_decision *d, size_t i);

/* Limits and where their values come from (spec/language.md §5). gov_vm_limit_value
 * resolves limit i for the record being built (after gov_record_begin and the gov_set_string
 * of its tenant, project, workflow and agent slots, 0..3; an absent level is the empty
 * string, which no scope names), exactly as an evaluation of that record would, without
 * evaluating it: nothing else changes, and the record may still be evaluated. Tools use
 * it to show a limit's value in force in every scope (govc lsp's hover). GOV_OK,
 * GOV_EMISUSE (no record begun, i out of range, NULL, out's size too small), or the
 * error of a failed setter. */
enum { GOV_DIR_MAX = 0, GOV_DIR_MIN = 1 };
typedef struct gov_limit_value {
    uint32_t size;                              /* sizeof(gov_limit_value), set by the caller */
    const char *name;
    int dir;                                    /* GOV_DIR_MAX (lower is tighter) or GOV_DIR_MIN */
    gov_value value;                            /* the value in force */
    const char *level;                          /* "tenant".."agent", or "default" */
    const char *scope;                          /* the deciding scope's name; "" for default */
    const char *file; uint32_t line, col;       /* the override, or the limit's declaration */
} gov_limit_value;
GOV_API int gov_limit_count(const gov_program *p);
GOV_API int gov_limit_find(const gov_program *p, const char *name);    /* -1 */
/* The program's overrides (scope blocks' settings, and a limits file's entries once
 * loaded with gov_program_load_limits), limit by limit, most specific first: for tools
 * that compare limits (govc diff of two limits files). GOV_OK, or GOV_EMISUSE for an
 * index out of range, a NULL, or out's size too small. A set limit's value is its set
 * (gov_set_member). */
typedef struct gov_override_info {
    uint32_t size;                              /* sizeof(gov_override_info), set by the caller */
    const char *limit;                          /* the limit's name */
    int dir;                                    /* GOV_DIR_MAX or GOV_DIR_MIN */
    const char *path[4];                        /* the scope's tenant, project, workflow and
                                                   agent names; NULL where it leaves one free */
    gov_value value;
    const char *file; uint32_t line, col;       /* the value's source: a .gov or a limits file */
} gov_override_info;
GOV_API int gov_override_count(const gov_program *p);
GOV_API int gov_override_describe(const gov_program *p, int i, gov_override_info *out);
GOV_API int gov_vm_limit_value(gov_vm *vm, int i, gov_limit_value *out);

GOV_API size_t gov_decision_action_count(const gov_decision *d);
/* Host function failures during this evaluation, in the order they happened. */
typedef struct gov_host_error {
    uint32_t size;              /* sizeof(gov_host_error), set by the caller */
    const char *name;           /* the extern */
    const char *rule;           /* the rule whose code called it */
    const char *reason;         /* "failed", "unbound", "not finite", "out of range" */
    int status;                 /* the function's nonzero return for "failed", else 0 */
    int verdict;                /* GOV_ALLOW.. the failure gave the record, or -1: the
                                   declared default value was used and the rule went on */
} gov_host_error;
GOV_API size_t gov_decision_host_error_count(const gov_decision *d);
GOV_API int gov_decision_host_error(const gov_decision *d, size_t i, gov_host_error *out);
GOV_API int gov_decision_action(const gov_decision *d, size_t i, gov_action *out);
/* Action i's type (GOV_ACT_..., as gov_action.type) without filling a gov_action: a
 * host that needs only some types fills the struct for those alone. -1 for a NULL
 * decision or an index past the count. */
GOV_API int gov_decision_action_type(const gov_decision *d, size_t i);
/* 1 and *out when the decision concerns a held run (a record of it, or an approval or
 * rejection of one of its gates): then the decision's verdict is the run's. Else 0 (a
 * NULL out or decision, an error decision, no held run). GOV_EMISUSE (2, so test for
 * == 1) when out's size is below sizeof(gov_run): nothing is written. */
GOV_API int gov_decision_run(const gov_decision *d, gov_run *out);
/* The decision as one line of JSON (spec/trace.md), NUL-terminated; *len excludes NUL. */
GOV_API int gov_decision_json(const gov_decision *d, char *buf, size_t cap, size_t *len);
/* The trace of this evaluation, rendered into the trace buffer on the first call (and
 * again after gov_vm_set_trace sets another buffer): GOV_OK with text/len, GOV_ESPACE
 * with *len the bytes needed (set a bigger buffer and call again), or GOV_ENOTRACE when
 * no trace buffer is set, or when the VM has begun its next record or event before the
 * trace was rendered (spec/trace.md §3). */
GOV_API int gov_decision_trace(const gov_decision *d, const char **text, size_t *len);

/* ---------------------------------------------------------------- 4d. for bindings
 *
 * A binding to another language (Python through ctypes, JavaScript through wasm) pays more
 * for each call into C than a small evaluation costs. These read, in one call, what such
 * a host reads of every decision: its status, verdict and line, and its JSON line
 * (spec/trace.md §2, as gov_decision_json writes it) in the caller's buffer. */
typedef struct gov_summary {
    uint32_t size;         /* sizeof(gov_summary), set by the caller (see "Sized structs") */
    int status;            /* gov_decision_status */
    int verdict;           /* gov_decision_verdict */
    uint64_t line;         /* gov_decision_line */
    int json;              /* GOV_OK, or GOV_ESPACE: buf holds "" and len is what it needs */
    size_t len;            /* bytes of JSON, without the NUL */
} gov_summary;
/* Fill *out from d; returns out->json (GOV_EMISUSE, nothing written, if d or out is
 * NULL or out's size is too small). */
GOV_API int gov_decision_summary(const gov_decision *d, char *buf, size_t cap, gov_summary *out);
/* gov_eval_json, then gov_decision_summary of its decision into buf and *out. out may be
 * NULL; an out whose size is too small is refused before anything is evaluated (the
 * record is not consumed): the VM's error decision of status GOV_EMISUSE, *out and buf
 * untouched. */
GOV_API const gov_decision *gov_eval_json_summary(gov_vm *vm, const char *json, size_t len, uint64_t lineno,
                                                  char *buf, size_t cap, gov_summary *out);

/* ---------------------------------------------------------------- 6. policy sets
 *
 * Several policies enforced together (two teams' and a platform-wide one): every input
 * is evaluated against each, and the set's verdict is the most restrictive
 * (spec/trace.md §11). A set is the caller's array of VMs, each initialised on its own
 * program in its own arena, in the set's order (which breaks ties: the first member
 * with the set's verdict decided it). These calls hold no state of their own and
 * allocate nothing; each member's decision stays valid until that member evaluates
 * again, so all n are readable together. Save and restore a set member by member
 * (gov_state_save and gov_state_load on each VM).
 *
 *   gov_set_eval_json  one JSON line (record or event) on every member: a record goes
 *                      to each member whose policy declares its kind, and a member
 *                      that declares no such kind is ticked to the record's time
 *                      instead, so every member's clock stays the set's; an approval,
 *                      rejection or acknowledgement goes to every member and counts
 *                      only in the one that holds that gate or escalation (ids name
 *                      their policy); the others refuse it ("no pending gate with this
 *                      id") without it counting in the set's verdict.
 *   gov_set_tick       gov_tick on every member.
 *   gov_set_json       the set's decision as one JSON line (spec/trace.md §11).
 *
 * out[i] is member i's decision; res the set's result. They return GOV_OK, or
 * GOV_EMISUSE (NULL vms, out or res, n of 0 or above GOV_SET_MAX, a NULL member, the
 * same VM twice, res's size too small) with nothing evaluated and nothing written. */
#define GOV_SET_MAX 64
typedef struct gov_set_result {
    uint32_t size;         /* sizeof(gov_set_result), set by the caller */
    int status;            /* GOV_OK, or the code of the first member whose decision is an
                              error (a member without the record's kind is not one) */
    int failed;            /* that member's index, or -1 */
    int verdict;           /* the most restrictive verdict of the members that apply; GOV_ALLOW
                              when status is not GOV_OK (as gov_decision_verdict) */
    int decided_by;        /* the first member whose verdict is the set's, or -1 when the
                              verdict is allow or status is not GOV_OK */
    int applied;           /* members the input applied to: those that evaluated the record
                              (not ticked instead), or that held the event's gate or escalation */
} gov_set_result;
GOV_API int gov_set_eval_json(gov_vm *const *vms, size_t n, const char *json, size_t len, uint64_t lineno,
                              const gov_decision **out, gov_set_result *res);
GOV_API int gov_set_tick(gov_vm *const *vms, size_t n, int64_t now, const gov_decision **out, gov_set_result *res);
/* The set's decision from the members' decisions ds[0..n) and the res they gave, into
 * buf as for gov_decision_json (GOV_ESPACE with *len the bytes needed). A decision
 * with a trace (gov_vm_set_trace) carries it as its member "trace". GOV_EMISUSE for
 * NULL ds, res or len, a NULL or VM-less decision, n out of range, or a res whose
 * indexes are out of range. */
GOV_API int gov_set_json(const gov_decision *const *ds, size_t n, const gov_set_result *res, char *buf, size_t cap,
                         size_t *len);

/* ---------------------------------------------------------------- 7. compact traces
 *
 * A decision's trace as a few dozen bytes a host can keep beside every record (spec/
 * trace.md §3.1: a versioned byte format holding the policy id, the record's fields and
 * what the trace shows that is not a function of them and the program), rendered later
 * to exactly the JSON trace gov_decision_trace gives (§3).
 *
 *   gov_trace_compact  the compact trace of d, the VM's latest decision, into the
 *                      caller's buf (no allocation): GOV_OK and *len its bytes, or
 *                      GOV_ESPACE with *len the bytes it needs (buf's content is then
 *                      unspecified); GOV_ENOTRACE once the VM has begun its next record
 *                      or event (as gov_decision_trace); GOV_EMISUSE for NULL d or len.
 *                      It writes nothing past cap nor past the trace's *len bytes, so
 *                      a host may pack traces one after another in one buffer. No
 *                      trace buffer is needed. It changes nothing in the VM.
 *   gov_trace_render   the JSON trace of a compact trace into out (NUL-terminated, as
 *                      gov_decision_trace writes it; GOV_ESPACE with *need the length
 *                      it needs). vm is any VM of the program the trace was taken under
 *                      (its policy id; GOV_EPOLICY otherwise): the render uses the VM's
 *                      per-record space, never its state, so the VM's latest decision is
 *                      gone afterwards (its decision calls say GOV_EMISUSE) and its next
 *                      record evaluates as it would have. Malformed bytes (truncated,
 *                      an index or a value out of range, anything after the end) are
 *                      GOV_ETRACE, a format version this library does not read (it
 *                      writes 4 and reads 1 to 4) GOV_EVERSION, a record begun and not
 *                      evaluated GOV_EMISUSE: then nothing is changed or written, and
 *                      gov_vm_errmsg says why. */
GOV_API int gov_trace_compact(const gov_decision *d, void *buf, size_t cap, size_t *len);
GOV_API int gov_trace_render(gov_vm *vm, const void *bytes, size_t len, char *out, size_t cap, size_t *need);

#ifdef __cplusplus
}
#endif
#endif
