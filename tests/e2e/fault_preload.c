/* A test-only LD_PRELOAD library that acts at one chosen call of rename, unlink or flock, so
 * the end-to-end tests can stop nbody at each step of a multi-step file operation (e2e_rundir).
 *   NB_FAULT_FUNCS  calls to count, e.g. "rename,unlink" (flock too)
 *   NB_FAULT_MATCH  count only calls whose path contains this (flock: the fd's path)
 *   NB_FAULT_AT     act before the Nth counted call (1-based)
 *   NB_FAULT_DO     "kill" (SIGKILL), "term" (SIGTERM, then the call goes on), or
 *                   "exec" (run NB_FAULT_EXEC with sh, without this library, then go on)
 * Built only for make check; nbody itself has no fault hooks. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static long calls;

/* Counts a call of func on path and acts when it is the chosen one. */
static void maybe_act(const char *func, const char *path)
{
    const char *funcs = getenv("NB_FAULT_FUNCS"), *match = getenv("NB_FAULT_MATCH");
    const char *at = getenv("NB_FAULT_AT"), *what = getenv("NB_FAULT_DO");
    if (!funcs || !at || !what || !strstr(funcs, func) || (match && !strstr(path, match)))
        return;
    if (++calls != atol(at))
        return;
    if (!strcmp(what, "kill")) {
        raise(SIGKILL);
    } else if (!strcmp(what, "term")) {
        raise(SIGTERM);
    } else if (!strcmp(what, "exec")) {
        const char *cmd = getenv("NB_FAULT_EXEC");
        unsetenv("LD_PRELOAD");
        unsetenv("NB_FAULT_FUNCS");
        if (cmd && system(cmd) != 0)
            fprintf(stderr, "fault_preload: '%s' failed\n", cmd);
    }
}

int rename(const char *from, const char *to)
{
    static int (*real)(const char *, const char *);
    if (!real)
        real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
    char both[8192];
    snprintf(both, sizeof both, "%s -> %s", from, to);
    maybe_act("rename", both);
    return real(from, to);
}

int unlink(const char *path)
{
    static int (*real)(const char *);
    if (!real)
        real = (int (*)(const char *))dlsym(RTLD_NEXT, "unlink");
    maybe_act("unlink", path);
    return real(path);
}

int flock(int fd, int op)
{
    static int (*real)(int, int);
    if (!real)
        real = (int (*)(int, int))dlsym(RTLD_NEXT, "flock");
    char link[64], path[4096] = "";
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t k = readlink(link, path, sizeof path - 1);
    path[k > 0 ? k : 0] = '\0';
    maybe_act("flock", path);
    return real(fd, op);
}
