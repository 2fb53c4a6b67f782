/* outfile.c: replacing a file the user named (govc build -o, fmt -w, run --state).
 *
 * Each of these writes a new file beside the old one and renames it over, so a reader
 * never sees half a file. Renaming over something that is not a regular file would
 * replace it: as root, `--state /dev/null` turned the device into a file. So a path that
 * exists must be a regular file, or a symbolic link that leads to one; the link stays a
 * link and the file it leads to is the one replaced. Anything else (a device, a FIFO, a
 * socket, a directory, a link to nothing) is refused before anything is written, and
 * govc never removes a path it did not create.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compiler/govc.h"

static const char *kind_of(mode_t m)
{
    return S_ISDIR(m) ? "a directory"
         : S_ISCHR(m) ? "a character device"
         : S_ISBLK(m) ? "a block device"
         : S_ISFIFO(m) ? "a FIFO (named pipe)"
         : S_ISSOCK(m) ? "a socket"
         : "not a regular file";
}

int govc_out_target(const char *cmd, const char *what, const char *path, char **target, mode_t *mode)
{
    *target = NULL;
    struct stat ls, st;
    if (lstat(path, &ls) != 0) {
        if (errno != ENOENT) {
            fprintf(stderr, "govc %s: cannot use %s '%s': %s\n", cmd, what, path, strerror(errno));
            return 2;
        }
        if (mode)
            *mode = 0; /* a new file */
        *target = strdup(path);
        goto done;
    }
    if (stat(path, &st) != 0) {
        fprintf(stderr, "govc %s: %s '%s' is a symbolic link to nothing (%s); it is left as it is\n", cmd, what,
                path, strerror(errno));
        return 2;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "govc %s: %s '%s' is %s%s, not a regular file; it is left as it is\n", cmd, what, path,
                S_ISLNK(ls.st_mode) ? "a symbolic link to " : "", kind_of(st.st_mode));
        return 2;
    }
    if (mode)
        *mode = st.st_mode & 07777;
    *target = S_ISLNK(ls.st_mode) ? realpath(path, NULL) : strdup(path);
done:
    if (!*target) {
        fprintf(stderr, "govc %s: cannot use %s '%s': %s\n", cmd, what, path, strerror(errno));
        return 2;
    }
    return 0;
}

int govc_replace_file(const char *cmd, const char *what, const char *path, const void *bytes, size_t n, int mode)
{
    char *target;
    mode_t old;
    if (govc_out_target(cmd, what, path, &target, &old) != 0)
        return 2;
    if (mode < 0) { /* keep an existing file's mode; a new one gets 0666 less the umask */
        if (old) {
            mode = (int)old;
        } else {
            mode_t um = umask(022);
            umask(um);
            mode = (int)(0666 & ~um);
        }
    }
    size_t tl = strlen(target);
    char *tmp = malloc(tl + 12), *dir = malloc(tl + 2);
    if (!tmp || !dir) {
        fprintf(stderr, "govc %s: out of memory\n", cmd);
        free(tmp);
        free(dir);
        free(target);
        return 2;
    }
    memcpy(tmp, target, tl);
    memcpy(tmp + tl, ".tmp.XXXXXX", 12);
    const char *slash = strrchr(target, '/');
    if (slash) {
        size_t dl = (size_t)(slash - target) + 1;
        memcpy(dir, target, dl);
        dir[dl] = 0;
    } else {
        strcpy(dir, ".");
    }
    int rc = 0;
    /* mkstemp: O_CREAT|O_EXCL, mode 0600; it never opens, follows or truncates what is
     * already there, and it is the one file this call may remove. */
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "govc %s: cannot create a temporary file beside %s '%s': %s\n", cmd, what, path,
                strerror(errno));
        free(tmp);
        free(dir);
        free(target);
        return 2;
    }
    const char *b = bytes;
    for (size_t w = 0; w < n && rc == 0;) {
        ssize_t k = write(fd, b + w, n - w);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            rc = 2;
        else
            w += (size_t)k;
    }
    if (rc == 0 && fchmod(fd, (mode_t)mode) != 0)
        rc = 2;
    if (rc == 0 && fsync(fd) != 0)
        rc = 2;
    if (rc != 0)
        fprintf(stderr, "govc %s: cannot write %s '%s': %s\n", cmd, what, path, strerror(errno));
    if (close(fd) != 0 && rc == 0) {
        fprintf(stderr, "govc %s: cannot write %s '%s': %s\n", cmd, what, path, strerror(errno));
        rc = 2;
    }
    if (rc == 0 && rename(tmp, target) != 0) {
        fprintf(stderr, "govc %s: cannot rename '%s' to '%s': %s\n", cmd, tmp, target, strerror(errno));
        rc = 2;
    }
    if (rc != 0) {
        unlink(tmp);
    } else {
        /* The rename itself made durable. */
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 || fsync(dfd) != 0) {
            fprintf(stderr, "govc %s: cannot sync directory '%s': %s\n", cmd, dir, strerror(errno));
            rc = 2;
        }
        if (dfd >= 0)
            close(dfd);
    }
    free(tmp);
    free(dir);
    free(target);
    return rc;
}
