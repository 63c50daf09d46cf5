/* Finds the newest snapshot of a run directory that reads back whole, for restart RUNDIR.
 *
 * Which base name (output.snapshot_base) the run used is in its snapshots' /Parameters,
 * unknown until one is read, so the directory's own file names decide: every BASE_NNNN.h5
 * is a candidate. A run directory holds one run's snapshots (a run refuses a directory
 * holding another's, and a restart into its own directory keeps its base), so one base is
 * the normal case. When names of several bases are there, those none of whose files is an
 * nbody snapshot (a user's own data_0001.h5) are left out; two or more real ones are refused
 * rather than guessed between: the user names the snapshot file instead. */
#include "io/snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct candidate {
    nb_snapshot_name n;
    char name[256];
} candidate;

/* by base, newest first within one */
static int by_base_newest_first(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    int c = strcmp(x->n.base, y->n.base);
    if (c)
        return c;
    if (x->n.index != y->n.index)
        return x->n.index < y->n.index ? 1 : -1;
    return -strcmp(x->name, y->name);
}

/* dir/name into path; -1 when it does not fit */
static int join(char *path, size_t size, const char *dir, const char *name)
{
    size_t len = strlen(dir);
    const char *sep = len && dir[len - 1] == '/' ? "" : "/";
    return (size_t)snprintf(path, size, "%s%s%s", dir, sep, name) < size ? 0 : -1;
}

/* The candidates of one base are c[*start .. *end); picks the base whose files are nbody
 * snapshots when names of several bases are there. */
static int pick_base(const char *dir, const candidate *c, size_t n, size_t *start, size_t *end,
                     nb_error *err)
{
    *start = 0;
    *end = n;
    if (!strcmp(c[0].n.base, c[n - 1].n.base)) /* sorted: one base */
        return NB_OK;
    char path[4400], bases[512] = "";
    size_t found = 0, blen = 0;
    for (size_t i = 0, j; i < n; i = j) {
        int ours = 0;
        for (j = i; j < n && !strcmp(c[j].n.base, c[i].n.base); j++)
            if (!ours)
                ours = join(path, sizeof path, dir, c[j].name) == 0 &&
                       nb_snapshot_is_nbody(path);
        if (!ours)
            continue;
        if (found++ == 0) {
            *start = i;
            *end = j;
        }
        if (blen < sizeof bases)
            blen += (size_t)snprintf(bases + blen, sizeof bases - blen, "%s%s_NNNN.h5",
                                     blen ? ", " : "", c[i].n.base);
    }
    if (found == 1)
        return NB_OK;
    if (found == 0)
        return nb_fail(err, NB_ERR_INPUT, "%s: none of its %zu files named like snapshots "
                       "(BASE_NNNN.h5) is an nbody snapshot, expected at least one complete "
                       "snapshot", dir, n);
    join(path, sizeof path, dir, c[*start].name);
    return nb_fail(err, NB_ERR_INPUT, "%s: holds snapshots under %zu base names (%s), expected "
                   "one run's; name the snapshot to restart from instead, e.g. nbody restart "
                   "%s", dir, found, bases, path);
}

int nb_snapshot_find_latest(const char *dir, char *path, size_t size, nb_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return nb_fail(err, NB_ERR_INPUT, "%s: cannot open directory: %s", dir, strerror(errno));
    candidate *c = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    nb_snapshot_name name;
    int rc = NB_OK;
    while ((e = readdir(d))) {
        /* temporaries are the writer's, never whole */
        if (!nb_snapshot_name_parse(e->d_name, &name) || name.tmp)
            continue;
        if (n == cap) {
            candidate *more = realloc(c, (cap = cap ? 2 * cap : 16) * sizeof *c);
            if (!more) {
                rc = nb_fail(err, NB_ERR_RUNTIME, "%s: out of memory listing snapshots", dir);
                break;
            }
            c = more;
        }
        c[n].n = name;
        snprintf(c[n].name, sizeof c[n].name, "%s", e->d_name);
        n++;
    }
    closedir(d);
    if (rc || n == 0) {
        free(c);
        return rc ? rc : nb_fail(err, NB_ERR_INPUT, "%s: no snapshot files (BASE_NNNN.h5, "
                                 "e.g. snapshot_0000.h5), expected at least one complete "
                                 "snapshot", dir);
    }
    qsort(c, n, sizeof *c, by_base_newest_first);
    size_t start, end;
    if ((rc = pick_base(dir, c, n, &start, &end, err))) {
        free(c);
        if (size)
            path[0] = '\0';
        return rc;
    }
    char newest_error[sizeof ((nb_error *)0)->msg] = "";
    rc = NB_ERR_INPUT;
    for (size_t k = start; k < end && rc == NB_ERR_INPUT; k++) {
        if (join(path, size, dir, c[k].name) != 0) {
            rc = nb_fail(err, NB_ERR_RUNTIME, "%s: path of %s too long", dir, c[k].name);
            break;
        }
        nb_particles p;
        nb_snapshot_meta m;
        nb_error e2;
        nb_error_clear(&e2);
        rc = nb_snapshot_read(path, &p, &m, &e2);
        if (rc == NB_OK) {
            nb_particles_free(&p);
            nb_snapshot_meta_free(&m);
        } else if (rc != NB_ERR_INPUT) {
            /* Out of memory is not the file's fault: stop rather than fall back. */
            nb_fail(err, rc, "%s", e2.msg);
        } else if (k == start) {
            snprintf(newest_error, sizeof newest_error, "%s", e2.msg);
        }
    }
    free(c);
    if (rc == NB_ERR_INPUT)
        nb_fail(err, NB_ERR_INPUT, "%s: none of its %zu snapshot files reads back whole; the "
                "newest failed with: %s", dir, end - start, newest_error);
    if (rc && size)
        path[0] = '\0';
    return rc;
}
