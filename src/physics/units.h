/* Unit systems and G: the named systems, the scales a run's units come from, and G derived
 * from them as G_cgs M / (L V^2). Plain numbers in and out, no parameter-file types: the
 * parameter-file check resolves the units here, and the run, energy.csv's "# units:" line
 * and the snapshots' unit attributes ask this module. */
#ifndef NB_UNITS_H
#define NB_UNITS_H

#include <stddef.h>

#include "core/error.h"

/* The gravitational constant in cgs (CODATA 2018), from which units.G is derived. */
#define NB_G_CGS 6.67430e-8

/* An explicit units.G further than this (relative) from the G the physical units give is
 * refused: it would silently run another problem than the units describe. */
#define NB_UNITS_G_TOLERANCE 1e-6

#define NB_UNITS_SYSTEM_MAX 32

typedef struct nb_units {
    char system[NB_UNITS_SYSTEM_MAX]; /* one of NB_UNITS_SYSTEM_NAMES */
    double G;
    double length_in_cm;         /* one length unit in cm; 0: N-body units, no scale */
    double mass_in_g;            /* one mass unit in g */
    double velocity_in_cm_per_s; /* one velocity unit in cm/s; time unit = length/velocity */
} nb_units;

/* The keys of the parameter file's units section, for given[] and error reports. */
enum { NB_UNITS_SYSTEM, NB_UNITS_G, NB_UNITS_LENGTH, NB_UNITS_MASS, NB_UNITS_VELOCITY,
       NB_UNITS_NKEYS };

/* The name of key k in the units section: "system", "G", "length_in_cm", ... */
const char *nb_units_key(int k);

/* The named systems, for messages. */
#define NB_UNITS_SYSTEM_NAMES "nbody, kpc_msun_kms, pc_msun_kms, pc_msun_myr, au_msun_yr, cgs"

/* Resolves u in place. given[k] != 0 when key k was set explicitly; the scales not given
 * are the system's. With all three scales G = G_cgs M / (L V^2), and an explicit G that
 * differs by more than NB_UNITS_G_TOLERANCE is refused; with two, the third follows from G
 * (given, or 1: N-body units with a physical scale); one alone is refused; with none the
 * run is in N-body units without a scale and G is as given. Errors: NB_ERR_INPUT with
 * "units.KEY: what (expected ...)" in err and the key at fault in *key. */
int nb_units_resolve(nb_units *u, const int given[NB_UNITS_NKEYS], int *key, nb_error *err);

/* 1 when u has physical units (length, mass and velocity scales), 0 for N-body units
 * without a scale. */
int nb_units_physical(const nb_units *u);

/* One line describing the units for people and for tools/plot_*.py, e.g.
 * "length 3.0856775814913673e+21 cm (kpc), mass ... g (Msun), velocity 100000 cm/s (km/s),
 * time ... s, G = 4.3009...e-06" or "N-body (no physical scale), G = 1". Returns buf. */
char *nb_units_line(const nb_units *u, char *buf, size_t size);

#endif
