/* The kernel registry (the one table of kernels), the bound-kernel wrapper the integrator
 * calls, and the exact potential energy that diagnostics use whatever the kernel. */
#include "gravity/kernels.h"

#include <stdlib.h>
#include <string.h>

#include <math.h>
#include <stdio.h>

#include "gravity/pairwise.h"
#include "core/comm.h"
#include "core/threads.h"

extern const nb_kernel nb_kernel_direct;
extern const nb_kernel nb_kernel_parallel;
extern const nb_kernel nb_kernel_knn;

static const nb_kernel *const registry[] = {
    &nb_kernel_direct,
    &nb_kernel_parallel,
    &nb_kernel_knn,
};

#define REGISTRY_LEN (sizeof registry / sizeof registry[0])

const nb_kernel *nb_kernel_find(const char *name)
{
    for (size_t k = 0; k < REGISTRY_LEN; k++)
        if (strcmp(registry[k]->name, name) == 0)
            return registry[k];
    return NULL;
}

const nb_kernel *const *nb_kernel_list(size_t *count)
{
    *count = REGISTRY_LEN;
    return registry;
}

const char *nb_kernel_names(void)
{
    static char names[256];
    if (!names[0]) {
        for (size_t k = 0; k < REGISTRY_LEN; k++) {
            if (k)
                strcat(names, ", ");
            strcat(names, registry[k]->name);
        }
    }
    return names;
}

void nb_kernel_params_defaults(nb_kernel_params *kp)
{
    for (size_t k = 0; k < REGISTRY_LEN; k++)
        nb_param_defaults(kp, registry[k]->keys, registry[k]->nkeys);
}

int nb_kernel_check(const nb_kernel *k, const nb_kernel_params *kp, size_t n,
                    const char **key, nb_error *err)
{
    return k->check ? k->check(kp, n, key, err) : NB_OK;
}

int nb_force_init(nb_force *f, const char *name, const nb_kernel_params *kp, size_t n,
                  nb_error *err)
{
    memset(f, 0, sizeof *f);
    f->kernel = nb_kernel_find(name);
    if (!f->kernel)
        return nb_fail(err, NB_ERR_INPUT, "unknown kernel '%s' (expected one of: %s)", name,
                       nb_kernel_names());
    f->params = *kp;
    if (f->kernel->create)
        return f->kernel->create(&f->state, kp, n, err);
    return NB_OK;
}

int nb_force_compute(nb_force *f, nb_particles *p, double *pot, nb_error *err)
{
    if (!nb_comm_active() || !f->kernel->accel_range)
        return f->kernel->accel(f->state, &f->params, p, pot, err);
    /* every rank its block of targets, then everyone's blocks to everyone; a failure on
     * any rank is agreed on first, so no rank waits in the exchange for one that left */
    size_t i0, i1;
    nb_comm_block(p->n, &i0, &i1);
    int rc = f->kernel->accel_range(f->state, &f->params, p, i0, i1, pot, err);
    if ((rc = nb_comm_agree(rc, err)))
        return rc;
    double *cols[4] = {p->ax, p->ay, p->az, pot};
    for (int c = 0; c < (pot ? 4 : 3) && !rc; c++)
        rc = nb_comm_allgather(cols[c], p->n, i0, i1, err);
    return nb_comm_agree(rc, err);
}

void nb_force_free(nb_force *f)
{
    if (f->kernel && f->kernel->destroy)
        f->kernel->destroy(f->state);
    memset(f, 0, sizeof *f);
}

/* A distributed run's share of the upper triangle's rows: row i costs n - i - 1 pairs, so
 * rank r takes rows from n (1 - sqrt(1 - r/P)), for equal shares of the pairs. */
static size_t row_split(size_t n, int r, int size)
{
    if (r >= size)
        return n;
    size_t b = (size_t)((double)n * (1.0 - sqrt(1.0 - (double)r / size)));
    return b < n ? b : n;
}

double nb_potential_energy(const nb_particles *p, double G, double eps, int threads)
{
    size_t n = p->n;
    double eps2 = eps * eps;
    nb_simd s = nb_simd_best();
    double *row = malloc((n ? n : 1) * sizeof *row);
    double w = 0.0;
    if (nb_comm_active()) {
        if (nb_comm_any(row == NULL)) { /* every rank stops, none waits for the others */
            fprintf(stderr, "nbody: out of memory for the potential energy's rows\n");
            nb_comm_abort(NB_ERR_RUNTIME);
        }
        /* each row's value does not depend on who computes it; the rows are then added in
         * index order on every rank, as below, so the bits are the serial ones */
        int r = nb_comm_rank(), size = nb_comm_size(), ok;
        size_t i0 = row_split(n, r, size), i1 = row_split(n, r + 1, size);
#pragma omp parallel for schedule(dynamic, 32) num_threads(nb_threads(threads))
        for (size_t i = i0; i < i1; i++)
            row[i] = nb_pair_pot_upper(s, p, i, eps2);
        ok = nb_comm_allgather(row, n, i0, i1, NULL) == NB_OK;
        if (nb_comm_any(!ok)) { /* cannot happen short of a broken MPI: stop every rank */
            free(row);
            nb_comm_abort(NB_ERR_RUNTIME);
        }
        for (size_t i = 0; i < n; i++)
            w += row[i];
        free(row);
        return G * w;
    }
    if (!row) {
        /* no scratch: the same rows, one at a time, added in the same order */
        for (size_t i = 0; i < n; i++)
            w += nb_pair_pot_upper(s, p, i, eps2);
        return G * w;
    }
    /* Each row of the upper triangle is summed by one thread and the rows are added in
     * index order afterwards, so the total has the same bits for any thread count. Rows
     * shrink with i: dynamic scheduling keeps the threads evenly loaded. */
#pragma omp parallel for schedule(dynamic, 32) num_threads(nb_threads(threads))
    for (size_t i = 0; i < n; i++)
        row[i] = nb_pair_pot_upper(s, p, i, eps2);
    for (size_t i = 0; i < n; i++)
        w += row[i];
    free(row);
    return G * w;
}
