/* govc.h: the subcommands of govc and what they share. */
#ifndef GOVC_H
#define GOVC_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/lang.h"

#define GOVC_VERSION "0.1.0"

typedef struct GovcCommand {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} GovcCommand;

int govc_check(int argc, char **argv);
int govc_build(int argc, char **argv);
int govc_disasm(int argc, char **argv);

/* Read a whole file ("-" is stdin) into malloc'd memory; NULL with errno on error. */
unsigned char *govc_read_all(const char *path, size_t *len);

/* Options every command that reads policies accepts. */
typedef struct GovcFrontOpts {
    GovFormat format;
    bool werror;
} GovcFrontOpts;

/* Parse --format; false (and a message) if the value is unknown. */
bool govc_parse_format(const char *s, GovFormat *out);

/* Load and check `paths` into fe (already initialised with setjmp done by the caller).
 * Returns the exit status so far: 0, 1 (errors) or 2 (I/O). */
int govc_front(GovFrontend *fe, char **paths, int npaths, const GovcFrontOpts *o);

#endif
