/* stdlib.h: the standard modules embedded into govc at build time (see embed.c). */
#ifndef GOV_STDLIB_H
#define GOV_STDLIB_H

#include <stdbool.h>
#include <stdint.h>

typedef struct GovStdModule {
    const char *name;      /* "agent_run" for import "std/agent_run" */
    const char *text;
    uint32_t len;
} GovStdModule;

extern const GovStdModule gov_std_modules[];   /* ends with a NULL name */

bool gov_std_lookup(const char *name, const char **text, uint32_t *len);

#endif
