/* Unit systems and G (physics/units.h): the table of named systems, resolving a run's
 * scales and G, and the line that states them. */
#include "physics/units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/format.h"

/* Named unit systems. The solar mass is the IAU 2015 nominal GM_sun / G, so that
 * G_cgs * Msun is the measured GM_sun; velocity 0: derived (au_msun_yr's "yr" is the
 * period of a circular orbit of 1 au around 1 Msun, 365.2569 days, which makes G = 4 pi^2
 * in these units). The parsec is IAU 2015's 648000/pi au, the Myr 10^6 Julian years
 * (3.15576e13 s), so pc_msun_myr's velocity unit is 1 pc/Myr = 0.97779 km/s; pc_msun_kms's
 * time unit is 1 pc/(km/s) = 0.978 Myr. */
#define KPC_CM 3.0856775814913673e21
#define PC_CM 3.0856775814913673e18
#define MYR_S 3.15576e13
#define MSUN_G 1.988409870698051e33
#define AU_CM 1.495978707e13
#define TWO_PI 6.283185307179586
static const struct unit_system {
    const char *name;
    double length, mass, velocity;
    const char *length_name, *mass_name, *velocity_name, *time_name;
} unit_systems[] = {
    {"nbody", 0, 0, 0, NULL, NULL, NULL, NULL},
    {"kpc_msun_kms", KPC_CM, MSUN_G, 1e5, "kpc", "Msun", "km/s", "0.978 Gyr"},
    {"pc_msun_kms", PC_CM, MSUN_G, 1e5, "pc", "Msun", "km/s", "0.978 Myr"},
    {"pc_msun_myr", PC_CM, MSUN_G, PC_CM / MYR_S, "pc", "Msun", "pc/Myr", "Myr"},
    {"au_msun_yr", AU_CM, MSUN_G, 0, "au", "Msun", "au/yr", "yr"},
    {"cgs", 1, 1, 1, "cm", "g", "cm/s", "s"},
};
#define N_UNIT_SYSTEMS (sizeof unit_systems / sizeof unit_systems[0])

static const struct unit_system *unit_system_find(const char *name)
{
    for (size_t k = 0; k < N_UNIT_SYSTEMS; k++)
        if (!strcmp(unit_systems[k].name, name))
            return &unit_systems[k];
    return NULL;
}

/* The system's velocity scale: au_msun_yr's follows from its length and mass. */
static double system_velocity(const struct unit_system *us)
{
    if (us->length > 0 && us->velocity == 0)
        return sqrt(NB_G_CGS * us->mass / us->length) / TWO_PI;
    return us->velocity;
}

const char *nb_units_key(int k)
{
    static const char *const keys[NB_UNITS_NKEYS] = {"system", "G", "length_in_cm", "mass_in_g",
                                                     "velocity_in_cm_per_s"};
    return k >= 0 && k < NB_UNITS_NKEYS ? keys[k] : "";
}

int nb_units_resolve(nb_units *u, const int given[NB_UNITS_NKEYS], int *key, nb_error *err)
{
    const struct unit_system *us = unit_system_find(u->system);
    if (!us) {
        *key = NB_UNITS_SYSTEM;
        return nb_fail(err, NB_ERR_INPUT, "units.system: unknown unit system '%s' (expected "
                       "one of " NB_UNITS_SYSTEM_NAMES ")", u->system);
    }
    double *v[3] = {&u->length_in_cm, &u->mass_in_g, &u->velocity_in_cm_per_s};
    double sys[3] = {us->length, us->mass, system_velocity(us)};
    int known = 0, last_given = -1;
    for (int k = 0; k < 3; k++) {
        if (given[NB_UNITS_LENGTH + k])
            last_given = k;
        else
            *v[k] = sys[k];
        known += *v[k] > 0;
    }
    double L = u->length_in_cm, M = u->mass_in_g, V = u->velocity_in_cm_per_s;
    if (known == 3) {
        double g = NB_G_CGS * M / (L * V * V);
        if (!isfinite(g) || !(g > 0)) {
            *key = NB_UNITS_LENGTH + (last_given < 0 ? 0 : last_given);
            return nb_fail(err, NB_ERR_INPUT, "units: G = G_cgs M / (L V^2) = %g is not a "
                           "usable number (expected scales that give 0 < G < infinity)", g);
        }
        if (!given[NB_UNITS_G]) {
            u->G = g;
        } else if (fabs(u->G - g) > NB_UNITS_G_TOLERANCE * g) {
            /* the trap: a copied G = 1 with physical units runs another problem */
            char have[32], want[32];
            *key = NB_UNITS_G;
            return nb_fail(err, NB_ERR_INPUT, "units.G = %s contradicts the physical units, "
                           "which give G = G_cgs M / (L V^2) = %s (expected units.G left out, "
                           "so that the units give G, or units.G = %s; for N-body units "
                           "leave out units.system and the scales)",
                           nb_format_double(have, sizeof have, u->G),
                           nb_format_double(want, sizeof want, g), want);
        }
    } else if (known == 2) {
        double G = u->G;
        if (!(L > 0))
            u->length_in_cm = NB_G_CGS * M / (G * V * V);
        else if (!(M > 0))
            u->mass_in_g = G * L * V * V / NB_G_CGS;
        else
            u->velocity_in_cm_per_s = sqrt(NB_G_CGS * M / (G * L));
        for (int k = 0; k < 3; k++)
            if (!isfinite(*v[k]) || !(*v[k] > 0)) {
                *key = NB_UNITS_LENGTH + k;
                return nb_fail(err, NB_ERR_INPUT, "units.%s: derived from G and the other "
                               "two scales as %g (expected a number > 0)",
                               nb_units_key(NB_UNITS_LENGTH + k), *v[k]);
            }
    } else if (known == 1) {
        *key = NB_UNITS_LENGTH + last_given;
        return nb_fail(err, NB_ERR_INPUT, "units.%s: one scale alone does not fix the units "
                       "(expected a second of length_in_cm, mass_in_g, velocity_in_cm_per_s, "
                       "the third following from G, or all three)",
                       nb_units_key(NB_UNITS_LENGTH + last_given));
    }
    return NB_OK;
}

int nb_units_physical(const nb_units *u)
{
    return u->length_in_cm > 0 && u->mass_in_g > 0 && u->velocity_in_cm_per_s > 0;
}

char *nb_units_line(const nb_units *u, char *buf, size_t size)
{
    char g[32];
    nb_format_double(g, sizeof g, u->G);
    if (!nb_units_physical(u)) {
        snprintf(buf, size, "N-body (no physical scale), G = %s", g);
        return buf;
    }
    /* the system's names only when the scales are still the system's own */
    const struct unit_system *us = unit_system_find(u->system);
    int named = us && us->length_name && u->length_in_cm == us->length &&
                u->mass_in_g == us->mass && u->velocity_in_cm_per_s == system_velocity(us);
    char l[32], m[32], ve[32];
    snprintf(buf, size, "length %s cm%s%s%s, mass %s g%s%s%s, velocity %s cm/s%s%s%s, "
             "time %.9g s%s%s%s, G = %s",
             nb_format_double(l, sizeof l, u->length_in_cm),
             named ? " (" : "", named ? us->length_name : "", named ? ")" : "",
             nb_format_double(m, sizeof m, u->mass_in_g),
             named ? " (" : "", named ? us->mass_name : "", named ? ")" : "",
             nb_format_double(ve, sizeof ve, u->velocity_in_cm_per_s),
             named ? " (" : "", named ? us->velocity_name : "", named ? ")" : "",
             u->length_in_cm / u->velocity_in_cm_per_s,
             named ? " (" : "", named ? us->time_name : "", named ? ")" : "", g);
    return buf;
}
