/* Finds the newest snapshot of a run directory that reads back whole, for restart RUNDIR. */
#include "io/snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct candidate {
    unsigned long long index;
    char name[256];
} candidate;

static int newest_first(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->index != y->index)
        return x->index < y->index ? 1 : -1;
    return -strcmp(x->name, y->name);
}

int nb_snapshot_find_latest(const char *dir, char *path, size_t size, nb_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return nb_fail(err, NB_ERR_INPUT, "%s: cannot open directory: %s", dir, strerror(errno));
    candidate *c = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    unsigned long long index;
    int rc = NB_OK;
    while ((e = readdir(d))) {
        if (!nb_snapshot_index(e->d_name, &index))
            continue;
        if (n == cap) {
            candidate *more = realloc(c, (cap = cap ? 2 * cap : 16) * sizeof *c);
            if (!more) {
                rc = nb_fail(err, NB_ERR_RUNTIME, "%s: out of memory listing snapshots", dir);
                break;
            }
            c = more;
        }
        c[n].index = index;
        snprintf(c[n].name, sizeof c[n].name, "%s", e->d_name);
        n++;
    }
    closedir(d);
    if (rc || n == 0) {
        free(c);
        return rc ? rc : nb_fail(err, NB_ERR_INPUT, "%s: no snapshot_NNNN.h5 files, expected "
                                 "at least one complete snapshot", dir);
    }
    qsort(c, n, sizeof *c, newest_first);
    char newest_error[sizeof ((nb_error *)0)->msg] = "";
    rc = NB_ERR_INPUT;
    for (size_t k = 0; k < n && rc == NB_ERR_INPUT; k++) {
        size_t len = strlen(dir);
        const char *sep = len && dir[len - 1] == '/' ? "" : "/";
        if ((size_t)snprintf(path, size, "%s%s%s", dir, sep, c[k].name) >= size) {
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
        } else if (k == 0) {
            snprintf(newest_error, sizeof newest_error, "%s", e2.msg);
        }
    }
    free(c);
    if (rc == NB_ERR_INPUT)
        nb_fail(err, NB_ERR_INPUT, "%s: none of its %zu snapshot files reads back whole; the "
                "newest failed with: %s", dir, n, newest_error);
    if (rc && size)
        path[0] = '\0';
    return rc;
}
