/* Run directories: the checks, the lock and the file handling of rundir.h. */
#include "io/rundir.h"
#include "io/energylog.h"
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
#include <time.h>
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
/* The run's logs (io/energylog.h), in the order a restart's continued copies LOG.tmp are
 * renamed over them: energy.csv last, so that without a journal its rename is the one
 * that decides the new history (time-bin rows cut before it are rows that history drops
 * too). */
static const char *const LOGS[] = {"timebins.csv", "energy.csv"};
#define N_LOGS (sizeof LOGS / sizeof LOGS[0])

static int is_run_file(const char *dir, const char *name, const char *base)
{
    for (size_t k = 0; k < N_LOGS; k++) {
        size_t len = strlen(LOGS[k]);
        if (!strncmp(name, LOGS[k], len) && (!name[len] || !strcmp(name + len, ".tmp")))
            return 1;
    }
    nb_snapshot_name n;
    if (!nb_snapshot_name_parse(name, &n))
        return 0;
    if (!strcmp(n.base, base))
        return 1;
    char path[PATH_LEN];
    return !n.tmp && (size_t)snprintf(path, sizeof path, "%s/%s", dir, name) < sizeof path &&
           nb_snapshot_is_nbody(path);
}

int nb_rundir_check(const char *dir, const char *key, int *missing, nb_error *err)
{
    struct stat st;
    *missing = 0;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return nb_fail(err, NB_ERR_INPUT, "%s: '%s' exists and is not a directory", key,
                           dir);
        if (access(dir, W_OK | X_OK) != 0)
            return nb_fail(err, NB_ERR_INPUT, "%s: '%s' is not writable", key, dir);
        return NB_OK;
    }
    /* missing: it and its missing parents are created (as GADGET does), below the
     * nearest one that exists, which must be a directory we may write into */
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s", dir);
    for (;;) {
        if (lstat(path, &st) == 0 && stat(path, &st) != 0) /* mkdir would fail: EEXIST */
            return nb_fail(err, NB_ERR_INPUT, "%s: cannot create '%s': '%s' is a symbolic "
                           "link to a missing directory (expected a directory, or a path "
                           "that does not exist yet)", key, dir, path);
        if (stat(path, &st) == 0)
            break;
        if (errno != ENOENT && errno != ENOTDIR) /* ENOTDIR: an ancestor is a file */
            return nb_fail(err, NB_ERR_INPUT, "%s: cannot create '%s': %s: %s", key, dir,
                           path, strerror(errno));
        (*missing)++;
        char *parent = dirname(path); /* may point into path, or be a static "." or "/" */
        memmove(path, parent, strlen(parent) + 1);
    }
    if (!S_ISDIR(st.st_mode))
        return nb_fail(err, NB_ERR_INPUT, "%s: cannot create '%s': '%s' is not a directory",
                       key, dir, path);
    if (access(path, W_OK | X_OK) != 0)
        return nb_fail(err, NB_ERR_INPUT, "%s: cannot create '%s': '%s' is not writable", key,
                       dir, path);
    return NB_OK;
}

/* mkdir -p: dir and every missing parent, each 0755. */
static int make_dirs(const char *dir, const char *key, nb_error *err)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s", dir);
    if (!path[0])
        return nb_fail(err, NB_ERR_INPUT, "%s: an empty directory name", key);
    for (char *s = path + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char was = *s;
        *s = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return nb_fail(err, NB_ERR_INPUT, "%s: cannot create '%s': %s%s%s", key, dir,
                           strcmp(path, dir) ? path : "", strcmp(path, dir) ? ": " : "",
                           strerror(errno));
        if (!(*s = was))
            return NB_OK;
    }
}

void nb_rundir_uncreate(const char *dir, int missing)
{
    char path[PATH_LEN], lock[PATH_LEN + 16];
    snprintf(lock, sizeof lock, "%s/.nbody.lock", dir);
    if (unlink(lock) != 0)
        return;
    snprintf(path, sizeof path, "%s", dir);
    for (int k = 0; k < missing && rmdir(path) == 0; k++) {
        char *parent = dirname(path);
        memmove(path, parent, strlen(parent) + 1);
    }
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

/* The refusal of a directory whose lock another process holds (fd open on it; closed). */
static int held_by(const char *dir, const char *path, int fd, nb_error *err)
{
    char holder[320];
    lock_holder(fd, holder, sizeof holder);
    close(fd);
    return nb_fail(err, NB_ERR_INPUT,
                   "%s: another nbody process is running in this directory (lock held on %s "
                   "by %s); wait for it to end, or stop it with SIGTERM, which makes it "
                   "write a restart snapshot", dir, path, holder);
}

int nb_rundir_busy(const char *dir, nb_error *err)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/.nbody.lock", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return NB_OK;
    /* a shared lock, dropped at once: it conflicts only with a holder's exclusive one */
    if (flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK)
        return held_by(dir, path, fd, err);
    close(fd);
    return NB_OK;
}

/* Opens path (creating it) and takes the lock on the file it names; 1 when another
 * process holds it, -1 on failure (errno), 0 with *fd holding it. The name may be replaced
 * (by rename) between open and flock: then the lock is on a file no longer there, and the
 * name is opened again. */
static int lock_name(const char *path, int *fd)
{
    for (;;) {
        int f = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
        if (f < 0)
            return -1;
        if (flock(f, LOCK_EX | LOCK_NB) != 0) {
            *fd = f;
            return errno == EWOULDBLOCK ? 1 : -1;
        }
        struct stat a, b;
        if (fstat(f, &a) == 0 && lstat(path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            *fd = f;
            return 0;
        }
        close(f);
    }
}

int nb_rundir_lock(const char *dir, const char *key, int *lock_fd, nb_error *err)
{
    if (make_dirs(dir, key, err))
        return err->code;
    char path[PATH_LEN], tmp[PATH_LEN + 32];
    snprintf(path, sizeof path, "%s/.nbody.lock", dir);
    int fd = -1, held = lock_name(path, &fd);
    if (held < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return nb_fail(err, NB_ERR_INPUT, "%s: cannot create the lock file %s: %s", key, path,
                       strerror(e));
    }
    if (held)
        return held_by(dir, path, fd, err);
    /* Who holds it, for the message of the next one to try: written to a new file, locked
     * before it takes the name, so the lock never passes through a moment without a holder,
     * and a file the old name was (say a hard link planted there) is never written. A
     * failed write only costs that message its PID: the old file stays, and stays locked. */
    char host[HOST_NAME_MAX + 1] = "";
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    char line[HOST_NAME_MAX + 32];
    int len = snprintf(line, sizeof line, "%ld %s\n", (long)getpid(), host);
    snprintf(tmp, sizeof tmp, "%s.%ld", path, (long)getpid());
    unlink(tmp); /* one of a process of this PID that died: no one else's */
    int nfd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (nfd >= 0 && flock(nfd, LOCK_EX | LOCK_NB) == 0 && write(nfd, line, (size_t)len) == len &&
        rename(tmp, path) == 0) {
        close(fd);
        fd = nfd;
    } else if (nfd >= 0) {
        close(nfd);
        unlink(tmp);
    }
    *lock_fd = fd;
    return NB_OK;
}

void nb_rundir_new_id(char *id, size_t size)
{
    unsigned char b[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t k = fd >= 0 ? read(fd, b, sizeof b) : -1;
    if (fd >= 0)
        close(fd);
    if (k != (ssize_t)sizeof b) { /* no urandom: the clock, PID and address space */
        struct timespec t;
        clock_gettime(CLOCK_REALTIME, &t);
        unsigned long long x = (unsigned long long)t.tv_sec * 1000000007ULL ^
                               (unsigned long long)t.tv_nsec ^
                               (unsigned long long)getpid() << 40 ^ (unsigned long long)(size_t)b;
        for (size_t i = 0; i < sizeof b; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            b[i] = (unsigned char)x;
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < sizeof b && n + 3 <= size; i++)
        n += (size_t)snprintf(id + n, size - n, "%02x", b[i]);
}

/* Counts (and with remove set, deletes) the run files in dir but keep. */
static int run_files(const char *dir, const char *base, int remove_them, const char *keep,
                     nb_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int count = 0;
    struct dirent *e;
    char path[PATH_LEN];
    while ((e = readdir(d))) {
        if (!is_run_file(dir, e->d_name, base) || (keep && !strcmp(e->d_name, keep)))
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
    return run_files(dir, base, 0, NULL, err);
}

int nb_rundir_clear(const char *dir, const char *base, const char *keep, nb_error *err)
{
    return run_files(dir, base, 1, keep, err) < 0 ? NB_ERR_RUNTIME : NB_OK;
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

/* The names of the set-aside protocol (rundir.h): the staging directory filled first, the
 * journal that commits the move, and the continued log waiting to replace energy.csv. */
#define STAGE ".nbody.superseded"
#define JOURNAL ".nbody.journal"
#define JOURNAL_HEAD "nbody superseded 1\n"

int nb_rundir_superseded_find(const char *dir, const char *base, long index, nb_superseded *sup,
                              nb_error *err)
{
    memset(sup, 0, sizeof *sup);
    int rc = nb_rundir_later_snapshots(dir, base, index, &sup->names, &sup->count, err);
    if (rc || sup->count == 0)
        return rc;
    struct stat st;
    for (int v = 1;; v++) { /* a name not taken: an earlier restart's set-aside history */
        int len = snprintf(sup->dir, sizeof sup->dir, "%s/superseded_after_%04ld", dir, index);
        if (v > 1 && len > 0 && (size_t)len < sizeof sup->dir)
            snprintf(sup->dir + len, sizeof sup->dir - (size_t)len, ".%d", v);
        if (lstat(sup->dir, &st) != 0 && errno == ENOENT)
            break;
    }
    snprintf(sup->stage, sizeof sup->stage, "%s/" STAGE, dir);
    if (mkdir(sup->stage, 0755) != 0)
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot create: %s", sup->stage,
                       strerror(errno));
    return NB_OK;
}

/* Renames dir/from to dir/to (to may be a path below dir) when from is there. */
static int move_if_there(const char *dir, const char *from, const char *to, nb_error *err)
{
    char a[PATH_LEN], b[PATH_LEN];
    struct stat st;
    snprintf(a, sizeof a, "%s/%s", dir, from);
    snprintf(b, sizeof b, "%s/%s", dir, to);
    if (lstat(a, &st) != 0 && errno == ENOENT)
        return NB_OK;
    if (rename(a, b) != 0)
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot move to %s: %s", a, b, strerror(errno));
    return NB_OK;
}

/* Renames each LOG.tmp there over LOG, in LOGS' order. */
static int move_logs(const char *dir, nb_error *err)
{
    char tmp[64];
    int rc = NB_OK;
    for (size_t k = 0; k < N_LOGS && !rc; k++) {
        snprintf(tmp, sizeof tmp, "%s.tmp", LOGS[k]);
        rc = move_if_there(dir, tmp, LOGS[k], err);
    }
    return rc;
}

/* Removes the staging directory of a set-aside that never committed (its energy.csv copy
 * duplicates the log that stayed whole). */
static void remove_stage(const char *dir)
{
    char stage[PATH_LEN], path[PATH_LEN + 256];
    snprintf(stage, sizeof stage, "%s/" STAGE, dir);
    DIR *d = opendir(stage);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", stage, e->d_name);
            unlink(path);
        }
    closedir(d);
    rmdir(stage);
}

/* Removes the lock-file temporaries (.nbody.lock.PID) of processes killed while taking the
 * lock: a process writes one only while it holds the lock, which the caller now does. */
static void remove_lock_temporaries(const char *dir)
{
    char path[PATH_LEN + 256];
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, ".nbody.lock.", 12)) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    closedir(d);
}

/* Carries out the journal's move (each step skipped when done already), then removes it. */
static int roll_forward(const char *dir, FILE *j, nb_error *err)
{
    char to[300], line[300], dest[600];
    if (!fgets(line, sizeof line, j) || strcmp(line, JOURNAL_HEAD) || !fgets(to, sizeof to, j) ||
        strncmp(to, "superseded_after_", 17) || strchr(to, '/') || !strchr(to, '\n'))
        return nb_fail(err, NB_ERR_INPUT, "%s/" JOURNAL ": not a journal this version wrote "
                       "(expected '%.*s'); remove it by hand", dir, (int)strlen(JOURNAL_HEAD) - 1,
                       JOURNAL_HEAD);
    to[strcspn(to, "\n")] = '\0';
    int rc = move_if_there(dir, STAGE, to, err);
    while (!rc && fgets(line, sizeof line, j)) {
        line[strcspn(line, "\n")] = '\0';
        nb_snapshot_name n;
        if (!nb_snapshot_name_parse(line, &n) || n.tmp)
            return nb_fail(err, NB_ERR_INPUT, "%s/" JOURNAL ": '%s' is not a snapshot name",
                           dir, line);
        snprintf(dest, sizeof dest, "%s/%s", to, line);
        rc = move_if_there(dir, line, dest, err);
    }
    if (!rc)
        rc = move_logs(dir, err);
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/" JOURNAL, dir);
    if (!rc && unlink(path) != 0)
        rc = nb_fail(err, NB_ERR_RUNTIME, "%s: cannot remove: %s", path, strerror(errno));
    return rc;
}

/* Carries out a committed journal in dir, if there is one; note: say so on stderr (it
 * was left by an interrupted restart). Without one, drops what an uncommitted one staged. */
static int apply_journal(const char *dir, int note, nb_error *err)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/" JOURNAL, dir);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) { /* nothing committed: the old history is whole; drop what was staged */
        if (errno != ENOENT)
            return nb_fail(err, NB_ERR_INPUT, "%s: cannot read: %s", path, strerror(errno));
        remove_stage(dir);
        for (size_t k = 0; k < N_LOGS; k++) {
            snprintf(path, sizeof path, "%s/%s.tmp", dir, LOGS[k]);
            unlink(path);
        }
        snprintf(path, sizeof path, "%s/" JOURNAL ".tmp", dir);
        unlink(path);
        return NB_OK;
    }
    FILE *j = fdopen(fd, "r");
    if (!j) {
        close(fd);
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot read: %s", path, strerror(errno));
    }
    int rc = roll_forward(dir, j, err);
    fclose(j);
    if (!rc && note)
        fprintf(stderr, "nbody: note: %s: finished setting aside a superseded history (a restart "
                "was interrupted there after it had committed to it)\n", dir);
    return rc;
}

int nb_rundir_commit(const char *dir, const nb_superseded *sup, nb_error *err)
{
    if (sup->count == 0)
        return move_logs(dir, err);
    char tmp[PATH_LEN], path[PATH_LEN];
    snprintf(tmp, sizeof tmp, "%s/" JOURNAL ".tmp", dir);
    snprintf(path, sizeof path, "%s/" JOURNAL, dir);
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    FILE *j = fd < 0 ? NULL : fdopen(fd, "w");
    if (!j) {
        if (fd >= 0)
            close(fd);
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot create: %s", tmp, strerror(errno));
    }
    fprintf(j, JOURNAL_HEAD "%s\n", strrchr(sup->dir, '/') + 1);
    for (size_t k = 0; k < sup->count; k++)
        fprintf(j, "%s\n", sup->names[k]);
    int bad = ferror(j) | (fflush(j) != 0) | (fsync(fileno(j)) != 0);
    bad |= fclose(j) != 0;
    if (bad || rename(tmp, path) != 0) { /* the commit point */
        int e = errno;
        unlink(tmp);
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot write: %s", path, strerror(e));
    }
    return apply_journal(dir, 0, err);
}

int nb_rundir_recover(const char *dir, nb_error *err)
{
    remove_lock_temporaries(dir);
    return apply_journal(dir, 1, err);
}

int nb_rundir_owner(const char *dir, const char *run_id, int snap_in_dir, int *own, char *id,
                    size_t size, nb_error *err)
{
    char path[PATH_LEN];
    struct stat st;
    snprintf(path, sizeof path, "%s/energy.csv", dir);
    id[0] = '\0';
    *own = snap_in_dir;
    if (lstat(path, &st) != 0 && errno == ENOENT)
        return NB_OK;
    int found = nb_energylog_run_id(path, id, size, err);
    if (found < 0)
        return err->code;
    if (found)
        *own = !strcmp(id, run_id);
    return NB_OK;
}
