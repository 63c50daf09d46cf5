/* The tree kernel's energy-potential settings (its energy_potential hook): the opening
 * angle energy.csv's potential is computed at, and the "# potential:" line describing it. */
#include <math.h>
#include <stdio.h>

#include "gravity/tree_state.h"

/* energy.csv's potential. "auto" takes the tree from N = NB_TREE_ENERGY_AUTO_N (below, the
 * exact sum costs no more: 1.9 s against 2.4 s at 1e5 on one AVX-512 thread) at
 * TREE_ENERGY_THETA (or the run's theta if smaller): W is then off by TREE_ENERGY_W_ERROR
 * (median, Plummer N = 1e4 .. 1e5; docs/energy-potential.md), far below an integration's
 * energy error, where theta 0.5 gives 2e-6 .. 1e-5. The error goes as ~theta^3.3. */
#define TREE_ENERGY_THETA 0.1 /* the law below is written about it */
#define TREE_ENERGY_W_ERROR 3e-8

void nb_tree_energy_potential(void *own, int auto_pick, char *desc, size_t size)
{
    tree_params *tp = own;
    /* geometric always: the energy rows' error must not depend on a previous force (the
     * energy potential's state is evaluated once, on scratch accelerations) */
    tp->opening = TREE_OPENING_GEOMETRIC;
    if (auto_pick && tp->opening_angle > TREE_ENERGY_THETA)
        tp->opening_angle = TREE_ENERGY_THETA;
    double theta = tp->opening_angle, werr = TREE_ENERGY_W_ERROR * pow(theta / 0.1, 3.3);
    char how[96] = "median measured on Plummer spheres of N = 1e4 .. 1e5";
    if (theta != TREE_ENERGY_THETA)
        snprintf(how, sizeof how, "estimated as %.0e (theta / 0.1)^3.3", TREE_ENERGY_W_ERROR);
    if (desc && size)
        snprintf(desc, size, "Barnes-Hut tree at opening angle %g%s (relative error of W "
                 "~%.0e, %s)", theta, auto_pick ? "" : ", the tree kernel's gravity.* settings",
                 werr, how);
}
