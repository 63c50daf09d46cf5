/* The kernel registry (the one table of kernels) and the bound-kernel wrapper the
 * integrator calls. */
#include "gravity/kernels.h"

#include <stdlib.h>
#include <string.h>

#include "core/comm.h"

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
        nb_param_defaults(kp, registry[k]->keys, registry[k]->nkeys);
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

/* Every rank's rows of column a, which it holds at positions [i0, i1) of `order`
 * (particle index order[k] at position k), to every rank: packed in position order into
 * buf, gathered, and put back in place. */
static int gather_ordered(double *a, const uint32_t *order, double *buf, size_t n,
                          size_t i0, size_t i1, nb_error *err)
{
    for (size_t k = i0; k < i1; k++)
        buf[k] = a[order[k]];
    int rc = nb_comm_allgather(buf, n, i0, i1, err);
    if (rc == NB_OK)
        for (size_t k = 0; k < n; k++)
            a[order[k]] = buf[k];
    return rc;
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
    const uint32_t *order =
        f->kernel->target_order && !rc ? f->kernel->target_order(f->state) : NULL;
    if (order && !rc && f->gather_n < p->n) {
        free(f->gather);
        f->gather_n = 0;
        if (!(f->gather = nb_alloc_doubles(p->n)))
            rc = nb_fail(err, NB_ERR_RUNTIME, "out of memory for the force exchange (%zu rows)",
                         p->n);
        else
            f->gather_n = p->n;
    }
    if ((rc = nb_comm_agree(rc, err)))
        return rc;
    double *cols[4] = {p->ax, p->ay, p->az, pot};
    for (int c = 0; c < (pot ? 4 : 3) && !rc; c++)
        rc = order ? gather_ordered(cols[c], order, f->gather, p->n, i0, i1, err)
                   : nb_comm_allgather(cols[c], p->n, i0, i1, err);
    return nb_comm_agree(rc, err);
}

void nb_force_free(nb_force *f)
{
    if (f->kernel && f->kernel->destroy)
        f->kernel->destroy(f->state);
    free(f->gather);
    memset(f, 0, sizeof *f);
}
