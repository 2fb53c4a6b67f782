/* stdlib.c: finding an embedded standard module by name (the table is generated from
 * stdlib/ by embed.c). */
#include "compiler/stdlib.h"

#include <string.h>

bool gov_std_lookup(const char *name, const char **text, uint32_t *len)
{
    for (const GovStdModule *m = gov_std_modules; m->name; m++)
        if (strcmp(m->name, name) == 0) {
            *text = m->text;
            *len = m->len;
            return true;
        }
    return false;
}
