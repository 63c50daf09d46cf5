/* Kernel "tree": Barnes-Hut forces from a kd-tree with monopole + quadrupole moments, one
 * walk and one pair of interaction lists per group of nearby targets (tree_eval.c sums them).
 *
 * Why a kd-tree and not the classic octree: src/gravity/kdtree.c already builds a tree in
 * O(n log n) with tight bounding boxes, leaf buckets, points and masses copied into tree
 * order, and a pre-order node array whose reverse sweep visits children before parents,
 * which is all a Barnes-Hut walk needs. It is built with midpoint splits
 * (NB_KDTREE_SPLIT_MIDPOINT: the widest side of the node's tight box cut in half), not knn's
 * median splits: median cells are elongated in a Plummer halo (bmax about 2.2 times the cube
 * root of the box volume, 0.87 for a cube), and the region in which a node must be opened
 * grows as the cube of bmax. With midpoint cells a 1e6 Plummer sphere at theta 0.7 needs
 * about 1000 interactions per target instead of 4500. Tight boxes keep node sizes below
 * those of octree cubes, and leaves are never empty.
 *
 * Multipoles: each node keeps its mass M, centre of mass c, the traceless quadrupole
 * Q = sum m (3 d d^T - |d|^2 I) (6 numbers, d = x - c) and the trace of the second moment
 * tr = sum m |d|^2. The trace is the one number beyond the usual set: with Plummer softening
 * the Taylor expansion of -1/sqrt(r^2 + eps^2) about c is
 *   phi(R) = -M g1 + (eps^2 tr - R.Q.R) g5 / 2,   g_k = (R^2 + eps^2)^(-k/2), R = x - c,
 * so the trace only drops out when eps = 0. We use that exact softened expansion:
 *   a(R) = -R (M g3 + 5/2 g7 (R.Q.R - eps^2 tr)) + g5 Q R.
 * Opening test (grouped): a node is accepted for a whole group when the distance d from
 * its centre of mass to the group's bounding box satisfies d > bmax / theta and d > bmax +
 * eps, bmax being the largest distance from c to a corner of the node's tight box: every
 * node that could hold a point within eps of a target (its extent overlapping the softening
 * length) is opened. Leaves that are opened are summed particle by particle, and the group's
 * own points pair by pair. With gravity.opening = "relative" the theta condition is
 * GADGET's relative one instead, against the group's previous accelerations (tree_walk.h's
 * accept_rel, tree_block.c's nb_tree_group_bounds; docs/tree.md). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gravity/kernels.h"
#include "gravity/tree_walk.h"
#include "core/threads.h"

static void tree_destroy(void *state)
{
    nb_tree_state_free(state);
}

static int tree_create(void **state, const nb_kernel_params *kp, const void *own, size_t n,
                       nb_error *err)
{
    const tree_params *tp = own;
    *state = NULL;
    if (!(tp->opening_angle > 0.0 && tp->opening_angle <= 1.5))
        return nb_fail(err, NB_ERR_INPUT,
                       "tree kernel: gravity.opening_angle = %g, expected 0 < theta <= 1.5",
                       tp->opening_angle);
    if (tp->opening != TREE_OPENING_GEOMETRIC && tp->opening != TREE_OPENING_RELATIVE)
        return nb_fail(err, NB_ERR_INPUT, "tree kernel: gravity.opening = %d, expected "
                       "geometric (0) or relative (1)", tp->opening);
    if (!(tp->force_accuracy > 0.0 && tp->force_accuracy <= 1.0))
        return nb_fail(err, NB_ERR_INPUT, "tree kernel: gravity.force_accuracy = %g, expected "
                       "0 < alpha <= 1", tp->force_accuracy);
    if (tp->leaf_size < 1 || tp->leaf_size > NB_KDTREE_LEAF_MAX)
        return nb_fail(err, NB_ERR_INPUT,
                       "tree kernel: gravity.leaf_size = %d, expected 1 to %d", tp->leaf_size,
                       NB_KDTREE_LEAF_MAX);
    tree_state *s = calloc(1, sizeof *s);
    if (!s)
        return nb_fail(err, NB_ERR_RUNTIME, "tree kernel: out of memory");
    s->group_size = GROUP_SIZE;
    s->G = kp->G;
    s->eps = kp->eps;
    s->theta = tp->opening_angle;
    s->relative = tp->opening == TREE_OPENING_RELATIVE;
    s->alpha = tp->force_accuracy;
    s->threads = nb_threads(kp->threads);
    int rc = nb_tree_reserve(s, n, (size_t)tp->leaf_size, err);
    if (!rc)
        rc = nb_tree_reserve_bufs(s, s->threads, err);
    if (rc) {
        nb_tree_state_free(s);
        return rc;
    }
    *state = s;
    return NB_OK;
}

/* Appends tree points q0 .. q0 + n - 1 to the particle list: double, and unless dbl also
 * float in the frame of origin o and scales S, MS (as g->fx; the group's own points must
 * come out bit for bit as g->fx .. for self0 to meet itself at distance 0). */
static void append_points(nb_tree_lists *l, const nb_kdtree *t, size_t q0, size_t n,
                          const double *o, double S, double MS)
{
    size_t c = l->np;
    memcpy(l->px + c, t->x + q0, n * sizeof(double));
    memcpy(l->py + c, t->y + q0, n * sizeof(double));
    memcpy(l->pz + c, t->z + q0, n * sizeof(double));
    memcpy(l->pm + c, t->m + q0, n * sizeof(double));
    if (!l->dbl)
        for (size_t j = 0; j < n; j++) {
            l->fpx[c + j] = (float)((t->x[q0 + j] - o[0]) * S);
            l->fpy[c + j] = (float)((t->y[q0 + j] - o[1]) * S);
            l->fpz[c + j] = (float)((t->z[q0 + j] - o[2]) * S);
            l->fpm[c + j] = (float)(t->m[q0 + j] * MS);
        }
    l->np += n;
}

/* A group's walk: its targets' frame (origin o, scales S and MS, as nb_tree_group), its
 * box, the opening test's numbers, and where the lists go. */
typedef struct walk_ctx {
    const tree_state *s;
    walk_buf *b;
    nb_simd simd;
    uint32_t group;
    size_t cnt;
    double lo[3], hi[3], o[3];
    double theta2, eps, eps2, dmin2, S, MS;
    double rel; /* the relative test's bound (nb_tree_group_bounds), or 0: geometric */
    double hoff; /* the relative test's r = d + hoff (TREE_REL_OFFSET) */
    /* the group's listed targets (group-local indices), when not all of them are */
    uint8_t sel[NB_TREE_GROUP_MAX];
    size_t nsel;
    int sparse;
} walk_ctx;

/* The tree_eval.c loops that sum a list into a group's targets. */
typedef void (*eval_fn)(nb_simd s, nb_tree_lists *l, nb_tree_group *g, double eps2);

/* fn over list l for the group's listed targets only: each alone, as a group of one that
 * holds the target's frame and sums (and meets its own point as entry self0 + r), the list
 * restored between them. The loops take every target alone (two per pass only share
 * loads), so each target's bits are those of the whole group's evaluation, at the cost of
 * its listed targets rather than of all its points. */
static void eval_listed(walk_ctx *w, nb_tree_lists *l, eval_fn fn)
{
    nb_tree_group *g = &w->b->g;
    if (!w->sparse) {
        fn(w->simd, l, g, w->eps2);
        return;
    }
    const size_t nc = l->nc, np = l->np, self0 = l->self0;
    nb_tree_group one;
    one.cnt = 1;
    one.feps2 = g->feps2;
    one.fnear2 = g->fnear2;
    one.ascale = g->ascale;
    one.pscale = g->pscale;
    one.want_pot = g->want_pot;
    for (size_t k = 0; k < w->nsel; k++) {
        size_t r = w->sel[k];
        one.x = g->x + r;
        one.y = g->y + r;
        one.z = g->z + r;
        one.m = g->m + r;
        one.sx[0] = g->sx[r];
        one.sy[0] = g->sy[r];
        one.sz[0] = g->sz[r];
        one.sp[0] = g->sp[r];
        one.fx[0] = g->fx[r];
        one.fy[0] = g->fy[r];
        one.fz[0] = g->fz[r];
        l->nc = nc;
        l->np = np;
        l->self0 = self0 == SIZE_MAX ? SIZE_MAX : self0 + r;
        fn(w->simd, l, &one, w->eps2);
        g->sx[r] = one.sx[0];
        g->sy[r] = one.sy[0];
        g->sz[r] = one.sz[0];
        g->sp[r] = one.sp[0];
    }
    if (l->self0 != SIZE_MAX) /* not emptied (sum_cells): as it was */
        l->self0 = self0;
}

/* Appends node k to the group's cell list (evaluating the list first when full). */
static void add_cell(walk_ctx *w, uint32_t k)
{
    nb_tree_lists *l = &w->b->l;
    if (l->nc == NB_TREE_LIST_CAP) {
        w->b->ncell += (double)(l->nc * w->cnt);
        eval_listed(w, l, nb_tree_eval_cells);
    }
    l->pfloat = !l->dbl;
    put_cell(w->s, l, l->nc++, k, w->o, w->S);
}

/* Appends leaf k's points to the group's particle list (evaluating the list first when
 * they do not fit). */
static void add_leaf(walk_ctx *w, uint32_t k)
{
    const tree_state *s = w->s;
    nb_tree_lists *l = &w->b->l;
    size_t q0 = s->walk[k].link & ~LEAF_BIT, n = s->lcount[k];
    if (l->np + n > NB_TREE_LIST_CAP) {
        w->b->npart += (double)(l->np * w->cnt);
        eval_listed(w, l, nb_tree_eval_parts);
    }
    append_points(l, &s->tree, q0, n, w->o, w->S, w->MS);
}

/* Walks the subtree of node `start` for the group, depth first, left before right. */
static void walk_from(walk_ctx *w, uint32_t start)
{
    const tree_state *s = w->s;
    uint32_t *stack = w->b->stack;
    size_t sp = 0;
    stack[sp++] = start;
    while (sp > 0) {
        uint32_t k = stack[--sp];
        if (k == w->group)
            continue; /* the group's own pairs, its whole subtree: added at the end */
        const tree_wnode *mo = &s->walk[k];
        double d2 = box_dist2(mo->c, w->lo, w->hi), bm = mo->bmax;
        int ok = w->rel > 0.0 ? accept_rel(d2, sqrt(d2) + w->hoff, bm, s->fmom[k].m, w->rel,
                                           w->eps, w->dmin2)
                              : accept(d2, bm, w->theta2, w->eps, w->dmin2);
        if (ok) {
            add_cell(w, k);
        } else if (mo->link & LEAF_BIT) {
            add_leaf(w, k);
        } else {
            /* the right child is far away in the array: fetch it while the left
             * subtree is walked */
            __builtin_prefetch(&s->walk[mo->link]);
            __builtin_prefetch(&s->fmom[mo->link]);
            __builtin_prefetch(&s->fmom[k + 1]);
            stack[sp++] = mo->link;
            stack[sp++] = k + 1;
        }
    }
}

/* Walks the tree for the group `group` of the block last given to walk_block, evaluating
 * the lists whenever one fills, and writes the group's results. The walk order (the
 * block's shared cells and leaves, then its candidates' subtrees depth first, left before
 * right) and the flush points depend only on the tree, so each target's sum has one fixed
 * order. */
static void walk_group(const tree_state *s, walk_buf *b, nb_simd simd, size_t j,
                       double theta2, double eps, double G, nb_particles *p, double *pot,
                       const unsigned char *want)
{
    const uint32_t group = s->groups[j];
    const double S = s->lscale, MS = s->mscale;
    const nb_kdtree *t = &s->tree;
    const nb_kdtree_node *gn = &t->nodes[group];
    const size_t p0 = gn->start, cnt = gn->count;
    const double eps2 = eps * eps;
    walk_ctx w = {.s = s, .b = b, .simd = simd, .group = group, .cnt = cnt, .theta2 = theta2,
                  .eps = eps, .eps2 = eps2, .S = S, .MS = MS,
                  .rel = s->relative ? s->grel[j] : 0.0};
    memcpy(w.lo, gn->lo, sizeof w.lo);
    memcpy(w.hi, gn->hi, sizeof w.hi);

    for (size_t r = 0; r < cnt; r++)
        if (!want || want[p0 + r])
            w.sel[w.nsel++] = (uint8_t)r;
    w.sparse = w.nsel < cnt;
    nb_tree_lists *l = &b->l;
    nb_tree_group *g = &b->g;
    g->x = t->x + p0;
    g->y = t->y + p0;
    g->z = t->z + p0;
    g->m = t->m + p0;
    g->cnt = cnt;
    /* the cells' float frame: origin at the box centre, scaled */
    double gd2 = 0.0;
    for (int d = 0; d < 3; d++) {
        w.o[d] = 0.5 * (w.lo[d] + w.hi[d]);
        gd2 += (w.hi[d] - w.lo[d]) * (w.hi[d] - w.lo[d]);
    }
    const double *o = w.o;
    w.hoff = TREE_REL_OFFSET * sqrt(gd2);
    for (size_t r = 0; r < cnt; r++) {
        g->sx[r] = g->sy[r] = g->sz[r] = g->sp[r] = 0.0;
        g->fx[r] = (float)((g->x[r] - o[0]) * S);
        g->fy[r] = (float)((g->y[r] - o[1]) * S);
        g->fz[r] = (float)((g->z[r] - o[2]) * S);
    }
    g->feps2 = (float)(eps2 * S * S);
    g->ascale = S * S / MS;
    g->pscale = S / MS;
    g->want_pot = pot != NULL;
    /* Cells closer than this are opened rather than summed in float: float coordinates
     * relative to the group's centre are good to 2^-24 of the group's size, so at 2^-10 of
     * it the distance is still good to 2^-14 (6e-5); and below 2^-30 of the system g1^4
     * could overflow. Such cells are rare (a small node just outside the group's box). */
    double dmin2 = ldexp(gd2, -20), dabs2 = ldexp(1.0, -60) / (S * S);
    w.dmin2 = dmin2 > dabs2 ? dmin2 : dabs2;
    /* particle pairs closer than 1/64 of the group's size are summed in double */
    double fn2 = ldexp(gd2, -12) * S * S;
    g->fnear2 = (float)(fn2 > 0x1p-60 ? fn2 : 0x1p-60);
    l->nc = l->np = 0;
    l->self0 = SIZE_MAX;
    l->pfloat = 0;
    l->dbl = w.rel > 0.0 ? s->alpha < NB_TREE_FLOAT_ALPHA
                         : theta2 < NB_TREE_FLOAT_THETA * NB_TREE_FLOAT_THETA;
    if (b->shn > 0) {
        /* the block's cells: the targets in the block's frame for them, then back */
        for (size_t r = 0; r < cnt; r++) {
            g->fx[r] = (float)((g->x[r] - b->sho[0]) * S);
            g->fy[r] = (float)((g->y[r] - b->sho[1]) * S);
            g->fz[r] = (float)((g->z[r] - b->sho[2]) * S);
        }
        eval_listed(&w, &b->sh, nb_tree_sum_cells);
        b->ncell += (double)(b->shn * cnt);
        l->pfloat = !l->dbl;
        for (size_t r = 0; r < cnt; r++) {
            g->fx[r] = (float)((g->x[r] - o[0]) * S);
            g->fy[r] = (float)((g->y[r] - o[1]) * S);
            g->fz[r] = (float)((g->z[r] - o[2]) * S);
        }
    }
    for (size_t j = 0; j < b->nsleaf; j++)
        add_leaf(&w, b->sleaf[j]);
    for (size_t j = 0; j < b->ncand; j++)
        walk_from(&w, b->cand[j]);
    b->ncell += (double)(l->nc * cnt);
    b->npart += (double)(l->np * cnt + cnt * (cnt - 1));
    const int self_in_list = l->pfloat;
    if (self_in_list) {
        /* the group's own pairs in the float particle loop too: its points as particles */
        if (l->np + cnt > NB_TREE_LIST_CAP)
            eval_listed(&w, l, nb_tree_eval_parts);
        append_points(l, t, p0, cnt, o, S, MS);
        l->self0 = l->np - cnt;
    }
    eval_listed(&w, l, nb_tree_eval_cells);
    eval_listed(&w, l, nb_tree_eval_parts);
    if (!self_in_list) /* every point of the group is a source: the whole group's loop */
        nb_tree_eval_self(g, eps2);
    for (size_t r = 0; r < cnt; r++) {
        if (want && !want[p0 + r])
            continue;
        size_t i = t->index[p0 + r];
        p->ax[i] = G * g->sx[r];
        p->ay[i] = G * g->sy[r];
        p->az[i] = G * g->sz[r];
        if (pot)
            pot[i] = G * g->sp[r];
    }
}

/* Whether a node holds a target: always when all are, else a marked tree position. */
static inline int holds_target(const nb_kdtree_node *nd, const unsigned char *want)
{
    if (!want)
        return 1;
    for (size_t q = nd->start; q < (size_t)nd->start + nd->count; q++)
        if (want[q])
            return 1;
    return 0;
}

/* The tree of the sources and its moments, rebuilt from scratch: they depend only on the
 * positions and masses. */
static int tree_prepare(void *state, const nb_particles *p, nb_error *err)
{
    tree_state *s = state;
    size_t n = p->n;
    int rc;
    if (n > s->tree.cap && (rc = nb_tree_reserve(s, n, s->tree.leaf_size, err)))
        return rc; /* more particles than at create(): grow rather than fail */
    if ((rc = nb_tree_reserve_bufs(s, s->threads, err)) ||
        (rc = nb_kdtree_build(&s->tree, p->x, p->y, p->z, p->m, n, s->threads, err)))
        return rc;
    if (n > 0)
        nb_tree_moments(s, s->eps);
    return NB_OK;
}

/* The listed targets (all when targets is NULL). Only blocks and groups that hold a
 * target are walked; a group is walked whole, after its block's shared walk, exactly as
 * in a walk of all groups: its sums depend only on the tree, so they are the same bits
 * whichever other targets are listed; only its listed targets are written. */
static int tree_evaluate(void *state, nb_particles *p, const uint32_t *targets, size_t nt,
                         double *pot, nb_error *err)
{
    tree_state *s = state;
    size_t n = s->tree.n;
    int rc;
    s->ncell = s->npart = 0.0;
    if (n == 0)
        return NB_OK;
    unsigned char *want = NULL;
    if (targets) {
        if ((rc = nb_kdtree_mark(&s->marks, &s->tree, targets, nt, err)))
            return rc;
        want = s->marks.want;
    }
    const tree_state *cs = s;
    const double theta2 = s->theta * s->theta, eps = s->eps, G = s->G;
    const size_t nblocks = s->nblocks;
    const int nt_threads = s->threads;
    walk_buf *bufs = s->bufs;
    for (int k = 0; k < nt_threads; k++)
        bufs[k].ncell = bufs[k].npart = 0.0;
    const nb_simd simd = nb_simd_best();
    /* Blocks in any order, on any thread: each target's sum is one thread's, in the fixed
     * order of its group's walk, so the bits do not depend on the thread count. */
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt_threads) default(none) \
    shared(cs, bufs, p, pot, want) firstprivate(nblocks, simd, theta2, eps, G)
    for (size_t k = 0; k < nblocks; k++) {
        if (!holds_target(&cs->tree.nodes[cs->blocks[k]], want))
            continue;
        walk_buf *b = &bufs[nb_thread_id()];
        const size_t j0 = cs->bfirst[k], j1 = cs->bfirst[k + 1];
        if (cs->relative) /* before any of the block's targets is written */
            nb_tree_group_bounds(cs, j0, j1, p);
        nb_tree_walk_block(cs, b, cs->blocks[k], j0, j1, theta2, eps);
        for (size_t j = j0; j < j1; j++)
            if (holds_target(&cs->tree.nodes[cs->groups[j]], want))
                walk_group(cs, b, simd, j, theta2, eps, G, p, pot, want);
    }
    for (int k = 0; k < nt_threads; k++) {
        s->ncell += bufs[k].ncell;
        s->npart += bufs[k].npart;
    }
    if (want)
        nb_kdtree_unmark(&s->marks, targets, nt);
    return NB_OK;
}

/* A rank's targets are a block of the tree order: whole groups and blocks, walked once. */
static const uint32_t *tree_target_order(const void *state)
{
    return ((const tree_state *)state)->tree.index;
}

void nb_tree_interactions(const void *state, double *cells, double *parts)
{
    const tree_state *s = state;
    *cells = s ? s->ncell : 0.0;
    *parts = s ? s->npart : 0.0;
}

static double tree_counted(const void *state)
{
    double cells, parts;
    nb_tree_interactions(state, &cells, &parts);
    return cells + parts;
}

static const nb_kernel_key tree_keys[] = {
    {"opening_angle", 0, offsetof(tree_params, opening_angle), 0.5, 0.0, 1.5, 1,
     "a number with 0 < theta <= 1.5"},
    {"leaf_size", 1, offsetof(tree_params, leaf_size), TREE_LEAF_DEFAULT, 1,
     NB_KDTREE_LEAF_MAX, 0, "an integer from 1 to 64"},
    {"opening", NB_PARAM_CHOICE, offsetof(tree_params, opening), TREE_OPENING_GEOMETRIC, 0, 1,
     0, "geometric or relative"},
    {"force_accuracy", 0, offsetof(tree_params, force_accuracy), TREE_ALPHA_DEFAULT, 0.0, 1.0,
     1, "a number with 0 < alpha <= 1"},
};

/* Whether evaluate reads the accelerations it finds (the relative test's |a_old|). */
static int tree_reads_accel(const void *own)
{
    return ((const tree_params *)own)->opening == TREE_OPENING_RELATIVE;
}

const nb_kernel nb_kernel_tree = {
    .name = "tree",
    .summary = "Barnes-Hut kd-tree, monopole + quadrupole, grouped walk "
               "(gravity.opening_angle = theta, gravity.leaf_size, gravity.opening = "
               "geometric | relative, gravity.force_accuracy = alpha)",
    .keys = tree_keys,
    .nkeys = sizeof tree_keys / sizeof tree_keys[0],
    .check = NULL,
    .interactions = NULL,
    .counted = tree_counted,
    .threaded = 1,
    .reads_accel = tree_reads_accel,
    .energy_potential = nb_tree_energy_potential,
    .energy_potential_auto_n = NB_TREE_ENERGY_AUTO_N,
    .create = tree_create,
    .destroy = tree_destroy,
    .prepare = tree_prepare,
    .evaluate = tree_evaluate,
    .target_order = tree_target_order,
};
