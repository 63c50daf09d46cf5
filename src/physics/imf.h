/* Stellar mass functions for generated initial conditions: equal masses, Kroupa (2001)
 * and Salpeter (1955), sampled by the exact inverse of each power-law segment's CDF. */
#ifndef NB_IMF_H
#define NB_IMF_H

#include "core/error.h"
#include "core/rng.h"

/* Most power-law segments a mass function has (Kroupa: 3). */
#define NB_IMF_MAX_SEGMENTS 3

/* A mass function cut to [m_min, m_max]: dN/dm = c_k m^-alpha_k on [lo_k, hi_k), the c_k
 * making it continuous. Plain data, filled by nb_imf_init. */
typedef struct nb_imf {
    int equal;                          /* 1: "equal", no draws (nseg = 0) */
    int nseg;
    double lo[NB_IMF_MAX_SEGMENTS], hi[NB_IMF_MAX_SEGMENTS];
    double alpha[NB_IMF_MAX_SEGMENTS];
    double plo[NB_IMF_MAX_SEGMENTS], phi[NB_IMF_MAX_SEGMENTS]; /* lo_k, hi_k ^ (1 - alpha_k) */
    double cum[NB_IMF_MAX_SEGMENTS];    /* the fraction of stars below hi_k */
} nb_imf;

/* "equal, kroupa, salpeter": the names nb_imf_init takes, for messages. */
const char *nb_imf_names(void);

/* Sets f to the mass function called name (NULL: "equal") cut to [m_min, m_max], masses
 * in the run's mass unit read as solar masses (the breaks of Kroupa's law are at 0.08 and
 * 0.5 Msun). Unknown name, m_min <= 0, m_max not finite or m_min >= m_max: NB_ERR_INPUT
 * (the limits are not looked at for "equal"). */
int nb_imf_init(nb_imf *f, const char *name, double m_min, double m_max, nb_error *err);

/* One mass drawn from f (not "equal"), using one uniform deviate of r. */
double nb_imf_draw(const nb_imf *f, nb_rng *r);

#endif
