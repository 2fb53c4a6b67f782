/* norename.c: an LD_PRELOAD shim for tests/govd/stateaside.sh: a rename that fails. With
 * GOV_NORENAME=TEXT, rename(2) of anything to a path containing TEXT fails with EROFS
 * (a read-only file system), as it would were the state directory mounted read-only;
 * a read-only parent folder does not stop root, who runs the tests in CI. Unset, it
 * changes nothing. GOV_NORENAME=@FILE takes TEXT from FILE's first line at each rename,
 * and fails nothing while FILE does not exist: a test makes the disk "full" and then
 * gives it room again. Built without the sanitizers: it is preloaded. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*rename_fn)(const char *, const char *);

int rename(const char *from, const char *to)
{
    const char *text = getenv("GOV_NORENAME");
    char line[512] = "";
    if (text && text[0] == '@') {
        FILE *f = fopen(text + 1, "r");
        if (f) {
            if (!fgets(line, sizeof line, f))
                line[0] = 0;
            fclose(f);
        }
        line[strcspn(line, "\n")] = 0;
        text = line;
    }
    if (text && *text && to && strstr(to, text)) {
        errno = EROFS;
        return -1;
    }
    rename_fn next;
    void *p = dlsym(RTLD_NEXT, "rename");
    memcpy(&next, &p, sizeof p);
    return next(from, to);
}
