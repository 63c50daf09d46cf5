/* The kernel registry (the one table of kernels), the bound-kernel wrapper the integrator
 * calls, and the exact potential energy that diagnostics use whatever the kernel. */
#include "gravity/kernels.h"

#include <stdlib.h>
#include <string.h>

#include "gravity/pairwise.h"
#include "core/threads.h"

extern const nb_kernel nb_kernel_direct;
extern const nb_kernel nb_kernel_parallel;
extern const nb_kernel nb_kernel_knn;
extern const nb_kernel nb_kernel_tree;

static const nb_kernel *const registry[] = {
    &nb_kernel_direct,
    &nb_kernel_parallel,
    &nb_kernel_knn,
    &nb_kernel_tree,
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
        for (size_t j = 0; j < registry[k]->nkeys; j++)
            nb_kernel_key_set(kp, &registry[k]->keys[j], registry[k]->keys[j].def);
}

const nb_kernel_key *nb_kernel_key_find(const char *name, const nb_kernel **owner)
{
    for (size_t k = 0; k < REGISTRY_LEN; k++)
        for (size_t j = 0; j < registry[k]->nkeys; j++)
            if (!strcmp(registry[k]->keys[j].name, name)) {
                if (owner)
                    *owner = registry[k];
                return &registry[k]->keys[j];
            }
    return NULL;
}

double nb_kernel_key_get(const nb_kernel_params *kp, const nb_kernel_key *k)
{
    const char *field = (const char *)kp + k->offset;
    return k->is_int ? (double)*(const int *)field : *(const double *)field;
}

void nb_kernel_key_set(nb_kernel_params *kp, const nb_kernel_key *k, double v)
{
    char *field = (char *)kp + k->offset;
    if (k->is_int)
        *(int *)field = (int)v;
    else
        *(double *)field = v;
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
    return f->kernel->accel(f->state, &f->params, p, pot, err);
}

void nb_force_free(nb_force *f)
{
    if (f->kernel && f->kernel->destroy)
        f->kernel->destroy(f->state);
    memset(f, 0, sizeof *f);
}

double nb_potential_energy(const nb_particles *p, double G, double eps, int threads)
{
    size_t n = p->n;
    double eps2 = eps * eps;
    nb_simd s = nb_simd_best();
    double *row = malloc((n ? n : 1) * sizeof *row);
    double w = 0.0;
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
