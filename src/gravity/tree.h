/* The tree kernel's interaction lists and their evaluation (tree_eval.c), shared with the
 * walk in tree.c: plain structure-of-arrays buffers, no state of their own. */
#ifndef NB_TREE_H
#define NB_TREE_H

#include <stddef.h>

#include "gravity/pairwise.h"

/* Entries a list holds before it is evaluated and emptied, so a walk needs this much
 * scratch per thread whatever N and theta are. */
#define NB_TREE_LIST_CAP 2048
/* Targets in one group: at most the kd-tree's largest leaf. */
#define NB_TREE_GROUP_MAX 64

/* One thread's lists for the group being walked. Cells are accepted nodes: centre of mass,
 * mass, traceless quadrupole (xx yy zz xy xz yz) and the trace of the second moment. */
typedef struct nb_tree_lists {
    double *cx, *cy, *cz, *cm, *qxx, *qyy, *qzz, *qxy, *qxz, *qyz, *ctr;
    double *px, *py, *pz, *pm;
    size_t nc, np;
} nb_tree_lists;

/* The group: its targets' positions (cnt of them, in tree order) and their sums, without
 * G: accelerations sx, sy, sz and potentials sp. */
typedef struct nb_tree_group {
    const double *x, *y, *z, *m;
    size_t cnt;
    double sx[NB_TREE_GROUP_MAX], sy[NB_TREE_GROUP_MAX], sz[NB_TREE_GROUP_MAX],
        sp[NB_TREE_GROUP_MAX];
} nb_tree_group;

/* Interactions of the last evaluation of a tree kernel state (nb_force.state of a "tree"
 * force): target-node pairs (quadrupole), target-particle pairs (opened leaves and the
 * group's own pairs). Counted per group, so the figures do not depend on the machine's load
 * and cost nothing measurable; benchmarks and tests report them. */
void nb_tree_interactions(const void *state, double *cells, double *parts);

/* Adds the cell list (softened monopole + quadrupole) to every target's sums and empties
 * it. Each target's sum runs over the list in list order with one fixed reduction shape
 * per path s (NB_SIMD_AVX2 or better: the loops built for AVX2+FMA; else for the build's
 * target). */
void nb_tree_eval_cells(nb_simd s, nb_tree_lists *l, nb_tree_group *g, double eps2);
/* The same for the particle list; r = 0 pairs (eps2 = 0, coincident points) are skipped. */
void nb_tree_eval_parts(nb_simd s, nb_tree_lists *l, nb_tree_group *g, double eps2);
/* The group's pairs among themselves, each target with every other one. */
void nb_tree_eval_self(nb_tree_group *g, double eps2);

#endif
