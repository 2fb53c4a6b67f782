/* dlog.c: the decision log sink. Lines are appended with one write(2) each batch, before
 * the response leaves, so a decision a caller has seen is in the file (the kernel's page
 * cache survives the process; `kill -9` loses nothing written). On start a torn last line
 * (no newline) is cut off. When the file passes its size it is rotated: path.N-1 ->
 * path.N, ..., path -> path.1, and a new path is opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "govd/govd.h"

struct gd_dlog {
    pthread_mutex_t mu;
    char *path;
    int fd;
    uint64_t size, max;
    int keep;
};

/* Cut a torn last line: the file then ends at its last newline. */
static void cut_torn(int fd, uint64_t *size)
{
    off_t end = lseek(fd, 0, SEEK_END);
    if (end <= 0) {
        *size = 0;
        return;
    }
    char buf[4096];
    off_t pos = end;
    while (pos > 0) {
        size_t n = pos > (off_t)sizeof buf ? sizeof buf : (size_t)pos;
        if (pread(fd, buf, n, pos - (off_t)n) != (ssize_t)n)
            break;
        for (size_t i = n; i > 0; i--)
            if (buf[i - 1] == '\n') {
                off_t keep = pos - (off_t)n + (off_t)i;
                if (keep != end) {
                    if (ftruncate(fd, keep) == 0)
                        gd_log("decision log: cut a torn last line (%lld bytes)", (long long)(end - keep));
                }
                *size = (uint64_t)keep;
                return;
            }
        pos -= (off_t)n;
    }
    if (ftruncate(fd, 0) == 0 && end > 0)
        gd_log("decision log: cut a torn line (%lld bytes)", (long long)end);
    *size = 0;
}

static int open_log(gd_dlog *l, char *err, size_t cap)
{
    l->fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (l->fd < 0) {
        snprintf(err, cap, "cannot open decision log '%s': %s", l->path, strerror(errno));
        return -1;
    }
    int rfd = open(l->path, O_RDWR | O_CLOEXEC);
    if (rfd >= 0) {
        cut_torn(rfd, &l->size);
        close(rfd);
    }
    return 0;
}

gd_dlog *gd_dlog_open(const char *path, uint64_t max_bytes, int keep, char *err, size_t cap)
{
    gd_dlog *l = calloc(1, sizeof *l);
    if (!l || !(l->path = strdup(path))) {
        free(l);
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&l->mu, NULL);
    l->max = max_bytes;
    l->keep = keep < 1 ? 1 : keep;
    if (open_log(l, err, cap) != 0) {
        free(l->path);
        free(l);
        return NULL;
    }
    return l;
}

static void rotate(gd_dlog *l)
{
    size_t n = strlen(l->path) + 16;
    char *from = malloc(n), *to = malloc(n);
    if (!from || !to) {
        free(from);
        free(to);
        return;
    }
    fsync(l->fd);
    close(l->fd);
    for (int i = l->keep; i >= 1; i--) {
        snprintf(to, n, "%s.%d", l->path, i);
        if (i == 1)
            snprintf(from, n, "%s", l->path);
        else
            snprintf(from, n, "%s.%d", l->path, i - 1);
        if (rename(from, to) != 0 && errno != ENOENT)
            gd_log("decision log: cannot rename '%s' to '%s': %s", from, to, strerror(errno));
    }
    char err[256];
    l->size = 0;
    if (open_log(l, err, sizeof err) != 0) {
        gd_log("decision log: %s", err);
        l->fd = -1;
    } else {
        gd_log("decision log: rotated to '%s.1'", l->path);
    }
    free(from);
    free(to);
}

int gd_dlog_write(gd_dlog *l, const char *lines, size_t len)
{
    if (!l || !len)
        return 0;
    pthread_mutex_lock(&l->mu);
    int rc = 0;
    if (l->fd < 0) {
        char err[256];
        if (open_log(l, err, sizeof err) != 0)
            rc = -1;
    }
    size_t off = 0;
    while (rc == 0 && off < len) {
        ssize_t w = write(l->fd, lines + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            gd_log("decision log: write failed: %s", strerror(errno));
            rc = -1;
            break;
        }
        off += (size_t)w;
    }
    l->size += off;
    if (rc == 0 && l->max && l->size >= l->max)
        rotate(l);
    pthread_mutex_unlock(&l->mu);
    return rc;
}

void gd_dlog_close(gd_dlog *l)
{
    if (!l)
        return;
    if (l->fd >= 0) {
        fsync(l->fd);
        close(l->fd);
    }
    free(l->path);
    free(l);
}
