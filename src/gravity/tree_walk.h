/* The tree walk's inline pieces, shared by the group walk (tree.c) and the block walk
 * (tree_block.c): distances to boxes, the two opening tests, writing a node into a list. */
#ifndef NB_TREE_WALK_H
#define NB_TREE_WALK_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "gravity/tree_state.h"

/* Squared distance from point c to the box [lo, hi] (0 inside), written as maxima so that
 * it compiles to max instructions, not to branches the walk would mispredict (lo <= hi:
 * at most one of lo - c and c - hi is positive). */
static inline double box_dist2(const double *c, const double *lo, const double *hi)
{
    double d2 = 0.0;
    for (int d = 0; d < 3; d++) {
        double u = lo[d] - c[d], v = c[d] - hi[d];
        double e = u > v ? u : v;
        e = e > 0.0 ? e : 0.0;
        d2 += e * e;
    }
    return d2;
}

/* Squared distance from point c to the farthest point of the box [lo, hi]. */
static inline double box_far2(const double *c, const double *lo, const double *hi)
{
    double d2 = 0.0;
    for (int d = 0; d < 3; d++) {
        double u = c[d] - lo[d], v = hi[d] - c[d];
        double e = u > v ? u : v;
        d2 += e * e;
    }
    return d2;
}

/* The opening test: node k (centre c, bmax bm) at squared distance d2 from the box is
 * accepted as a cell. Written with & so that it is one branch, not four (the outcome is
 * hard to predict). bm = 0 (one point, or coincident ones) is no approximation: summed
 * exactly, as particles, rather than as a float cell. */
static inline int accept(double d2, double bm, double theta2, double eps, double dmin2)
{
    return (d2 * theta2 > bm * bm) & (d2 > (bm + eps) * (bm + eps)) & (d2 > dmin2) & (bm > 0.0);
}

/* The relative test (gravity.opening = "relative", GADGET-2's): a node of mass M and size
 * bm is accepted for a group when G M bm^2 / r^4 <= alpha min|a_old|, the size of the
 * expansion's neglected terms (their bound, in GADGET's form) against the smallest previous
 * acceleration in the group; written m bm^2 <= rel r^4, m the node's float mass (M times
 * mscale) and rel = alpha min|a_old| mscale / G (nb_tree_group_bounds). r is the distance
 * d from the centre of mass to the group's box plus TREE_REL_OFFSET times the box's
 * diagonal: d alone is the nearest target's worst case, and as groups shrink with N the
 * median target's distance approaches it, so with d alone the median error grew with N
 * (+31% from 1e5 to 1e6 at alpha 0.005), with the offset it stays flat (docs/tree.md). The
 * geometric test's safety conditions stay, on d: no target within bm + eps of the centre of
 * mass (so none inside the node's box: GADGET's guard, and none within the softening of
 * one of its points), float's resolution (dmin2), bm > 0. */
static inline int accept_rel(double d2, double r, double bm, double m, double rel, double eps,
                             double dmin2)
{
    double r2 = r * r;
    return (m * bm * bm <= rel * r2 * r2) & (d2 > (bm + eps) * (bm + eps)) & (d2 > dmin2) &
           (bm > 0.0);
}

/* Writes node k as entry c of cell list l: in double, or in float in the frame of origin o
 * and length scale S. */
static inline void put_cell(const tree_state *s, nb_tree_lists *l, size_t c, uint32_t k,
                            const double *o, double S)
{
    const tree_wnode *mo = &s->walk[k];
    if (l->dbl) {
        const double *q = s->quad[k].q;
        l->dcx[c] = mo->c[0];
        l->dcy[c] = mo->c[1];
        l->dcz[c] = mo->c[2];
        l->dcm[c] = s->mt[k].m;
        l->dqxx[c] = q[0];
        l->dqyy[c] = q[1];
        l->dqzz[c] = q[2];
        l->dqxy[c] = q[3];
        l->dqxz[c] = q[4];
        l->dqyz[c] = q[5];
        l->dctr[c] = s->mt[k].tr;
        return;
    }
    l->cx[c] = (float)((mo->c[0] - o[0]) * S);
    l->cy[c] = (float)((mo->c[1] - o[1]) * S);
    l->cz[c] = (float)((mo->c[2] - o[2]) * S);
    const tree_fmom *f = &s->fmom[k];
    l->cm[c] = f->m;
    l->qxx[c] = f->q[0];
    l->qyy[c] = f->q[1];
    l->qzz[c] = f->q[2];
    l->qxy[c] = f->q[3];
    l->qxz[c] = f->q[4];
    l->qyz[c] = f->q[5];
    l->ctr[c] = f->tr;
}

#endif
