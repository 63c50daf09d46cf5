/* Initial conditions generated from a seed: the tutorial's gaussian blob, a Plummer
 * sphere, a cold uniform sphere and a Kepler two-body orbit. No I/O. */
#ifndef NB_ICS_H
#define NB_ICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/particles.h"

typedef struct nb_ics_params {
    const char *type;       /* gaussian | plummer | uniform_sphere | two_body */
    size_t n;               /* particle count (two_body: 2) */
    uint64_t seed;
    double G;               /* velocities are scaled so the set-up is in equilibrium for G */
    double radius;          /* uniform_sphere: radius */
    double semi_major_axis; /* two_body */
    double eccentricity;    /* two_body, in [0, 1) */
    double m1, m2;          /* two_body masses */
} nb_ics_params;

/* Allocates p and fills it. Unknown type or impossible parameters: NB_ERR_INPUT. */
int nb_ics_generate(const nb_ics_params *ip, nb_particles *p, nb_error *err);

/* Shifts positions and velocities so the centre of mass is at rest at the origin. */
void nb_ics_to_com_frame(nb_particles *p);

#endif
