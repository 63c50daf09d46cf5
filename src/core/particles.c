/* Allocation and whole-store checks for the structure-of-arrays particle store. */
#include "core/particles.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

double *nb_alloc_doubles(size_t n)
{
    size_t bytes = (n ? n : 1) * sizeof(double);
    bytes = (bytes + NB_ALIGN - 1) / NB_ALIGN * NB_ALIGN;
    double *a = aligned_alloc(NB_ALIGN, bytes);
    if (a)
        memset(a, 0, bytes);
    return a;
}

int nb_particles_alloc(nb_particles *p, size_t n, nb_error *err)
{
    memset(p, 0, sizeof *p);
    if (n > SIZE_MAX / (11 * sizeof(double)))
        return nb_fail(err, NB_ERR_INPUT, "cannot store %zu particles: too many", n);
    /* With overcommit the allocation succeeds and zeroing it gets the process killed
     * without a word: refuse what cannot fit in physical memory instead. */
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    double need = (double)n * (11 * sizeof(double));
    if (pages > 0 && page > 0 && need > (double)pages * (double)page)
        return nb_fail(err, NB_ERR_RUNTIME, "cannot store %zu particles: they need %.3g GB, "
                       "more than this machine's %.3g GB of memory", n, need / 1e9,
                       (double)pages * (double)page / 1e9);
    double **fields[] = {&p->x, &p->y, &p->z, &p->vx, &p->vy, &p->vz,
                         &p->ax, &p->ay, &p->az, &p->m};
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
        *fields[k] = nb_alloc_doubles(n);
        if (!*fields[k])
            goto oom;
    }
    p->id = malloc((n ? n : 1) * sizeof *p->id);
    if (!p->id)
        goto oom;
    for (size_t i = 0; i < n; i++)
        p->id[i] = i;
    p->bin = calloc(n ? n : 1, sizeof *p->bin);
    if (!p->bin)
        goto oom;
    p->type = malloc(n ? n : 1);
    if (!p->type)
        goto oom;
    memset(p->type, 1, n ? n : 1);
    p->n = n;
    return NB_OK;
oom:
    nb_particles_free(p);
    return nb_fail(err, NB_ERR_RUNTIME, "out of memory allocating %zu particles (%.1f MB)",
                   n, (double)n * (11 * sizeof(double)) / 1e6);
}

void nb_particles_free(nb_particles *p)
{
    free(p->x); free(p->y); free(p->z);
    free(p->vx); free(p->vy); free(p->vz);
    free(p->ax); free(p->ay); free(p->az);
    free(p->m); free(p->id); free(p->bin); free(p->type);
    memset(p, 0, sizeof *p);
}

size_t nb_particles_find_nonfinite(const nb_particles *p)
{
    for (size_t i = 0; i < p->n; i++) {
        double s = p->x[i] + p->y[i] + p->z[i] + p->vx[i] + p->vy[i] + p->vz[i]
                 + p->ax[i] + p->ay[i] + p->az[i];
        if (!isfinite(s) || !isfinite(p->m[i])) {
            /* the sum can overflow for finite values: check each */
            if (!isfinite(p->x[i]) || !isfinite(p->y[i]) || !isfinite(p->z[i]) ||
                !isfinite(p->vx[i]) || !isfinite(p->vy[i]) || !isfinite(p->vz[i]) ||
                !isfinite(p->ax[i]) || !isfinite(p->ay[i]) || !isfinite(p->az[i]) ||
                !isfinite(p->m[i]))
                return i;
        }
    }
    return p->n;
}
