/* The tree walk's block level (tree.c walks the groups): each block's shared walk, and
 * the relative opening test's bound of each of its groups. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "gravity/tree_walk.h"

/* The relative test's bound of groups j0 .. j1 - 1 (tree.c's accept_rel): alpha times
 * the smallest |a_old| over ALL the group's points (listed or not, so that a list of
 * targets gets the all-targets bits), the accelerations p holds when evaluate is called
 * (the previous force), in the units accept_rel compares. 0 where that minimum is 0 (a
 * first evaluation, no previous force): the group takes the geometric test at the run's
 * opening angle, as GADGET's first pass does. Every rank of a distributed run holds every
 * particle's previous acceleration (the force driver exchanges all rows), so a group that
 * straddles the ranks' blocks gets one bound on all of them. */
void nb_tree_group_bounds(const tree_state *s, size_t j0, size_t j1, const nb_particles *p)
{
    const nb_kdtree *t = &s->tree;
    for (size_t j = j0; j < j1; j++) {
        const nb_kdtree_node *gn = &t->nodes[s->groups[j]];
        double a2 = HUGE_VAL;
        for (size_t q = gn->start; q < (size_t)gn->start + gn->count; q++) {
            size_t i = t->index[q];
            double v = p->ax[i] * p->ax[i] + p->ay[i] * p->ay[i] + p->az[i] * p->az[i];
            a2 = v < a2 ? v : a2;
        }
        double r = s->alpha * sqrt(a2) * s->mscale / s->G;
        s->grel[j] = a2 > 0.0 && isfinite(r) ? r : 0.0;
    }
}

/* The walk shared by the groups of block node `block` (a largest node of at most
 * BLOCK_SIZE points): nodes every group would accept (the opening test passed at the
 * block's box, nearer than any group's) go to the cell list b->sh, in the block's float
 * frame (as good as a group's: the block's own dmin2), summed once per group, leaves every group would open
 * (the test failed even at the far corner of the block's box) to b->sleaf, and nodes some
 * groups may accept and others open, and the block itself, to b->cand, not descended: each
 * group walks those from there. So a group's lists hold exactly the nodes of a walk from the
 * root (in another order), without the shared upper part of the walk. Falls back to the
 * root as the only candidate when a list would overflow. Under the relative test each
 * group has its own bound (grel[j0 .. j1), 0 for a group taking the geometric test): a
 * node every group accepts passes each kind of test its groups take, the relative one at
 * the smallest bound; some group may accept a node if one of them passes at the far corner
 * with the largest bound. */
void nb_tree_walk_block(const tree_state *s, walk_buf *b, uint32_t block, size_t j0, size_t j1,
                       double theta2, double eps)
{
    int geo = !s->relative, rel = 0;
    double rlo = HUGE_VAL, rhi = 0.0;
    for (size_t j = j0; s->relative && j < j1; j++) {
        double r = s->grel[j];
        geo |= !(r > 0.0);
        if (r > 0.0) {
            rel = 1;
            rlo = r < rlo ? r : rlo;
            rhi = r > rhi ? r : rhi;
        }
    }
    const nb_kdtree_node *bn = &s->tree.nodes[block];
    double bd2 = 0.0;
    for (int d = 0; d < 3; d++)
        bd2 += (bn->hi[d] - bn->lo[d]) * (bn->hi[d] - bn->lo[d]);
    const double S = s->lscale;
    double dmin2 = ldexp(bd2, -20), dabs2 = ldexp(1.0, -60) / (S * S);
    dmin2 = dmin2 > dabs2 ? dmin2 : dabs2; /* the largest of its groups' (walk_group) */
    for (int d = 0; d < 3; d++)
        b->sho[d] = 0.5 * (bn->lo[d] + bn->hi[d]);
    b->sh.dbl = (geo && theta2 < NB_TREE_FLOAT_THETA * NB_TREE_FLOAT_THETA) ||
                (rel && s->alpha < NB_TREE_FLOAT_ALPHA);
    b->sh.nc = b->nsleaf = b->ncand = 0;
    size_t sp = 0;
    b->stack[sp++] = 0;
    while (sp > 0) {
        uint32_t k = b->stack[--sp];
        const tree_wnode *mo = &s->walk[k];
        double bm = mo->bmax;
        int shared = 1;
        double d2;
        if (k == block) {
            shared = 0;
        } else if (d2 = box_dist2(mo->c, bn->lo, bn->hi),
                   (!geo || accept(d2, bm, theta2, eps, dmin2)) &&
                       (!rel || accept_rel(d2, sqrt(d2), bm, s->fmom[k].m, rlo, eps,
                                           dmin2))) {
            if (b->sh.nc == SHARE_CAP)
                goto overflow;
            put_cell(s, &b->sh, b->sh.nc++, k, b->sho, S);
            continue;
        } else {
            double f2 = box_far2(mo->c, bn->lo, bn->hi);
            /* accepted by some group only if the test passes at the farthest distance
             * any group's box can be from c (dmin2 and bm > 0 only ever open more) */
            int some = (geo && f2 * theta2 > bm * bm) ||
                       (rel && accept_rel(f2, sqrt(f2) + TREE_REL_OFFSET * sqrt(bd2), bm,
                                          s->fmom[k].m, rhi, eps, 0.0));
            shared = !(some && f2 > (bm + eps) * (bm + eps));
        }
        if (!shared) {
            if (b->ncand == SHARE_CAP)
                goto overflow;
            b->cand[b->ncand++] = k;
        } else if (mo->link & LEAF_BIT) {
            if (b->nsleaf == SHARE_CAP)
                goto overflow;
            b->sleaf[b->nsleaf++] = k;
        } else {
            __builtin_prefetch(&s->walk[mo->link]);
            b->stack[sp++] = mo->link;
            b->stack[sp++] = k + 1;
        }
    }
    b->shn = b->sh.nc;
    nb_tree_pad_cells(&b->sh);
    return;
overflow:
    b->sh.nc = b->shn = b->nsleaf = 0;
    b->ncand = 1;
    b->cand[0] = 0;
}
