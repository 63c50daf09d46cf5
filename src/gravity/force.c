/* The force driver (gravity/force.h): binding a kernel, its two phases, and the sharing of
 * targets among the ranks of a distributed run. */
#include "gravity/force.h"

#include <stdlib.h>
#include <string.h>

#include "core/comm.h"

int nb_force_init(nb_force *f, const char *name, const nb_kernel_params *kp, size_t n,
                  nb_error *err)
{
    memset(f, 0, sizeof *f);
    f->kernel = nb_kernel_find(name);
    if (!f->kernel)
        return nb_fail(err, NB_ERR_INPUT, "unknown kernel '%s' (expected one of: %s)", name,
                       nb_kernel_names());
    return f->kernel->create(&f->state, kp, nb_kernel_own_const(kp, f->kernel), n, err);
}

void nb_force_free(nb_force *f)
{
    if (f->kernel && f->kernel->destroy)
        f->kernel->destroy(f->state);
    free(f->order);
    free(f->gather);
    memset(f, 0, sizeof *f);
}

int nb_force_prepare(nb_force *f, const nb_particles *p, nb_error *err)
{
    return f->kernel->prepare ? f->kernel->prepare(f->state, p, err) : NB_OK;
}

/* Room for n targets and n rows in the exchange buffers. */
static int reserve(nb_force *f, size_t n, nb_error *err)
{
    if (n <= f->cap)
        return NB_OK;
    free(f->order);
    free(f->gather);
    f->order = malloc((n ? n : 1) * sizeof *f->order);
    f->gather = nb_alloc_doubles(n ? n : 1);
    f->cap = f->order && f->gather ? n : 0;
    if (!f->cap)
        return nb_fail(err, NB_ERR_RUNTIME, "out of memory for the force exchange (%zu rows)",
                       n);
    return NB_OK;
}

/* The list the ranks share, in f->order: all particles in the kernel's target order (index
 * order without one), or the given targets as they are. */
static void share_list(nb_force *f, size_t n, const uint32_t *targets, size_t nt)
{
    const uint32_t *order =
        f->kernel->target_order ? f->kernel->target_order(f->state) : NULL;
    if (targets)
        memcpy(f->order, targets, nt * sizeof *targets);
    else if (order)
        memcpy(f->order, order, n * sizeof *order);
    else
        for (size_t k = 0; k < n; k++)
            f->order[k] = (uint32_t)k;
}

/* Every rank's rows of column a, the entries list[k0 .. k1), to every rank: packed in list
 * order, gathered, and put back in place. */
static int exchange(double *a, const uint32_t *list, double *buf, size_t len, size_t k0,
                    size_t k1, nb_error *err)
{
    for (size_t k = k0; k < k1; k++)
        buf[k] = a[list[k]];
    int rc = nb_comm_allgather(buf, len, k0, k1, err);
    if (rc == NB_OK)
        for (size_t k = 0; k < len; k++)
            a[list[k]] = buf[k];
    return rc;
}

int nb_force_evaluate(nb_force *f, nb_particles *p, const uint32_t *targets, size_t nt,
                      double *pot, nb_error *err)
{
    if (!nb_comm_active())
        return f->kernel->evaluate(f->state, p, targets, nt, pot, err);
    /* every rank its block of the list, then everyone's rows to everyone; a failure on any
     * rank is agreed on first, so no rank waits in the exchange for one that left */
    size_t len = targets ? nt : p->n, k0, k1;
    int rc = reserve(f, len, err);
    if ((rc = nb_comm_agree(rc, err)))
        return rc;
    share_list(f, p->n, targets, nt);
    nb_comm_block(len, &k0, &k1);
    rc = f->kernel->evaluate(f->state, p, f->order + k0, k1 - k0, pot, err);
    if ((rc = nb_comm_agree(rc, err)))
        return rc;
    double *cols[4] = {p->ax, p->ay, p->az, pot};
    for (int c = 0; c < (pot ? 4 : 3) && !rc; c++)
        rc = exchange(cols[c], f->order, f->gather, len, k0, k1, err);
    return nb_comm_agree(rc, err);
}

int nb_force_compute(nb_force *f, nb_particles *p, double *pot, nb_error *err)
{
    int rc = nb_force_prepare(f, p, err);
    if (nb_comm_active())
        rc = nb_comm_agree(rc, err);
    return rc ? rc : nb_force_evaluate(f, p, NULL, 0, pot, err);
}
