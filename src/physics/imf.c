/* Stellar mass functions (physics/imf.h): each a broken power law, sampled segment by
 * segment through the exact inverse of its CDF, with core/rng's nb_pow so that a seed
 * gives the same masses on every platform. */
#include "physics/imf.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

/* A law: dN/dm ~ m^-alpha[k] from break[k] up to break[k + 1] (the last to infinity). */
typedef struct imf_law {
    const char *name;
    int nseg;
    double brk[NB_IMF_MAX_SEGMENTS]; /* brk[0] is 0: the first segment reaches down to m_min */
    double alpha[NB_IMF_MAX_SEGMENTS];
} imf_law;

static const imf_law laws[] = {
    /* Kroupa (2001, MNRAS 322, 231) eq. 2; the 0.3 segment is his for 0.01 to 0.08 Msun and
     * is continued below 0.01 when m_min asks for it */
    {"kroupa", 3, {0.0, 0.08, 0.5}, {0.3, 1.3, 2.3}},
    {"salpeter", 1, {0.0}, {2.35}}, /* Salpeter (1955, ApJ 121, 161) */
};

const char *nb_imf_names(void)
{
    return "equal, kroupa, salpeter";
}

int nb_imf_init(nb_imf *f, const char *name, double m_min, double m_max, nb_error *err)
{
    memset(f, 0, sizeof *f);
    if (!name || !strcmp(name, "equal")) {
        f->equal = 1;
        return NB_OK;
    }
    const imf_law *law = NULL;
    for (size_t k = 0; k < sizeof laws / sizeof laws[0]; k++)
        if (!strcmp(name, laws[k].name))
            law = &laws[k];
    if (!law)
        return nb_fail(err, NB_ERR_INPUT, "mass_function: unknown mass function '%s' "
                       "(expected one of: %s)", name, nb_imf_names());
    if (!(m_min > 0.0) || !(m_max < HUGE_VAL) || !(m_min < m_max))
        return nb_fail(err, NB_ERR_INPUT, "mass_function %s: m_min = %.17g, m_max = %.17g "
                       "(expected 0 < m_min < m_max, finite)", name, m_min, m_max);
    /* c_k, the coefficient of segment k, makes dN/dm continuous at each break */
    double c = 1.0, w[NB_IMF_MAX_SEGMENTS], total = 0.0;
    for (int k = 0; k < law->nseg; k++) {
        if (k > 0)
            c *= nb_pow(law->brk[k], law->alpha[k] - law->alpha[k - 1]);
        double lo = law->brk[k] > m_min ? law->brk[k] : m_min;
        double hi = k + 1 < law->nseg && law->brk[k + 1] < m_max ? law->brk[k + 1] : m_max;
        if (!(lo < hi))
            continue;
        int s = f->nseg++;
        double e = 1.0 - law->alpha[k];
        f->lo[s] = lo;
        f->hi[s] = hi;
        f->alpha[s] = law->alpha[k];
        f->plo[s] = nb_pow(lo, e);
        f->phi[s] = nb_pow(hi, e);
        w[s] = c * (f->phi[s] - f->plo[s]) / e; /* the number of stars in [lo, hi) */
        total += w[s];
    }
    double run = 0.0;
    for (int s = 0; s < f->nseg; s++) {
        run += w[s];
        f->cum[s] = run / total;
    }
    f->cum[f->nseg - 1] = 1.0;
    return NB_OK;
}

double nb_imf_draw(const nb_imf *f, nb_rng *r)
{
    double u = nb_rng_uniform(r);
    int s = 0;
    while (s < f->nseg - 1 && u >= f->cum[s])
        s++;
    double below = s > 0 ? f->cum[s - 1] : 0.0;
    /* u's place within segment s, then N(<m) inverted: m^(1-alpha) is linear in it */
    double t = (u - below) / (f->cum[s] - below);
    double e = 1.0 - f->alpha[s];
    double m = nb_pow(f->plo[s] + t * (f->phi[s] - f->plo[s]), 1.0 / e);
    return m < f->lo[s] ? f->lo[s] : m > f->hi[s] ? f->hi[s] : m;
}
