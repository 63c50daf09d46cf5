/* Run directories: the checks, the lock and the file handling of rundir.h. */
#include "io/rundir.h"
#include "io/snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_LEN 4400
#ifndef HOST_NAME_MAX
#define HOST_NAME_MAX 255
#endif

/* A run's file: the energy log, or a snapshot (or the writer's temporary of one) under the
 * run's own base name; or one under another base that is an nbody snapshot, so that a run
 * whatever its base is kept out of a directory holding another run's snapshots, and
 * --overwrite replaces them. A file of another base is opened to tell: a user's own
 * data_0001.h5 beside the run is neither counted nor removed. */
static int is_run_file(const char *dir, const char *name, const char *base)
{
    if (!strcmp(name, "energy.csv") || !strcmp(name, "energy.csv.tmp"))
        return 1;
    nb_snapshot_name n;
    if (!nb_snapshot_name_parse(name, &n))
        return 0;
    if (!strcmp(n.base, base))
        return 1;
    char path[PATH_LEN];
    return !n.tmp && (size_t)snprintf(path, sizeof path, "%s/%s", dir, name) < sizeof path &&
           nb_snapshot_is_nbody(path);
}

int nb_rundir_check(const char *dir, const char *key, int *exists, nb_error *err)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return nb_fail(err, NB_ERR_INPUT, "%s: '%s' exists and is not a directory", key,
                           dir);
        if (access(dir, W_OK | X_OK) != 0)
            return nb_fail(err, NB_ERR_INPUT, "%s: '%s' is not writable", key, dir);
        *exists = 1;
        return NB_OK;
    }
    if (lstat(dir, &st) == 0) /* a link to nowhere: mkdir would fail with EEXIST */
        return nb_fail(err, NB_ERR_INPUT,
                       "%s: '%s' is a symbolic link to a missing directory (expected a "
                       "directory, or a path that does not exist yet)", key, dir);
    char parent[PATH_LEN];
    snprintf(parent, sizeof parent, "%s", dir);
    char *pd = dirname(parent);
    if (stat(pd, &st) != 0 || !S_ISDIR(st.st_mode))
        return nb_fail(err, NB_ERR_INPUT,
                       "%s: parent directory '%s' of '%s' does not exist (create it first)",
                       key, pd, dir);
    if (access(pd, W_OK | X_OK) != 0)
        return nb_fail(err, NB_ERR_INPUT, "%s: cannot create '%s': '%s' is not writable", key,
                       dir, pd);
    *exists = 0;
    return NB_OK;
}

/* "PID 1234 on host NAME" from the lock file (written by its holder), or a phrase saying
 * the holder did not (yet) say who it is. */
static void lock_holder(int fd, char *buf, size_t size)
{
    char text[HOST_NAME_MAX + 32];
    ssize_t k = pread(fd, text, sizeof text - 1, 0);
    long pid = 0;
    char host[256];
    if (k > 0) {
        text[k] = '\0';
        if (sscanf(text, "%ld %255s", &pid, host) == 2 && pid > 0) {
            for (char *h = host; *h; h++) /* printable in the message */
                if ((unsigned char)*h < 0x21 || *h == 0x7f)
                    *h = '?';
            snprintf(buf, size, "PID %ld on host %s", pid, host);
            return;
        }
    }
    snprintf(buf, size, "a process that has not written its PID");
}

int nb_rundir_lock(const char *dir, const char *key, int *lock_fd, nb_error *err)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return nb_fail(err, NB_ERR_INPUT, "%s: cannot create '%s': %s", key, dir,
                       strerror(errno));
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/.nbody.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return nb_fail(err, NB_ERR_INPUT, "%s: cannot create the lock file %s: %s", key, path,
                       strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char holder[320];
        lock_holder(fd, holder, sizeof holder);
        close(fd);
        return nb_fail(err, NB_ERR_INPUT,
                       "%s: another nbody process is running in this directory (lock held on %s "
                       "by %s); wait for it to end, or stop it with SIGTERM, which makes it "
                       "write a restart snapshot", dir, path, holder);
    }
    /* who holds it, for the message of the next one to try; a file left by a process that
     * died is harmless (flock ends with the process) and is overwritten here. A failed
     * write only costs that message its PID. */
    char host[HOST_NAME_MAX + 1] = "";
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    char line[HOST_NAME_MAX + 32];
    int len = snprintf(line, sizeof line, "%ld %s\n", (long)getpid(), host);
    if (ftruncate(fd, 0) == 0 && pwrite(fd, line, (size_t)len, 0) != len)
        (void)ftruncate(fd, 0);
    *lock_fd = fd;
    return NB_OK;
}

/* Counts (and with remove set, deletes) the run files in dir. */
static int run_files(const char *dir, const char *base, int remove_them, nb_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int count = 0;
    struct dirent *e;
    char path[PATH_LEN];
    while ((e = readdir(d))) {
        if (!is_run_file(dir, e->d_name, base))
            continue;
        count++;
        if (remove_them) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            if (unlink(path) != 0) {
                int er = errno;
                closedir(d);
                nb_fail(err, NB_ERR_RUNTIME, "%s: cannot remove: %s", path, strerror(er));
                return -1;
            }
        }
    }
    closedir(d);
    return count;
}

int nb_rundir_count(const char *dir, const char *base, nb_error *err)
{
    return run_files(dir, base, 0, err);
}

int nb_rundir_clear(const char *dir, const char *base, nb_error *err)
{
    return run_files(dir, base, 1, err) < 0 ? NB_ERR_RUNTIME : NB_OK;
}

int nb_rundir_same(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

void nb_rundir_free_names(char **names, size_t count)
{
    for (size_t k = 0; k < count; k++)
        free(names[k]);
    free(names);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int nb_rundir_later_snapshots(const char *dir, const char *base, long index, char ***names,
                              size_t *count, nb_error *err)
{
    *names = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NB_OK;
    size_t cap = 0;
    struct dirent *e;
    int rc = NB_OK;
    while ((e = readdir(d))) {
        const char *s = e->d_name;
        unsigned long long k; /* temporaries are the writer's to replace */
        if (!nb_snapshot_index(s, base, &k) || (index >= 0 && k <= (unsigned long long)index))
            continue;
        if (*count == cap) {
            char **more = realloc(*names, (cap = cap ? 2 * cap : 8) * sizeof *more);
            if (!more) {
                rc = nb_fail(err, NB_ERR_RUNTIME, "%s: out of memory listing snapshots", dir);
                break;
            }
            *names = more;
        }
        if (!((*names)[*count] = strdup(s))) {
            rc = nb_fail(err, NB_ERR_RUNTIME, "%s: out of memory listing snapshots", dir);
            break;
        }
        (*count)++;
    }
    closedir(d);
    if (rc) {
        nb_rundir_free_names(*names, *count);
        *names = NULL;
        *count = 0;
        return rc;
    }
    if (*count)
        qsort(*names, *count, sizeof **names, by_name);
    return NB_OK;
}

int nb_rundir_move(const char *dir, const char *to, char *const *names, size_t count,
                   nb_error *err)
{
    char from[PATH_LEN], dest[PATH_LEN];
    for (size_t k = 0; k < count; k++) {
        snprintf(from, sizeof from, "%s/%s", dir, names[k]);
        snprintf(dest, sizeof dest, "%s/%s", to, names[k]);
        if (rename(from, dest) != 0)
            return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot move into %s: %s", from, to,
                           strerror(errno));
    }
    return NB_OK;
}

int nb_rundir_superseded_find(const char *dir, const char *base, long index, nb_superseded *sup,
                              nb_error *err)
{
    memset(sup, 0, sizeof *sup);
    int rc = nb_rundir_later_snapshots(dir, base, index, &sup->names, &sup->count, err);
    if (rc || sup->count == 0)
        return rc;
    for (int v = 1;; v++) {
        int len = snprintf(sup->dir, sizeof sup->dir, "%s/superseded_after_%04ld", dir, index);
        if (v > 1 && len > 0 && (size_t)len < sizeof sup->dir)
            snprintf(sup->dir + len, sizeof sup->dir - (size_t)len, ".%d", v);
        if (mkdir(sup->dir, 0755) == 0)
            return NB_OK;
        if (errno != EEXIST)
            return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot create: %s", sup->dir,
                           strerror(errno));
    }
}
