/* gitside.c: a side of `govc diff` given as git:REV:PATH, read from git without a shell.
 *
 * `git archive --format=tar --end-of-options REV PATH` runs piped into
 * `tar -x -C TMPDIR`, both started with posix_spawnp and an argument vector, so no
 * character of REV or PATH is ever interpreted by a shell. A revision that starts with
 * '-' is refused before git sees it, and --end-of-options makes git read whatever
 * follows as a revision and a path even so (git 2.24 and later).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compiler/govc.h"

extern char **environ;

/* Start argv[0] (looked up in PATH) with stdin from in_fd and stdout to out_fd (-1:
 * inherited), stderr to /dev/null, and the pipe's ends closed. -1 if it cannot start. */
static pid_t spawn(char *const argv[], int in_fd, int out_fd, const int pipefd[2])
{
    posix_spawn_file_actions_t fa;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return -1;
    int e = 0;
    if (in_fd >= 0)
        e |= posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
    if (out_fd >= 0)
        e |= posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    e |= posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    e |= posix_spawn_file_actions_addclose(&fa, pipefd[1]);
    e |= posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    if (e != 0 || posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0)
        pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

/* The exit status of pid, or -1 when it did not exit normally. */
static int reap(pid_t pid)
{
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

const char *govc_git_side(const char *spec, char *tmpdir, size_t cap, bool *used_tmp)
{
    *used_tmp = false;
    if (strncmp(spec, "git:", 4) != 0)
        return spec;
    const char *rev = spec + 4, *colon = strchr(rev, ':');
    if (!colon || colon == rev || !colon[1]) {
        fprintf(stderr, "govc diff: write git:REV:PATH, e.g. git:origin/main:policies\n");
        return NULL;
    }
    if (rev[0] == '-') {
        fprintf(stderr, "govc diff: '%s': a revision cannot start with '-'\n", spec);
        return NULL;
    }
    const char *base = getenv("TMPDIR");
    if (!base || base[0] != '/' || strlen(base) > 512)
        base = "/tmp";
    if ((size_t)snprintf(tmpdir, cap, "%s/govc-diff-XXXXXX", base) >= cap || !mkdtemp(tmpdir)) {
        fprintf(stderr, "govc diff: cannot make a temporary folder: %s\n", strerror(errno));
        return NULL;
    }
    *used_tmp = true;
    char *revs = strndup(rev, (size_t)(colon - rev));
    static char path[2][1200];
    static int which;
    which ^= 1;
    if (!revs || (size_t)snprintf(path[which], sizeof path[which], "%s/%s", tmpdir, colon + 1) >= sizeof path[which]) {
        free(revs);
        fprintf(stderr, "govc diff: '%s' is too long\n", spec);
        return NULL;
    }
    char *git[] = {"git", "archive", "--format=tar", "--end-of-options", revs, (char *)colon + 1, NULL};
    char *tar[] = {"tar", "-x", "--no-same-owner", "-C", tmpdir, NULL};
    int p[2];
    int ok = 0;
    if (pipe(p) == 0) {
        pid_t g = spawn(git, -1, p[1], p);
        pid_t t = spawn(tar, p[0], -1, p);
        close(p[0]);
        close(p[1]);
        int gs = g > 0 ? reap(g) : -1, ts = t > 0 ? reap(t) : -1;
        ok = gs == 0 && ts == 0;
    }
    free(revs);
    if (!ok) {
        fprintf(stderr, "govc diff: cannot read %s from git\n", spec);
        return NULL;
    }
    return path[which];
}

/* Remove what is under dir (not following symbolic links), then dir. */
static int remove_under(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p) {
            rc = -1;
            break;
        }
        snprintf(p, n, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            rc |= remove_under(p);
        else if (unlink(p) != 0)
            rc = -1;
        free(p);
    }
    closedir(d);
    return rmdir(dir) != 0 ? -1 : rc;
}

void govc_git_side_remove(const char *dir)
{
    if (!strstr(dir, "/govc-diff-"))
        return; /* only the folders govc_git_side makes */
    if (remove_under(dir) != 0)
        fprintf(stderr, "govc diff: could not remove %s\n", dir);
}
