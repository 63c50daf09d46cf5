/* Kernels "direct" and "parallel": the exact pairwise sum on the tile schedule of
 * pairwise.c, each pair once (Newton's third law), SIMD inside. "direct" runs the tiles on
 * one thread; "parallel" runs them as OpenMP tasks that depend on their two blocks, so the
 * tiles on a block run one after another in schedule order while tiles on other blocks run
 * beside them: no atomics, no barrier per round, and every particle takes its
 * contributions in the same order as in "direct": the same bits for any thread count.
 *
 * A list of targets: a block holding many of them (a third or more) runs its tiles into
 * scratch, the others' targets are summed one at a time (nb_pair_target), which on the
 * SIMD paths gives the tiles' bits; so every target has the all-targets bits whatever the
 * list, and a sub-step with few active particles costs about N pairs per target instead
 * of N^2/2. On the portable path (no one-sided sum with the tiles' bits) every block
 * holding a target runs its tiles. */
#include <stdlib.h>
#include <string.h>

#include "gravity/kernels.h"
#include "gravity/pairwise.h"
#include "core/threads.h"

typedef struct pair_state {
    double G, eps2;
    int threads;        /* resolved: >= 1 */
    double *scratch;    /* 4 cap doubles: the tiles' sums for a list */
    size_t cap;
    size_t *count;      /* targets per block */
    unsigned char *sel; /* blocks whose tiles run */
    size_t nb_cap;
} pair_state;

static void pair_destroy(void *state)
{
    pair_state *s = state;
    if (!s)
        return;
    free(s->scratch);
    free(s->count);
    free(s->sel);
    free(s);
}

static int pair_create(pair_state **out, const nb_kernel_params *kp, int threads,
                       nb_error *err)
{
    pair_state *s = calloc(1, sizeof *s);
    if (!s)
        return nb_fail(err, NB_ERR_RUNTIME, "pairwise kernel: out of memory");
    s->G = kp->G;
    s->eps2 = kp->eps * kp->eps;
    s->threads = threads;
    *out = s;
    return NB_OK;
}

static int direct_create(void **state, const nb_kernel_params *kp, const void *own, size_t n,
                         nb_error *err)
{
    (void)own, (void)n;
    return pair_create((pair_state **)state, kp, 1, err);
}

static int parallel_create(void **state, const nb_kernel_params *kp, const void *own,
                           size_t n, nb_error *err)
{
    (void)own, (void)n;
    return pair_create((pair_state **)state, kp, nb_threads(kp->threads), err);
}

/* Room for the sums of n particles in nb blocks. */
static int reserve(pair_state *s, size_t n, size_t nb, nb_error *err)
{
    if (n > s->cap) {
        free(s->scratch);
        s->cap = 0;
        if (!(s->scratch = nb_alloc_doubles(4 * n)))
            return nb_fail(err, NB_ERR_RUNTIME, "pairwise kernel: out of memory for %zu sums",
                           n);
        s->cap = n;
    }
    if (nb > s->nb_cap) {
        free(s->count);
        free(s->sel);
        s->nb_cap = 0;
        s->count = malloc(nb * sizeof *s->count);
        s->sel = malloc(nb);
        if (!s->count || !s->sel)
            return nb_fail(err, NB_ERR_RUNTIME, "pairwise kernel: out of memory");
        s->nb_cap = nb;
    }
    return NB_OK;
}

/* The block of particle q. */
static size_t block_of(const nb_pair_plan *pl, size_t q)
{
    size_t b, b1;
    nb_pair_blocks_of(pl, q, q + 1, &b, &b1);
    return b;
}

static int pair_evaluate(void *state, nb_particles *p, const uint32_t *targets, size_t nt,
                         double *pot, nb_error *err)
{
    pair_state *s = state;
    size_t n = p->n;
    if (!targets) {
        nb_pair_accel_range(NB_SIMD_AUTO, p, 0, n, s->G, s->eps2, pot, s->threads);
        return NB_OK;
    }
    nb_pair_plan pl = nb_pair_plan_make(n);
    int rc = reserve(s, n, pl.nb, err);
    if (rc)
        return rc;
    const nb_simd simd = nb_simd_best();
    const int exact = nb_pair_target_exact(simd);
    memset(s->count, 0, pl.nb * sizeof *s->count);
    for (size_t k = 0; k < nt; k++)
        s->count[block_of(&pl, targets[k])]++;
    /* the tiles of a block cost about what a third of its targets would alone (the
     * tiles' N/2 pairs per particle against one-sided N): bits are the same either way */
    int any = 0;
    for (size_t b = 0; b < pl.nb; b++) {
        size_t size = nb_pair_block_start(&pl, b + 1) - nb_pair_block_start(&pl, b);
        s->sel[b] = s->count[b] > 0 && (!exact || 3 * s->count[b] >= size);
        any |= s->sel[b];
    }
    if (any) {
        nb_particles view = *p;
        view.ax = s->scratch;
        view.ay = s->scratch + n;
        view.az = s->scratch + 2 * n;
        double *vpot = pot ? s->scratch + 3 * n : NULL;
        nb_pair_blocks bs = {s->sel, 0, 0};
        nb_pair_accel_blocks(simd, &view, &bs, s->G, s->eps2, vpot, s->threads);
        for (size_t k = 0; k < nt; k++) {
            size_t q = targets[k];
            if (!s->sel[block_of(&pl, q)])
                continue;
            p->ax[q] = view.ax[q];
            p->ay[q] = view.ay[q];
            p->az[q] = view.az[q];
            if (pot)
                pot[q] = vpot[q];
        }
    }
    if (!exact)
        return NB_OK;
    /* the other targets one at a time, each alone: any thread, any order */
    const unsigned char *sel = s->sel;
    const double G = s->G, eps2 = s->eps2;
    const int want_pot = pot != NULL;
#pragma omp parallel for schedule(dynamic, 4) num_threads(s->threads) default(none) \
    shared(pl, p, pot, targets, sel) firstprivate(nt, simd, G, eps2, want_pot)
    for (size_t k = 0; k < nt; k++) {
        size_t q = targets[k];
        if (sel[block_of(&pl, q)])
            continue;
        double out[4];
        nb_pair_target(simd, &pl, p, q, G, eps2, want_pot, out);
        p->ax[q] = out[0];
        p->ay[q] = out[1];
        p->az[q] = out[2];
        if (want_pot)
            pot[q] = out[3];
    }
    return NB_OK;
}

const nb_kernel nb_kernel_direct = {
    .name = "direct",
    .summary = "exact pairwise sum, one thread, SIMD",
    .create = direct_create,
    .destroy = pair_destroy,
    .evaluate = pair_evaluate,
};

const nb_kernel nb_kernel_parallel = {
    .name = "parallel",
    .summary = "exact pairwise sum, OpenMP tasks over tiles of particle pairs, SIMD inside",
    .threaded = 1,
    .create = parallel_create,
    .destroy = pair_destroy,
    .evaluate = pair_evaluate,
};
