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

/* Cells are taken this many at a time by the AVX-512 loops (8 by the AVX2 ones): the cell
 * and particle lists are padded to a multiple of it (with massless copies of their last
 * entry) before they are evaluated. */
#define NB_TREE_CELL_LANES 16

/* One thread's lists for the group being walked. Cells are accepted nodes: centre of mass,
 * mass, traceless quadrupole (xx yy zz xy xz yz) and the trace of the second moment (times
 * eps^2 in the float lists), in float, scaled (see nb_tree_group) and relative to the group's origin: a cell is far from
 * every target by construction, so float's 6e-8 rounding is far below the expansion's own
 * error (1e-4 .. 1e-2), and float runs twice the lanes of double. Particles (opened leaves,
 * near by construction) stay double and absolute. */
typedef struct nb_tree_lists {
    float *cx, *cy, *cz, *cm, *qxx, *qyy, *qzz, *qxy, *qxz, *qyz, *ctr;
    /* The same in double, absolute and unscaled, used instead when dbl is set: for theta
     * below NB_TREE_FLOAT_THETA, where the expansion is accurate to about float's rounding
     * and theta -> 0 must give the direct sum to double precision. */
    double *dcx, *dcy, *dcz, *dcm, *dqxx, *dqyy, *dqzz, *dqxy, *dqxz, *dqyz, *dctr;
    double *px, *py, *pz, *pm;
    /* The particles again in float, in the cells' frame (nb_tree_group), unless dbl: summed
     * like the cells, eight float lanes, but for pairs closer than fnear (nb_tree_eval_parts). */
    float *fpx, *fpy, *fpz, *fpm;
    size_t nc, np;
    /* Where the group's own points start in the particle list (float lists only, after the
     * walk), or SIZE_MAX: target r is entry self0 + r, which the sums skip. */
    size_t self0;
    int dbl;
    /* The particle list is summed in float (fpx ..): set by the walk once it has accepted a
     * node (never with dbl). Until then the group's result is exact, so it stays double:
     * a walk that approximates nothing (small N) gives the direct sum to rounding. */
    int pfloat;
} nb_tree_lists;

/* The smallest theta whose cells are summed in float (quadrupole truncation error about
 * theta^3 / 10 there, 1e-4, still 1e3 times float's rounding). */
#define NB_TREE_FLOAT_THETA 0.1
/* The same for the relative opening test's alpha (gravity.force_accuracy): below it the
 * lists are double (N = 1e4 Plummer: median error 1.4e-7 at alpha 1e-6 in float, 1.3e-7
 * just below it in double, where theta 0.1 gives 9.9e-7). */
#define NB_TREE_FLOAT_ALPHA 1e-6

/* The group: its targets' positions (cnt of them, in tree order) and their sums, without
 * G: accelerations sx, sy, sz and potentials sp. The cell loop sees the targets as fx, fy,
 * fz: (x - origin) * lscale in float, lscale and the mass scale being powers of two that
 * bring the system to about unit size and mass (no float overflow whatever the units);
 * its sums are multiplied by ascale = lscale^2 / mscale and pscale = lscale / mscale, exact. */
typedef struct nb_tree_group {
    const double *x, *y, *z, *m;
    size_t cnt;
    double sx[NB_TREE_GROUP_MAX], sy[NB_TREE_GROUP_MAX], sz[NB_TREE_GROUP_MAX],
        sp[NB_TREE_GROUP_MAX];
    float fx[NB_TREE_GROUP_MAX], fy[NB_TREE_GROUP_MAX], fz[NB_TREE_GROUP_MAX];
    float feps2;          /* eps^2 * lscale^2 */
    float fnear2;         /* particle pairs closer than this (squared, scaled) are summed in
                           * double: 1/64 of the group's size, at least 2^-30 */
    double ascale, pscale;
    int want_pot;         /* sp is wanted: the AVX2 float loops skip it otherwise */
} nb_tree_group;

/* Interactions of the last evaluation of a tree kernel state (nb_force.state of a "tree"
 * force): target-node pairs (quadrupole), target-particle pairs (opened leaves and the
 * group's own pairs). Counted per group, so the figures do not depend on the machine's load
 * and cost nothing measurable; benchmarks and tests report them. */
void nb_tree_interactions(const void *state, double *cells, double *parts);

/* Adds the cell list (softened monopole + quadrupole) to every target's sums and empties
 * it. Each target's sum runs over the list in list order with one fixed reduction shape
 * per path s (NB_SIMD_AVX2 or better: AVX2+FMA intrinsics; else a loop built for the
 * build's target), in float over runs of cells and in double across runs. The list
 * arrays must have room for NB_TREE_CELL_LANES - 1 entries past nc (the padding). */
void nb_tree_eval_cells(nb_simd s, nb_tree_lists *l, nb_tree_group *g, double eps2);
/* nb_tree_eval_cells in two steps, for a list summed for several groups: pad the float
 * list (no-op for dbl), then sum it into the group's sums, leaving the list as it is. */
void nb_tree_pad_cells(nb_tree_lists *l);
void nb_tree_sum_cells(nb_simd s, nb_tree_lists *l, nb_tree_group *g, double eps2);
/* The same for the particle list; r = 0 pairs (eps2 = 0, coincident points) are skipped.
 * With pfloat, in float like the cells (fpx ..), eight AVX2 lanes: float coordinates
 * relative to the group's centre are good to 2^-25 of its size, so pairs closer than
 * fnear (1/64 of it) are left out of the float sum and added in double from px ..: every
 * pair's separation is then good to about 4e-6, coincident points included. Room for
 * NB_TREE_CELL_LANES - 1 entries past np, as for the cells. */
void nb_tree_eval_parts(nb_simd s, nb_tree_lists *l, nb_tree_group *g, double eps2);
/* The group's pairs among themselves, each target with every other one, in double (the
 * float lists hold the group's points as particles instead: self0). */
void nb_tree_eval_self(nb_tree_group *g, double eps2);

#endif
