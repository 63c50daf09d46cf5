/* The tree kernel's build side: its storage, and after each kd-tree build the nodes'
 * multipole moments (one sweep from the last node to the first, children before
 * parents), the walk's compact node records, and the blocks and groups the walk takes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gravity/tree_state.h"

/* The storage sized by the tree's capacity (nb_tree_reserve's), left empty. */
static void free_tree(tree_state *s)
{
    nb_kdtree_free(&s->tree);
    free(s->mt);
    free(s->walk);
    free(s->lcount);
    free(s->quad_own);
    free(s->fmom_own);
    free(s->groups);
    free(s->blocks);
    free(s->bfirst);
    free(s->grel);
    s->grel = NULL;
    s->mt = NULL;
    s->walk = NULL;
    s->lcount = NULL;
    s->quad = s->quad_own = NULL;
    s->fmom = s->fmom_own = NULL;
    s->groups = NULL;
    s->blocks = NULL;
    s->bfirst = NULL;
}

void nb_tree_state_free(tree_state *s)
{
    if (!s)
        return;
    free_tree(s);
    free(s->bufs);
    free(s->arena);
    nb_kdtree_marks_free(&s->marks);
    free(s);
}

int nb_tree_reserve(tree_state *s, size_t cap, size_t leaf, nb_error *err)
{
    free_tree(s);
    if (cap > TREE_N_MAX)
        return nb_fail(err, NB_ERR_INPUT, "tree kernel: %zu particles, at most %zu supported",
                       cap, TREE_N_MAX);
    int rc = nb_kdtree_init_split(&s->tree, cap, leaf, NB_KDTREE_SPLIT_MIDPOINT, err);
    if (rc)
        return rc;
    s->mt = malloc(s->tree.node_cap * sizeof *s->mt);
    s->walk = aligned_alloc(64, (s->tree.node_cap + 1) / 2 * 2 * sizeof *s->walk);
    s->lcount = malloc(s->tree.node_cap);
    s->quad_own = malloc(s->tree.node_cap * sizeof *s->quad_own);
    s->fmom_own = aligned_alloc(32, s->tree.node_cap * sizeof *s->fmom_own); /* 32 | the size */
    s->groups = malloc(s->tree.node_cap * sizeof *s->groups);
    s->blocks = malloc(s->tree.node_cap * sizeof *s->blocks);
    s->bfirst = malloc((s->tree.node_cap + 1) * sizeof *s->bfirst);
    s->grel = malloc(s->tree.node_cap * sizeof *s->grel);
    if (!s->mt || !s->walk || !s->lcount || !s->quad_own || !s->fmom_own || !s->groups || !s->blocks ||
        !s->bfirst || !s->grel)
        return nb_fail(err, NB_ERR_RUNTIME, "tree kernel: out of memory for %zu points", cap);
    return NB_OK;
}

/* One walk_buf for each of `slots` threads: 11 float cell arrays, 11 double ones, 4
 * double particle arrays and 4 float ones, each with room for the cell list's padding. */
int nb_tree_reserve_bufs(tree_state *s, int slots, nb_error *err)
{
    if (slots <= s->slots)
        return NB_OK;
    enum { FARRAYS = 15, DARRAYS = 15, LIST_LEN = NB_TREE_LIST_CAP + NB_TREE_CELL_LANES,
           SH_ARRAYS = 11, SH_LEN = SHARE_CAP + NB_TREE_CELL_LANES };
    /* one block per thread: doubles first, then floats (LIST_LEN is even, so 8-aligned),
     * then the shared cell list's doubles and floats */
    const size_t per = DARRAYS * LIST_LEN * sizeof(double) + FARRAYS * LIST_LEN * sizeof(float) +
                       SH_ARRAYS * SH_LEN * (sizeof(double) + sizeof(float));
    walk_buf *b = calloc((size_t)slots, sizeof *b);
    double *arena = malloc((size_t)slots * per);
    if (!b || !arena) {
        free(b);
        free(arena);
        return nb_fail(err, NB_ERR_RUNTIME, "tree kernel: out of memory for %d threads", slots);
    }
    for (int k = 0; k < slots; k++) {
        double *a = (double *)((char *)arena + (size_t)k * per);
        float *f = (float *)(a + DARRAYS * LIST_LEN);
        nb_tree_lists *l = &b[k].l;
        double **d[DARRAYS] = {&l->px,   &l->py,   &l->pz,   &l->pm,   &l->dcx,
                               &l->dcy,  &l->dcz,  &l->dcm,  &l->dqxx, &l->dqyy,
                               &l->dqzz, &l->dqxy, &l->dqxz, &l->dqyz, &l->dctr};
        float **c[FARRAYS] = {&l->cx,  &l->cy,  &l->cz,  &l->cm,  &l->qxx, &l->qyy,
                              &l->qzz, &l->qxy, &l->qxz, &l->qyz, &l->ctr, &l->fpx,
                              &l->fpy, &l->fpz, &l->fpm};
        for (int j = 0; j < DARRAYS; j++)
            *d[j] = a + (size_t)j * LIST_LEN;
        for (int j = 0; j < FARRAYS; j++)
            *c[j] = f + (size_t)j * LIST_LEN;
        nb_tree_lists *h = &b[k].sh;
        double *ha = (double *)(f + FARRAYS * LIST_LEN);
        float *hf = (float *)(ha + SH_ARRAYS * SH_LEN);
        double **hd[SH_ARRAYS] = {&h->dcx,  &h->dcy,  &h->dcz,  &h->dcm,  &h->dqxx, &h->dqyy,
                                  &h->dqzz, &h->dqxy, &h->dqxz, &h->dqyz, &h->dctr};
        float **hc[SH_ARRAYS] = {&h->cx,  &h->cy,  &h->cz,  &h->cm,  &h->qxx, &h->qyy,
                                 &h->qzz, &h->qxy, &h->qxz, &h->qyz, &h->ctr};
        for (int j = 0; j < SH_ARRAYS; j++) {
            *hd[j] = ha + (size_t)j * SH_LEN;
            *hc[j] = hf + (size_t)j * SH_LEN;
        }
    }
    free(s->bufs);
    free(s->arena);
    s->bufs = b;
    s->arena = arena;
    s->slots = slots;
    return NB_OK;
}

static void leaf_moment(const nb_kdtree *t, const nb_kdtree_node *nd, double *co, tree_mt *mo,
                        tree_quad *qo)
{
    size_t p0 = nd->start, p1 = p0 + nd->count;
    double m = 0.0, sx = 0.0, sy = 0.0, sz = 0.0;
    for (size_t p = p0; p < p1; p++) {
        m += t->m[p];
        sx += t->m[p] * t->x[p];
        sy += t->m[p] * t->y[p];
        sz += t->m[p] * t->z[p];
    }
    double c[3];
    if (m > 0.0) {
        c[0] = sx / m;
        c[1] = sy / m;
        c[2] = sz / m;
    } else { /* massless points: any centre will do, the box's keeps bmax small */
        for (int d = 0; d < 3; d++)
            c[d] = 0.5 * (nd->lo[d] + nd->hi[d]);
    }
    double s[6] = {0, 0, 0, 0, 0, 0}; /* second moments xx yy zz xy xz yz about c */
    for (size_t p = p0; p < p1; p++) {
        double dx = t->x[p] - c[0], dy = t->y[p] - c[1], dz = t->z[p] - c[2], w = t->m[p];
        s[0] += w * dx * dx;
        s[1] += w * dy * dy;
        s[2] += w * dz * dz;
        s[3] += w * dx * dy;
        s[4] += w * dx * dz;
        s[5] += w * dy * dz;
    }
    double tr = s[0] + s[1] + s[2];
    mo->m = m;
    memcpy(co, c, sizeof c);
    for (int k = 0; k < 3; k++) {
        qo->q[k] = 3.0 * s[k] - tr;
        qo->q[k + 3] = 3.0 * s[k + 3];
    }
    mo->tr = tr;
}

/* Parallel-axis shift of child moments a and b (centres ca, cb) to their common centre of
 * mass co. */
static void merge_moment(const double *ca, const tree_mt *a, const tree_quad *qa,
                         const double *cb, const tree_mt *b, const tree_quad *qb,
                         const nb_kdtree_node *nd, double *co, tree_mt *mo, tree_quad *qo)
{
    double m = a->m + b->m;
    for (int d = 0; d < 3; d++)
        co[d] = m > 0.0 ? (a->m * ca[d] + b->m * cb[d]) / m : 0.5 * (nd->lo[d] + nd->hi[d]);
    mo->m = m;
    for (int k = 0; k < 6; k++)
        qo->q[k] = qa->q[k] + qb->q[k];
    mo->tr = a->tr + b->tr;
    const double *cc[2] = {ca, cb};
    const tree_mt *ch[2] = {a, b};
    for (int j = 0; j < 2; j++) {
        double dx = cc[j][0] - co[0], dy = cc[j][1] - co[1];
        double dz = cc[j][2] - co[2], w = ch[j]->m, d2 = dx * dx + dy * dy + dz * dz;
        qo->q[0] += w * (3.0 * dx * dx - d2);
        qo->q[1] += w * (3.0 * dy * dy - d2);
        qo->q[2] += w * (3.0 * dz * dz - d2);
        qo->q[3] += w * 3.0 * dx * dy;
        qo->q[4] += w * 3.0 * dx * dz;
        qo->q[5] += w * 3.0 * dy * dz;
        mo->tr += w * d2;
    }
}

static void compute_moments(tree_state *s)
{
    const nb_kdtree *t = &s->tree;
    for (size_t k = t->nnodes; k-- > 0;) {
        const nb_kdtree_node *nd = &t->nodes[k];
        tree_wnode *w = &s->walk[k];
        double c[3];
        if (nd->left == 0)
            leaf_moment(t, nd, c, &s->mt[k], &s->quad[k]);
        else
            merge_moment(s->walk[nd->left].c, &s->mt[nd->left], &s->quad[nd->left],
                         s->walk[nd->right].c, &s->mt[nd->right], &s->quad[nd->right], nd, c,
                         &s->mt[k], &s->quad[k]);
        double b2 = 0.0;
        for (int d = 0; d < 3; d++) {
            double lo = c[d] - nd->lo[d], hi = nd->hi[d] - c[d];
            double e = lo > hi ? lo : hi;
            b2 += e * e;
        }
        double bmax = sqrt(b2);
        memcpy(w->c, c, sizeof w->c);
        w->bmax = (float)bmax;
        if ((double)w->bmax < bmax)
            w->bmax = nextafterf(w->bmax, INFINITY);
        w->link = nd->left == 0 ? nd->start | LEAF_BIT : nd->right;
        s->lcount[k] = nd->left == 0 ? (uint8_t)nd->count : 0;
    }
    /* the blocks and the groups: nodes of at most BLOCK_SIZE (group_size) points whose
     * parent has more, in pre-order; a block's groups are its subtree's */
    s->ngroups = s->nblocks = 0;
    uint32_t stack[STACK_CAP], inner[STACK_CAP];
    size_t sp = 0;
    stack[sp++] = 0;
    while (sp > 0) {
        uint32_t k = stack[--sp];
        const nb_kdtree_node *nd = &t->nodes[k];
        if (nd->count > BLOCK_SIZE && nd->left != 0) {
            stack[sp++] = nd->right;
            stack[sp++] = nd->left;
            continue;
        }
        s->blocks[s->nblocks] = k;
        s->bfirst[s->nblocks++] = (uint32_t)s->ngroups;
        size_t ip = 0;
        inner[ip++] = k;
        while (ip > 0) {
            uint32_t j = inner[--ip];
            const nb_kdtree_node *nj = &t->nodes[j];
            if (nj->count <= s->group_size || nj->left == 0) {
                s->groups[s->ngroups++] = j;
            } else {
                inner[ip++] = nj->right;
                inner[ip++] = nj->left;
            }
        }
    }
    s->bfirst[s->nblocks] = (uint32_t)s->ngroups;
}

void nb_tree_moments(tree_state *s, double eps)
{
    /* the moments in the build's scratch when they fit: 80 of the 32 bytes a point there
     * per node, 28 bytes a point of peak memory saved at leaves of 8 */
    size_t nn = s->tree.nnodes, fbytes = nn * sizeof(tree_fmom);
    if (fbytes + nn * sizeof(tree_quad) <= s->tree.cap * NB_KDTREE_SCRATCH_BYTES) {
        s->fmom = s->tree.scratch;
        s->quad = (tree_quad *)((char *)s->tree.scratch + fbytes);
    } else {
        s->fmom = s->fmom_own;
        s->quad = s->quad_own;
    }
    compute_moments(s);
    /* float scales: the root box's widest side to [0.5, 1), the total mass likewise */
    double ext = 0.0;
    for (int d = 0; d < 3; d++) {
        double e = s->tree.nodes[0].hi[d] - s->tree.nodes[0].lo[d];
        ext = e > ext ? e : ext;
    }
    int e2;
    s->lscale = ext > 0.0 ? (frexp(ext, &e2), ldexp(1.0, -e2)) : 1.0;
    s->mscale = s->mt[0].m > 0.0 ? (frexp(s->mt[0].m, &e2), ldexp(1.0, -e2)) : 1.0;
    const double MS = s->mscale, QS = MS * s->lscale * s->lscale;
    const double ES = QS * eps * eps * s->lscale * s->lscale; /* tr -> eps^2 tr */
    for (size_t k = 0; k < s->tree.nnodes; k++) {
        tree_fmom *f = &s->fmom[k];
        f->m = (float)(s->mt[k].m * MS);
        f->tr = (float)(s->mt[k].tr * ES);
        for (int j = 0; j < 6; j++)
            f->q[j] = (float)(s->quad[k].q[j] * QS);
    }
}
