/* Hernquist (1990) sphere, rho = M a / (2 pi r (r + a)^3), with an optional black hole at
 * its centre: radii from the mass profile, speeds from the stars' isotropic distribution
 * function in the total potential, found by Eddington's inversion and tabulated once. */
#include "physics/ics_hernquist.h"
#include "physics/ics_df.h"

#include <math.h>
#include <stddef.h>

/* Platform-independent bits need every multiply and add rounded on its own (as in ics.c);
 * the table and the sampling use only +, -, *, /, sqrt and core/rng's nb_log and nb_exp. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#define LOG_R_MIN (-6.0 * 2.302585092994045684) /* ln 1e-6 */
#define NODES_PER_LN (200.0 / 2.302585092994045684)
/* Panels of 8-point Gauss-Legendre in Eddington's integral (s below): 16 give f to 2e-9
 * (against Hernquist's closed form), and to 2e-8 of 64 panels with a black hole. */
#define PANELS 16

double nb_hernquist_psi(const nb_hernquist_df *df, double r)
{
    return df->G * df->M / (r + df->a) + df->G * df->mbh / r;
}

double nb_hernquist_radius_of(const nb_hernquist_df *df, double E)
{
    /* Psi(r) = E  <=>  E r^2 + b r - G mbh a = 0 with b = E a - G (M + mbh); the root is
     * written in the form that does not cancel for either sign of b */
    double gm = df->G * df->M, gb = df->G * df->mbh, a = df->a;
    double b = E * a - (gm + gb);
    double sq = sqrt(b * b + 4.0 * E * gb * a);
    return b <= 0.0 ? (sq - b) / (2.0 * E) : 2.0 * gb * a / (b + sq);
}

/* Eddington (Binney & Tremaine eq. 4.46b): f(E) = 1/(sqrt 8 pi^2) int_0^E d2rho/dPsi2
 * dPsi / sqrt(E - Psi); the boundary term (drho/dPsi at Psi = 0) vanishes, rho ~ Psi^4
 * far out. Written as an integral over r from rE (Psi(rE) = E) outwards with
 * r = rE exp(s^2): the inverse square root of E - Psi ~ s^2 cancels against dr ~ s ds,
 * and the log scale follows the density's power laws. d2rho/dPsi2 dPsi/dr comes from the
 * r-derivatives of rho and Psi, which are exact: (rho' Psi'' - rho'' Psi') / Psi'^2. */
static double eddington(const nb_hernquist_df *df, double rE)
{
    static const double gx[4] = {0.1834346424956498, 0.5255324099163290,
                                 0.7966664774136267, 0.9602898564975363};
    static const double gw[4] = {0.3626837833783620, 0.3137066458778873,
                                 0.2223810344533745, 0.1012285362903763};
    const double gm = df->G * df->M, gb = df->G * df->mbh, a = df->a;
    const double C = df->M * a / (2.0 * M_PI);
    /* far enough that the rest (integrand ~ r^-3) is below 1e-12 of the sum */
    double rfar = (rE > a ? rE : a) * 1e4;
    double smax = sqrt(nb_log(rfar / rE)), w = smax / PANELS, sum = 0.0;
    for (int k = 0; k < PANELS; k++) {
        double mid = (k + 0.5) * w, psum = 0.0;
        for (int j = 0; j < 8; j++) {
            double s = mid + (j < 4 ? -gx[j] : gx[j - 4]) * 0.5 * w;
            double em1 = nb_ics_expm1_small(s * s), r = rE * (1.0 + em1), ra = r + a;
            double dr = rE * em1; /* r - rE */
            double dpsi = gm * dr / ((rE + a) * ra) + gb * dr / (r * rE); /* E - Psi(r) */
            double rho = C / (r * ra * ra * ra);
            double l1 = -1.0 / r - 3.0 / ra;
            double rho1 = rho * l1, rho2 = rho * (l1 * l1 + 1.0 / (r * r) + 3.0 / (ra * ra));
            double p1 = -gm / (ra * ra) - gb / (r * r);
            double p2 = 2.0 * gm / (ra * ra * ra) + 2.0 * gb / (r * r * r);
            double g = (rho1 * p2 - rho2 * p1) / (p1 * p1);
            psum += gw[j < 4 ? j : j - 4] * g * r * 2.0 * s / sqrt(dpsi);
        }
        sum += 0.5 * w * psum;
    }
    return sum / (sqrt(8.0) * M_PI * M_PI);
}

void nb_hernquist_df_init(nb_hernquist_df *df, double G, double M, double a, double mbh)
{
    df->G = G;
    df->M = M;
    df->a = a;
    df->mbh = mbh;
    df->lr0 = LOG_R_MIN;
    df->dlr = 1.0 / NODES_PER_LN;
    for (size_t k = 0; k < NB_HERNQUIST_NODES; k++) {
        double rE = a * nb_exp(df->lr0 + (double)k * df->dlr);
        double f = eddington(df, rE);
        /* f > 0 for every Hernquist model with or without a black hole; the floor only
         * keeps the logarithm finite */
        df->logf[k] = nb_log(f > 1e-300 ? f : 1e-300);
    }
    size_t k = NB_HERNQUIST_NODES - 1;
    df->logfmax[k] = df->logf[k];
    while (k-- > 0)
        df->logfmax[k] = df->logf[k] > df->logfmax[k + 1] ? df->logf[k] : df->logfmax[k + 1];
}

/* Linear in (log rE, log f), extrapolated along the end segments (f is a power of E at
 * both ends: E^-5/2 at the Hernquist centre, E^-1/2 near a black hole) */
static double interp(const nb_hernquist_df *df, const double *logf, double E)
{
    if (!(E > 0.0))
        return 0.0;
    double rE = nb_hernquist_radius_of(df, E);
    if (!(rE > 0.0))
        rE = df->a * 1e-300;
    double x = (nb_log(rE / df->a) - df->lr0) / df->dlr;
    double kf = floor(x);
    if (kf < 0.0)
        kf = 0.0;
    if (kf > NB_HERNQUIST_NODES - 2)
        kf = NB_HERNQUIST_NODES - 2;
    size_t k = (size_t)kf;
    double t = x - kf;
    return nb_exp(logf[k] + t * (logf[k + 1] - logf[k]));
}

double nb_hernquist_df_eval(const nb_hernquist_df *df, double E)
{
    return interp(df, df->logf, E);
}

double nb_hernquist_df_node(const nb_hernquist_df *df, size_t k, double *E)
{
    *E = nb_hernquist_psi(df, df->a * nb_exp(df->lr0 + (double)k * df->dlr));
    return nb_exp(df->logf[k]);
}

/* f and its upper bound (the envelope) at relative energy e, for nb_ics_sample_speed */
static double df_f(double e, const void *ctx)
{
    return nb_hernquist_df_eval(ctx, e);
}

static double df_max(double e, const void *ctx)
{
    const nb_hernquist_df *df = ctx;
    return interp(df, df->logfmax, e);
}

/* Particle 0 is the black hole when central_mass > 0 (initial_conditions.n counts it);
 * the others are stars of equal mass, `mass` in all (default 1); a is scale_radius
 * (default 1). */
static void hernquist(nb_particles *p, nb_rng *r, const nb_ics_params *ip)
{
    const double a = ip->scale_radius > 0.0 ? ip->scale_radius : 1.0;
    const double M = ip->mass > 0.0 ? ip->mass : 1.0, mbh = ip->central_mass;
    size_t s0 = mbh > 0.0 ? 1 : 0;
    if (s0)
        p->m[0] = mbh; /* at rest at the origin: p is zeroed */
    if (p->n <= s0)
        return;
    nb_hernquist_df df;
    nb_hernquist_df_init(&df, ip->G, M / NB_HERNQUIST_KEPT, a, mbh);
    const double ms = M / (double)(p->n - s0);
    for (size_t i = s0; i < p->n; i++) {
        double u;
        do
            u = nb_rng_uniform(r);
        while (u == 0.0);
        /* M(<r) / M = (r / (r + a))^2, the stars inside rt being the fraction KEPT */
        double y = sqrt(u * NB_HERNQUIST_KEPT);
        double rad = a * y / (1.0 - y);
        double ux, uy, uz;
        nb_rng_direction(r, &ux, &uy, &uz);
        p->x[i] = rad * ux;
        p->y[i] = rad * uy;
        p->z[i] = rad * uz;
        double v = nb_ics_sample_speed(nb_hernquist_psi(&df, rad), df_f, df_max, &df, r);
        nb_rng_direction(r, &ux, &uy, &uz);
        p->vx[i] = v * ux;
        p->vy[i] = v * uy;
        p->vz[i] = v * uz;
        p->m[i] = ms;
    }
    /* The centre of mass to rest: the stars' mean velocity removed. Their positions are
     * not shifted: the centre of mass of a sample is set by its far halo (its scatter is
     * sqrt(2 a rt / 3 N) = 0.37 a for N = 1e4), and moving every star by it would move
     * the cusp off the origin and off the black hole. */
    double vx = 0, vy = 0, vz = 0;
    for (size_t i = s0; i < p->n; i++) {
        vx += p->vx[i];
        vy += p->vy[i];
        vz += p->vz[i];
    }
    vx /= (double)(p->n - s0);
    vy /= (double)(p->n - s0);
    vz /= (double)(p->n - s0);
    for (size_t i = s0; i < p->n; i++) {
        p->vx[i] -= vx;
        p->vy[i] -= vy;
        p->vz[i] -= vz;
    }
}

/* scale_radius is a key every generated type reads (ics.h); its row stays here until the
 * parameter file reads the common keys itself. 0, its default, means "not given" (a = 1
 * here): a value the parameter file that the io layer writes back must read again. */
static const nb_param hernquist_keys[] = {
    {"scale_radius", 0, offsetof(nb_ics_params, scale_radius), 0.0, 0, HUGE_VAL, 0,
     "a length > 0 (0: each type's own scale)"},
    {"central_mass", 0, offsetof(nb_ics_params, central_mass), 0.0, 0, HUGE_VAL, 0,
     "a mass >= 0, in the run's mass unit (the stars weigh `mass`, default 1)"},
};

const nb_ic_type nb_ics_hernquist = {
    "hernquist",
    "Hernquist sphere (stars' mass `mass`, default 1, cut at 1998.5 scale radii), isotropic, "
    "optional central black hole",
    hernquist_keys, sizeof hernquist_keys / sizeof hernquist_keys[0], 0, hernquist, 0};
