/* Initial conditions generated from a seed: the tutorial's gaussian blob, a Plummer
 * sphere, a cold uniform sphere, a Kepler two-body orbit, a Hernquist sphere; scaled to a
 * mass and a radius, with an optional mass spectrum (physics/imf.h). No I/O. */
#ifndef NB_ICS_H
#define NB_ICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/params.h"
#include "core/particles.h"
#include "core/rng.h"

typedef struct nb_ics_params {
    const char *type;       /* a registered type's name (nb_ics_names) */
    size_t n;               /* particle count (two_body: 2) */
    uint64_t seed;
    double G;               /* velocities are scaled so the set-up is in equilibrium for G */
    double radius;          /* uniform_sphere: radius (scale_radius, when given, wins) */
    double semi_major_axis; /* two_body */
    double eccentricity;    /* two_body, in [0, 1) */
    double m1, m2;          /* two_body masses */
    /* The scale of every generated type but two_body (which refuses it); 0 = not given,
     * the type's own: plummer's Plummer radius a (not given: 3 pi / 16, Henon units),
     * uniform_sphere's radius (not given: `radius`), hernquist's a (1), gaussian's
     * standard deviation per axis (1), king's core radius r0 (1). */
    double scale_radius;
    double central_mass;    /* hernquist: black hole mass in the run's unit; 0: none */
    /* Issue 22: one component of a (possibly multi-component) set-up. The generator's own
     * fields above describe its shape; these place and weigh it. */
    /* Total mass in the run's unit, velocities scaled for it and G; 0 = not given, the
     * type's own: 1 for plummer, uniform_sphere, king and hernquist (its stars, without
     * central_mass); gaussian's masses as drawn (given: scaled to this total); two_body
     * refuses it (m1, m2). With a mass function, the masses as drawn, or scaled to this
     * total when given. nb_ics_params_defaults sets 0; a zeroed struct means the same. */
    double mass;
    double centre[3];        /* added to positions after generation */
    double bulk_velocity[3]; /* added to velocities after generation */
    int particle_type;       /* GADGET type 0..5 the component's particles carry */
    uint64_t seed_offset;    /* the component draws from seed + seed_offset */
    double w0;               /* king: dimensionless central potential W0 */
    /* "equal" (or NULL) | "kroupa" | "salpeter" (physics/imf.h), drawn between m_min and
     * m_max (the run's mass unit, read as Msun) after the generator from the same stream:
     * positions and velocity directions are the equal-mass ones; the velocities are then
     * scaled by one factor to 2T + W = 0 for the drawn masses (a cold set stays cold).
     * Not for two_body. Hernquist's central black hole keeps central_mass. */
    const char *mass_function;
    double m_min, m_max;
} nb_ics_params;

/* Most components one initial_conditions list may hold. */
#define NB_MAX_COMPONENTS 16

/* An initial-condition type: one generator and one row of the registry in ics.c. Its own
 * parameters (radius, ...) are fields of nb_ics_params declared in its `keys` table; the
 * parameter file reads them as initial_conditions.NAME. */
typedef struct nb_ic_type {
    const char *name;
    const char *summary;
    const nb_param *keys;
    size_t nkeys;
    size_t fixed_n;  /* 0: initial_conditions.n particles; else exactly this many */
    /* Fills the n = p->n particles of p (allocated, zeroed) from the random stream r;
     * NULL for a type that reads its particles (below). */
    void (*generate)(nb_particles *p, nb_rng *r, const nb_ics_params *ip);
    /* 1: the particles are read from the file initial_conditions.file names (an HDF5
     * snapshot: io/snapshot_read.c, which this layer cannot call), not generated, and
     * their count is known only once read. */
    int reads;
} nb_ic_type;

/* The type called name, or NULL. */
const nb_ic_type *nb_ics_find(const char *name);
/* The registry table and its length. */
const nb_ic_type *const *nb_ics_list(size_t *count);
/* "gaussian, plummer, ...": the registered names, for messages. */
const char *nb_ics_names(void);
/* Every type's own parameters at their defaults (type, n, seed, G untouched). */
void nb_ics_params_defaults(nb_ics_params *ip);

/* Allocates p and fills it. Unknown type or impossible parameters: NB_ERR_INPUT. */
int nb_ics_generate(const nb_ics_params *ip, nb_particles *p, nb_error *err);

/* Generates ncomp components into one store: each as nb_ics_generate from seed +
 * seed_offset, shifted by its centre and bulk_velocity, its particles of particle_type.
 * The store is in ascending particle type, components in list order within a type; ids
 * run 0..N-1 in that order. One component with centre and bulk velocity zero gives the
 * bits nb_ics_generate gives. */
int nb_ics_generate_components(const nb_ics_params *comp, size_t ncomp, nb_particles *p,
                               nb_error *err);

/* Shifts positions and velocities so the centre of mass is at rest at the origin. */
void nb_ics_to_com_frame(nb_particles *p);

#endif
