/* Kernel "knn": the force from each particle's k nearest neighbours only. prepare builds a
 * kd-tree of the sources; evaluate finds each target's neighbours and sums them as soon as
 * they are found, so no N*k neighbour list is ever stored. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "gravity/kdtree.h"
#include "gravity/kernels.h"
#include "gravity/pairwise.h"
#include "core/threads.h"

/* The kernel's own parameters (gravity.NAME keys, knn_keys). */
typedef struct knn_params {
    int neighbours; /* k, the neighbours summed per particle */
} knn_params;
_Static_assert(sizeof(knn_params) <= NB_KERNEL_OWN_BYTES, "fits its slot");

typedef struct knn_state {
    nb_kdtree tree;
    size_t k;                       /* neighbours per particle, as configured */
    double G, eps2;
    int threads;                    /* resolved: >= 1 */
    nb_kdtree_marks marks;          /* a list's targets (evaluate) */
    int slots;                      /* threads the scratch serves */
    size_t stride;                  /* neighbours each thread's buffer holds */
    nb_kdtree_neighbour *scratch;   /* slots * stride query buffers, one per thread */
    nb_kdtree_knn_scratch *cands;   /* slots candidate buffers, one per thread */
} knn_state;

/* One query buffer of `stride` neighbours and one candidate buffer for groups of `width`
 * points with k neighbours for each of `slots` threads. */
static int reserve_scratch(knn_state *s, int slots, size_t k, size_t width, nb_error *err)
{
    size_t stride = width * k;
    if (stride == 0)
        stride = 1;
    if (slots > s->slots || stride > s->stride) {
        int ns = slots > s->slots ? slots : s->slots;
        size_t nst = stride > s->stride ? stride : s->stride;
        nb_kdtree_neighbour *buf = malloc((size_t)ns * nst * sizeof *buf);
        nb_kdtree_knn_scratch *c = realloc(s->cands, (size_t)ns * sizeof *c);
        if (c) {
            for (int i = s->slots; i < ns; i++)
                c[i] = (nb_kdtree_knn_scratch){0};
            s->cands = c;
        }
        if (!buf || !c) {
            free(buf);
            return nb_fail(err, NB_ERR_RUNTIME,
                           "knn kernel: out of memory for %d x %zu neighbours", ns, nst);
        }
        free(s->scratch);
        s->scratch = buf;
        s->slots = ns;
        s->stride = nst;
    }
    for (int i = 0; i < s->slots; i++) {
        int rc = nb_kdtree_knn_scratch_reserve(&s->cands[i], k, width, err);
        if (rc)
            return rc;
    }
    return NB_OK;
}

static void knn_destroy(void *state)
{
    knn_state *s = state;
    if (!s)
        return;
    nb_kdtree_free(&s->tree);
    free(s->scratch);
    for (int i = 0; i < s->slots; i++)
        nb_kdtree_knn_scratch_free(&s->cands[i]);
    free(s->cands);
    nb_kdtree_marks_free(&s->marks);
    free(s);
}

/* Neighbours a query can return: never more than the other n - 1 particles. */
static size_t clamp_k(size_t k, size_t n)
{
    return n == 0 ? 0 : (k < n - 1 ? k : n - 1);
}

/* Particles per tree walk. Blocks of a leaf's particles share one walk; each thread's
 * buffer holds width * k neighbours, so for large k the blocks shrink to one particle. */
static size_t block_width(size_t k)
{
    return k <= 1024 ? NB_KDTREE_LANES : 1;
}

static int knn_create(void **state, const nb_kernel_params *kp, const void *own, size_t n,
                      nb_error *err)
{
    const knn_params *kn = own;
    *state = NULL;
    if (kn->neighbours < 1)
        return nb_fail(err, NB_ERR_INPUT, "knn kernel: gravity.neighbours = %d, expected >= 1",
                       kn->neighbours);
    knn_state *s = calloc(1, sizeof *s);
    if (!s)
        return nb_fail(err, NB_ERR_RUNTIME, "knn kernel: out of memory");
    s->k = (size_t)kn->neighbours;
    s->G = kp->G;
    s->eps2 = kp->eps * kp->eps;
    s->threads = nb_threads(kp->threads);
    size_t k = clamp_k(s->k, n);
    int rc = nb_kdtree_init(&s->tree, n, 0, err);
    if (!rc)
        rc = reserve_scratch(s, s->threads, k, block_width(k), err);
    if (rc) {
        knn_destroy(s);
        return rc;
    }
    *state = s;
    return NB_OK;
}

/* Neighbour terms computed in one vector pass before they are summed. */
#define TERMS 16

/* Forces on the targets among the particles of one leaf (all of them when want is NULL,
 * else those whose tree position is marked), groups of up to `width` of them sharing one
 * search. Each particle's neighbours are its k nearest by (distance, index) whatever group
 * it is found in, and its sum is one thread's, over them in that order: the same bits
 * whichever other targets are listed. */
static void leaf_forces(const nb_kdtree *t, const nb_kdtree_node *leaf, size_t k,
                        size_t width, nb_simd simd, double G, double eps2,
                        nb_kdtree_knn_scratch *cands, nb_kdtree_neighbour *nb, double *ax,
                        double *ay, double *az, double *pot, const unsigned char *want)
{
    size_t found[NB_KDTREE_LANES];
    size_t p0 = leaf->start, p1 = (size_t)leaf->start + leaf->count;
    for (size_t b = p0; b < p1; b += width) {
        size_t c = p1 - b < width ? p1 - b : width;
        unsigned mask = 0;
        for (size_t r = 0; r < c; r++)
            mask |= (!want || want[b + r]) ? 1u << r : 0u;
        if (!mask)
            continue;
        c = nb_kdtree_knn_group(t, b, c, mask, k, simd, cands, nb, found);
        for (size_t r = 0; r < c; r++) {
            if (!((mask >> r) & 1u))
                continue;
            size_t q = b + r, i = t->index[q];
            const nb_kdtree_neighbour *nr = nb + r * k;
            double xi = t->x[q], yi = t->y[q], zi = t->z[q];
            double sx = 0.0, sy = 0.0, sz = 0.0, phi = 0.0;
            /* each neighbour's terms in vectors (products, square roots and divisions are
             * correctly rounded, so lane by lane the same bits), then summed in order */
            for (size_t a0 = 0; a0 < found[r]; a0 += TERMS) {
                size_t na = found[r] - a0 < TERMS ? found[r] - a0 : TERMS;
                double tx[TERMS], ty[TERMS], tz[TERMS], tp[TERMS];
#pragma omp simd
                for (size_t a = 0; a < na; a++) {
                    size_t j = nr[a0 + a].pos;
                    double dx = t->x[j] - xi, dy = t->y[j] - yi, dz = t->z[j] - zi;
                    double r2 = nr[a0 + a].d2 + eps2; /* d2 is dx*dx + dy*dy + dz*dz */
                    double rinv = r2 > 0.0 ? 1.0 / sqrt(r2) : 0.0;
                    double mr = t->m[j] * rinv;
                    double w = mr * rinv * rinv;
                    tx[a] = w * dx;
                    ty[a] = w * dy;
                    tz[a] = w * dz;
                    tp[a] = mr;
                }
                for (size_t a = 0; a < na; a++) {
                    sx += tx[a];
                    sy += ty[a];
                    sz += tz[a];
                    phi -= tp[a];
                }
            }
            ax[i] = G * sx;
            ay[i] = G * sy;
            az[i] = G * sz;
            if (pot)
                pot[i] = G * phi;
        }
    }
}

/* The tree of the sources, rebuilt from scratch: it depends only on the positions. */
static int knn_prepare(void *state, const nb_particles *p, nb_error *err)
{
    knn_state *s = state;
    size_t n = p->n;
    int rc;
    if (n > s->tree.cap) {
        /* more particles than at create(): grow rather than fail */
        size_t leaf = s->tree.leaf_size;
        nb_kdtree_free(&s->tree);
        if ((rc = nb_kdtree_init(&s->tree, n, leaf, err)))
            return rc;
    }
    size_t k = clamp_k(s->k, n);
    if ((rc = reserve_scratch(s, s->threads, k, block_width(k), err)))
        return rc;
    return nb_kdtree_build(&s->tree, p->x, p->y, p->z, p->m, n, s->threads, err);
}

static int knn_evaluate(void *state, nb_particles *p, const uint32_t *targets, size_t nt,
                        double *pot, nb_error *err)
{
    knn_state *s = state;
    const nb_kdtree *t = &s->tree;
    size_t n = t->n;
    int rc;
    unsigned char *want = NULL;
    if (targets) {
        if ((rc = nb_kdtree_mark(&s->marks, t, targets, nt, err)))
            return rc;
        want = s->marks.want;
    }
    const size_t k = clamp_k(s->k, n), width = block_width(k);
    const double G = s->G, eps2 = s->eps2;
    const size_t stride = s->stride, nnodes = t->nnodes;
    double *ax = p->ax, *ay = p->ay, *az = p->az;
    nb_kdtree_neighbour *scratch = s->scratch;
    nb_kdtree_knn_scratch *cands = s->cands;
    const nb_simd simd = nb_simd_best();
    /* Leaves in any order, on any thread: every particle's result is computed alone, so
     * the bits depend neither on the thread count, nor on the schedule, nor on which
     * other targets are listed. */
#pragma omp parallel for schedule(dynamic, 16) num_threads(s->threads) default(none) \
    shared(t, scratch, cands, ax, ay, az, pot, want)                                        \
    firstprivate(nnodes, k, width, simd, G, eps2, stride)
    for (size_t node = 0; node < nnodes; node++)
        if (t->nodes[node].left == 0) {
            int id = nb_thread_id();
            leaf_forces(t, &t->nodes[node], k, width, simd, G, eps2, &cands[id],
                        scratch + (size_t)id * stride, ax, ay, az, pot, want);
        }
    if (want)
        nb_kdtree_unmark(&s->marks, targets, nt);
    return NB_OK;
}

/* A rank's targets are a block of the tree order: neighbours in space, whose walks are
 * shared as in the serial kernel. */
static const uint32_t *knn_target_order(const void *state)
{
    return ((const knn_state *)state)->tree.index;
}

static const nb_kernel_key knn_keys[] = {
    {"neighbours", 1, offsetof(knn_params, neighbours), 16, 1, 1e6, 0,
     "an integer from 1 to 1000000"},
};

/* k neighbours need k other particles; a run of one particle has no forces at all */
static int knn_check(const void *own, size_t n, const char **key, nb_error *err)
{
    const knn_params *kp = own;
    if (n > 1 && (size_t)kp->neighbours >= n) {
        *key = "neighbours";
        return nb_fail(err, NB_ERR_INPUT,
                       "gravity.neighbours: %d neighbours need more than %d particles (N = %zu)",
                       kp->neighbours, kp->neighbours, n);
    }
    return NB_OK;
}

/* what knn really computes: k neighbour interactions per particle */
static double knn_interactions(const void *own, size_t n)
{
    return (double)n * (double)clamp_k((size_t)((const knn_params *)own)->neighbours, n);
}

const nb_kernel nb_kernel_knn = {
    .name = "knn",
    .summary = "force from the k nearest neighbours only (kd-tree, gravity.neighbours = k)",
    .keys = knn_keys,
    .nkeys = sizeof knn_keys / sizeof knn_keys[0],
    .check = knn_check,
    .interactions = knn_interactions,
    .threaded = 1,
    .create = knn_create,
    .destroy = knn_destroy,
    .prepare = knn_prepare,
    .evaluate = knn_evaluate,
    .target_order = knn_target_order,
};
