/* King (1966) models: the lowered isothermal distribution function f(E) ~ exp(W) - 1,
 * its profile from Poisson's equation integrated to the tidal radius, radii drawn from the
 * mass profile and speeds from f at each radius by rejection. */
#include "physics/ics_king.h"
#include "physics/ics_df.h"

#include <math.h>
#include <stddef.h>

/* Platform-independent bits need every multiply and add rounded on its own (as in ics.c);
 * the profile and the sampling use only +, -, *, /, sqrt and core/rng's nb_exp. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif


double nb_king_rho(double w)
{
    if (!(w > 0.0))
        return 0.0;
    /* e^W erf(sqrt W) = (2 / sqrt pi) sqrt W sum_n (2W)^n / (2n+1)!!; the terms n = 0, 1
     * are what the King density subtracts, so the rest is a sum of positive terms with no
     * cancellation, down to W -> 0 where rho ~ (4/15) W^(5/2) */
    double x = 2.0 * w, term = x * x / 15.0, sum = 0.0;
    for (int n = 2; n < 400; n++) {
        sum += term;
        if (term < 1e-17 * sum && (double)n > w)
            break;
        term *= x / (double)(2 * n + 3);
    }
    return sqrt(w) * sum;
}

/* d rho / dW, from the closed form: rho + (2/3) W^(3/2) (in nb_king_rho's units) */
static double rho_slope(double w)
{
    return nb_king_rho(w) + 2.0 / 3.0 * w * sqrt(w);
}

/* One RK4 step of (W, z) in t = ln r from radius r to r e^h (rho0 = rho(W0)):
 * dW/dt = z / r, dz/dt = -9 r^3 rho(W) / rho0. */
static void rk4(double t, double h, double rho0, double *w, double *z)
{
    double r0 = nb_exp(t), rm = nb_exp(t + 0.5 * h), r1 = nb_exp(t + h);
    double w0 = *w, z0 = *z;
    double kw1 = z0 / r0, kz1 = -9.0 * r0 * r0 * r0 * nb_king_rho(w0) / rho0;
    double w1 = w0 + 0.5 * h * kw1, z1 = z0 + 0.5 * h * kz1;
    double kw2 = z1 / rm, kz2 = -9.0 * rm * rm * rm * nb_king_rho(w1) / rho0;
    double w2 = w0 + 0.5 * h * kw2, z2 = z0 + 0.5 * h * kz2;
    double kw3 = z2 / rm, kz3 = -9.0 * rm * rm * rm * nb_king_rho(w2) / rho0;
    double w3 = w0 + h * kw3, z3 = z0 + h * kz3;
    double kw4 = z3 / r1, kz4 = -9.0 * r1 * r1 * r1 * nb_king_rho(w3) / rho0;
    *w = w0 + h / 6.0 * (kw1 + 2.0 * kw2 + 2.0 * kw3 + kw4);
    *z = z0 + h / 6.0 * (kz1 + 2.0 * kz2 + 2.0 * kz3 + kz4);
}

/* The series at the centre: W = W0 - (3/2) r^2 + a4 r^4 with a4 = (27/40) rho'(W0)/rho0,
 * from expanding both sides of Poisson's equation (the next term is r^6: 1e-18 at the
 * first node). */
static double centre_a4(double w0)
{
    return 0.675 * rho_slope(w0) / nb_king_rho(w0);
}

int nb_king_solve(nb_king_model *km, double w0, nb_error *err)
{
    if (!(w0 >= NB_KING_W0_MIN && w0 <= NB_KING_W0_MAX))
        return nb_fail(err, NB_ERR_INPUT, "king: w0 = %.17g is out of range (expected a "
                       "number from %g to %g)", w0, NB_KING_W0_MIN, NB_KING_W0_MAX);
    const double rho0 = nb_king_rho(w0), a4 = centre_a4(w0), rs = NB_KING_R_START;
    const double h = 1.0 / NB_KING_STEPS_PER_LN, t0 = nb_log(rs);
    km->w0 = w0;
    km->r[0] = 0.0;
    km->w[0] = w0;
    km->z[0] = 0.0;
    km->r[1] = rs;
    km->w[1] = w0 - 1.5 * rs * rs + a4 * rs * rs * rs * rs;
    km->z[1] = -3.0 * rs * rs * rs + 4.0 * a4 * rs * rs * rs * rs * rs;
    size_t k = 1;
    for (;;) {
        double t = t0 + (double)(k - 1) * h, w = km->w[k], z = km->z[k];
        rk4(t, h, rho0, &w, &z);
        if (w > 0.0 && k + 2 < NB_KING_NODES) {
            k++;
            km->r[k] = nb_exp(t + h);
            km->w[k] = w;
            km->z[k] = z;
            continue;
        }
        if (w > 0.0)
            return nb_fail(err, NB_ERR_RUNTIME, "king: W0 = %g does not reach its tidal "
                           "radius within %d nodes", w0, NB_KING_NODES);
        /* The last step crossed W = 0: its length hs by Newton's method on the W that one
         * RK4 step of length hs gives (dW/dt = z / r there), so that the last node lies
         * on the tidal radius to the integration's accuracy. */
        double hs = h * km->w[k] / (km->w[k] - w);
        for (int it = 0; it < 50; it++) {
            double ws = km->w[k], zs = km->z[k];
            rk4(t, hs, rho0, &ws, &zs);
            double slope = zs / nb_exp(t + hs), dh = -ws / slope;
            if (!(slope < 0.0))
                break;
            hs += dh;
            if (hs > h)
                hs = h;
            if (!(fabs(dh) > 1e-15 * h))
                break;
        }
        double ws = km->w[k], zs = km->z[k];
        rk4(t, hs, rho0, &ws, &zs);
        k++;
        km->r[k] = nb_exp(t + hs);
        km->w[k] = 0.0;
        km->z[k] = zs;
        km->n = k + 1;
        return NB_OK;
    }
}

double nb_king_w_at(const nb_king_model *km, double r)
{
    if (!(r < km->r[km->n - 1]))
        return 0.0;
    if (r < km->r[1]) {
        double a4 = centre_a4(km->w0);
        return km->w0 - 1.5 * r * r + a4 * r * r * r * r;
    }
    size_t lo = 1, hi = km->n - 1; /* r[lo] <= r < r[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (r < km->r[mid])
            hi = mid;
        else
            lo = mid;
    }
    double r0 = km->r[lo], r1 = km->r[hi], d = r1 - r0, s = (r - r0) / d;
    double m0 = km->z[lo] / (r0 * r0) * d, m1 = km->z[hi] / (r1 * r1) * d;
    double s2 = s * s, s3 = s2 * s;
    double w = (2.0 * s3 - 3.0 * s2 + 1.0) * km->w[lo] + (s3 - 2.0 * s2 + s) * m0 +
               (-2.0 * s3 + 3.0 * s2) * km->w[hi] + (s3 - s2) * m1;
    return w > 0.0 ? w : 0.0;
}

/* The radius (units of r0) holding mass fraction u of the model: -z is the mass profile,
 * interpolated linearly between nodes. */
static double radius_of(const nb_king_model *km, double u)
{
    double q = -u * km->z[km->n - 1];
    size_t lo = 0, hi = km->n - 1; /* -z[lo] <= q < -z[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (q < -km->z[mid])
            hi = mid;
        else
            lo = mid;
    }
    double m0 = -km->z[lo], m1 = -km->z[hi];
    return km->r[lo] + (km->r[hi] - km->r[lo]) * ((q - m0) / (m1 - m0));
}

/* f(E) ~ e^W - 1 in units of sigma^2: its own envelope bound (it decreases with v) */
static double king_f(double w, const void *ctx)
{
    (void)ctx;
    return nb_ics_expm1_small(w);
}

/* Equal masses mass / n; radii scaled by scale_radius = r0, speeds by sigma, where
 * sigma^2 = G M / (r0 (-z_t)) follows from M = rho0 r0^3 (4 pi / 9)(-z_t) and
 * r0^2 = 9 sigma^2 / (4 pi G rho0). */
static void king(nb_particles *p, nb_rng *r, const nb_ics_params *ip)
{
    nb_king_model km;
    nb_error err;
    if (nb_king_solve(&km, ip->w0, &err)) /* nb_ics_generate checked w0's range */
        return;
    const double r0 = ip->scale_radius > 0.0 ? ip->scale_radius : 1.0;
    const double mass = ip->mass > 0.0 ? ip->mass : 1.0;
    const double sigma = sqrt(ip->G * mass / (r0 * -km.z[km.n - 1]));
    const double m = mass / (double)p->n;
    for (size_t i = 0; i < p->n; i++) {
        double rad = radius_of(&km, nb_rng_uniform(r));
        double ux, uy, uz;
        nb_rng_direction(r, &ux, &uy, &uz);
        p->x[i] = r0 * rad * ux;
        p->y[i] = r0 * rad * uy;
        p->z[i] = r0 * rad * uz;
        double w = nb_king_w_at(&km, rad);
        double v = sigma * nb_ics_sample_speed(w, king_f, king_f, NULL, r);
        nb_rng_direction(r, &ux, &uy, &uz);
        p->vx[i] = v * ux;
        p->vy[i] = v * uy;
        p->vz[i] = v * uz;
        p->m[i] = m;
    }
    nb_ics_to_com_frame(p);
}

static const nb_param king_keys[] = {
    {"w0", 0, offsetof(nb_ics_params, w0), 6.0, NB_KING_W0_MIN, NB_KING_W0_MAX, 0,
     "King's central potential W0, a number from 1 to 12"},
};

const nb_ic_type nb_ics_king = {
    "king",
    "King (1966) model of central potential w0, core radius scale_radius, mass mass, "
    "isotropic, centre of mass at rest",
    king_keys, sizeof king_keys / sizeof king_keys[0], 0, king, 0};
