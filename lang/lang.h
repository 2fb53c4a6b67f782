/* lang.h: the front end's entry points.
 *
 * Life-cycle: govF_init, then govF_add_path for every file or directory named on the
 * command line, then govF_load (reads, parses and follows imports, grouping files into
 * policies), then govF_check (names, types, units, scopes). Diagnostics accumulate in
 * fe->diags; govF_free releases everything. Files are loaded in sorted path order, so
 * results never depend on the order of the command line or of a directory listing.
 */
#ifndef GOV_LANG_H
#define GOV_LANG_H

#include <stdio.h>

#include "lang/ast.h"
#include "lang/diag.h"

enum { GOV_MAX_WALK = 64 };  /* directory depth govF_add_path descends */

/* Standard modules: "std/NAME" resolves through this callback (text must outlive fe). */
typedef bool (*GovStdLookup)(const char *name, const char **text, uint32_t *len);

/* A checked unit: the files of one `policy NAME` plus every module they import, or a
 * module checked on its own. */
typedef struct GovPolicy {
    GovStr name;
    GovStr version;               /* its `version`, if one of its files declares it (.s NULL if not) */
    bool is_module;
    GovModule **mods; uint32_t nmods, mcap;
    uint8_t *own;                 /* own[i]: mods[i] is a policy file, not an import */
    GovDecl **decls; uint32_t ndecls, dcap;            /* declaration order */
    GovDecl **by_kind[GOV_D__COUNT]; uint32_t nkind[GOV_D__COUNT], kcap[GOV_D__COUNT];
    GovScope **scopes; uint32_t nscopes, scap;         /* every block, pre-order */
    GovTest **tests; uint32_t ntests, tcap;
    GovWaiver **waivers; uint32_t nwaivers, wcap;      /* in source order */
    GovSilence **silences; uint32_t nsilences, scap2;  /* in source order */
    GovDecl **table; uint32_t tmask;                   /* name -> decl, open addressing */
    bool failed;                                       /* errors found in this unit */
} GovPolicy;

/* A source a host gave in memory (libgovc): found by its normalised name before the file
 * system is asked, as a root and as the target of an import. */
typedef struct GovMemSource {
    const char *key;        /* normalised name */
    const char *text;       /* NUL-terminated copy in the arena */
    uint32_t len;
    bool too_big;           /* longer than GOV_MAX_FILE: E008 when it is loaded */
} GovMemSource;

typedef struct GovFrontend {
    GovArena arena;
    jmp_buf oom;
    GovSources src;
    GovDiags diags;
    GovStdLookup std_lookup;
    const char **roots; uint32_t nroots, rcap;         /* files named or found */
    GovModule **mods; const char **keys; uint32_t nmods, mcap;
    GovPolicy **pols; uint32_t npols, pcap;
    uint32_t decl_counter[GOV_D__COUNT];
    uint32_t scope_counter;
    bool io_error;                                     /* a named path could not be read */
    GovMemSource *mem; uint32_t nmem, memcap;          /* sources given in memory */
    /* Waivers' dates (spec/language.md §4.7): with waiver_dates, a waiver that ended by
     * waiver_now is E066 and one that ends within waiver_horizon of it W008 (`govc check`;
     * other commands leave waiver_dates false). */
    bool waiver_dates;
    int64_t waiver_now, waiver_horizon;
    bool no_fs;             /* read no file: paths and imports outside `mem` are errors
                               (time zones still come from tzdata) */
    /* Handles open while the arena may run out of memory: an out-of-memory longjmp
     * leaves them open, and govF_free closes them. */
    void *open_dirs[GOV_MAX_WALK + 1];
    FILE *open_file;
} GovFrontend;

/* The caller must setjmp(fe->oom) before calling anything below and free on longjmp. */
void govF_init(GovFrontend *fe, GovAllocFn alloc, void *ud, GovStdLookup std);
void govF_add_path(GovFrontend *fe, const char *path);
/* A root source held in memory under `name` (a path, "policies/x/a.gov"); its imports
 * resolve against the other in-memory sources first, as files in the same folders would.
 * The text is copied. A second source with the same normalised name replaces the first. */
void govF_add_source(GovFrontend *fe, const char *name, const char *text, size_t len);
/* The text of the file `name` whenever the front end reads that file (a root named by
 * add_path, an import), in place of the disk's: an editor's unsaved buffer. Not a root
 * itself. The text is copied; an overlay and a source of one name are one entry. */
void govF_add_overlay(GovFrontend *fe, const char *name, const char *text, size_t len);
void govF_load(GovFrontend *fe);
void govF_check(GovFrontend *fe);
void govF_free(GovFrontend *fe);

/* Check that a source holds text the lexer may read (no NUL byte, valid UTF-8);
 * reports E001 or E002 and returns false if not. */
bool govF_valid_source(GovDiags *d, uint32_t file);

/* A drift's default bin edges when it declares no `bins` (spec/language.md §4.5.1), in the
 * canonical unit of the measured type: written to out (room for 64), returns how many. */
uint32_t govC_drift_default_edges(int type, double *out);
#define GOV_DRIFT_MIN_SAMPLES 30        /* min_samples when a drift declares none */
#define GOV_DRIFT_MAX_EDGES 64          /* bin edges of one drift */

/* Lexically normalise a path into out (room for strlen(path) + 2 bytes): "." segments
 * dropped, "x/.." folded, as sources and imports are named. Returns its length. */
size_t govF_normalise(const char *path, char *out);

/* What a source declares in its header (the first words after blanks and comments):
 * 1 with *name (pointing into text) and *is_module for `policy NAME` or `module NAME`;
 * 0 when it starts with anything else; -1 when the text ends first (a prefix of a
 * longer file: read more). */
int govF_header(const char *text, size_t len, GovStr *name, bool *is_module);

/* The loosest value scope block s of checked unit p may give limit lim and pass the
 * tightening proof (spec/language.md §5): the tightest of the default and of what every
 * compatible, less specific block sets. *from: the block that sets it, NULL for the
 * default. False when the limit's value is unknown (an error). */
struct GovValue;
bool govF_scope_bound(const GovPolicy *p, const GovScope *s, const GovDecl *lim, struct GovValue *out,
                      const GovScope **from);

/* Look a name up in a checked unit; NULL if absent. */
GovDecl *govF_lookup(const GovPolicy *p, const char *name, uint32_t len);

#endif
