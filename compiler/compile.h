/* compile.h: lowering a checked policy to .govb bytecode (vm/gov_format.h).
 *
 * The compiler reads the checked tree only; it reports what the VM cannot run yet (for
 * example windows) as errors in the same diagnostics, and never emits a file the VM's
 * verifier would reject: govc loads every file it writes with libgov before saving it.
 */
#ifndef GOV_COMPILE_H
#define GOV_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "lang/lang.h"

typedef struct GovBuild {
    uint8_t *bytes;        /* in the front end's arena */
    size_t len;
    uint32_t nrules;       /* rules and gates lowered to rule code */
    uint32_t ncode;        /* instruction words */
    uint32_t max_steps;    /* worst case over record kinds */
} GovBuild;

/* Compile unit p (checked without errors). False when errors were reported. */
bool govK_compile(GovFrontend *fe, GovPolicy *p, GovBuild *out);
/* The same, with a build stamp (e.g. a git commit; NULL or "" for none) carried in the
 * program and every decision but not in the policy id. At most GOVK_MAX_STAMP bytes of
 * printable ASCII (govc build checks). */
#define GOVK_MAX_STAMP 128
bool govK_compile_stamped(GovFrontend *fe, GovPolicy *p, const char *stamp, GovBuild *out);

#endif
