/* Initial-condition generators. Everything random comes from rng.c, so a seed gives the
 * same particles on every platform. */
#include "physics/ics.h"

#include <math.h>
#include <string.h>

#include "core/rng.h"

/* Platform-independent bits need every multiply and add rounded on its own: GCC does not
 * fuse them in ISO C mode (-std=c11), clang does unless told not to. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

static void gaussian(nb_particles *p, nb_rng *r)
{
    /* The tutorial's set-up: all masses first, then positions, as numpy draws them. */
    for (size_t i = 0; i < p->n; i++)
        p->m[i] = nb_rng_uniform(r);
    for (size_t i = 0; i < p->n; i++) {
        p->x[i] = nb_rng_normal(r);
        p->y[i] = nb_rng_normal(r);
        p->z[i] = nb_rng_normal(r);
    }
}

/* Aarseth, Henon & Wielen (1974) sampling, then scaled to Henon units (M = 1,
 * E = -1/4 for G = 1). */
static void plummer(nb_particles *p, nb_rng *r, double G)
{
    const double rscale = 3.0 * M_PI / 16.0;
    const double vscale = sqrt(G / rscale);
    for (size_t i = 0; i < p->n; i++) {
        double rad;
        do {
            double x1 = nb_rng_uniform(r);
            rad = x1 > 0.0 ? 1.0 / sqrt(nb_pow(x1, -2.0 / 3.0) - 1.0) : INFINITY;
        /* Drop the far halo beyond the radius that holds 99.9% of the mass (38.7 Plummer
         * radii = 22.8 Henon units, Starlab mkplummer's default): the 1.5% beyond 10 radii
         * is not rare, and cutting there made E ~4% deeper than -1/4. */
        } while (!(rad < 38.71369177075034));
        double ux, uy, uz;
        nb_rng_direction(r, &ux, &uy, &uz);
        p->x[i] = rscale * rad * ux;
        p->y[i] = rscale * rad * uy;
        p->z[i] = rscale * rad * uz;

        /* speed as a fraction q of the escape speed, g(q) = q^2 (1-q^2)^(7/2) by rejection */
        double q, g;
        do {
            q = nb_rng_uniform(r);
            double s = 1.0 - q * q;
            g = q * q * s * s * s * sqrt(s);
        } while (0.1 * nb_rng_uniform(r) >= g);
        double vesc = sqrt(2.0) / sqrt(sqrt(1.0 + rad * rad));
        nb_rng_direction(r, &ux, &uy, &uz);
        double v = vscale * q * vesc;
        p->vx[i] = v * ux;
        p->vy[i] = v * uy;
        p->vz[i] = v * uz;
        p->m[i] = 1.0 / (double)p->n;
    }
    nb_ics_to_com_frame(p);
}

static void uniform_sphere(nb_particles *p, nb_rng *r, double radius)
{
    for (size_t i = 0; i < p->n; i++) {
        double x, y, z;
        do {
            x = 2.0 * nb_rng_uniform(r) - 1.0;
            y = 2.0 * nb_rng_uniform(r) - 1.0;
            z = 2.0 * nb_rng_uniform(r) - 1.0;
        } while (x * x + y * y + z * z > 1.0);
        p->x[i] = radius * x;
        p->y[i] = radius * y;
        p->z[i] = radius * z;
        p->m[i] = 1.0 / (double)p->n;
    }
    nb_ics_to_com_frame(p);
}

/* Both bodies at pericentre on the x axis, moving along y, centre of mass at rest. */
static void two_body(nb_particles *p, const nb_ics_params *ip)
{
    double a = ip->semi_major_axis, e = ip->eccentricity, mt = ip->m1 + ip->m2;
    double rp = a * (1.0 - e);
    double vp = sqrt(ip->G * mt * (1.0 + e) / rp);
    p->m[0] = ip->m1;
    p->m[1] = ip->m2;
    p->x[0] = -ip->m2 / mt * rp;
    p->x[1] = ip->m1 / mt * rp;
    p->vy[0] = -ip->m2 / mt * vp;
    p->vy[1] = ip->m1 / mt * vp;
}

int nb_ics_generate(const nb_ics_params *ip, nb_particles *p, nb_error *err)
{
    const char *t = ip->type;
    int known = !strcmp(t, "gaussian") || !strcmp(t, "plummer") ||
                !strcmp(t, "uniform_sphere") || !strcmp(t, "two_body");
    if (!known)
        return nb_fail(err, NB_ERR_INPUT,
                       "unknown initial-condition type '%s' (expected gaussian, plummer, "
                       "uniform_sphere or two_body)", t);
    size_t n = strcmp(t, "two_body") ? ip->n : 2;
    if (n < 1)
        return nb_fail(err, NB_ERR_INPUT, "initial conditions need at least one particle");
    if (!strcmp(t, "two_body") &&
        !(ip->semi_major_axis > 0 && ip->eccentricity >= 0 && ip->eccentricity < 1 &&
          ip->m1 > 0 && ip->m2 > 0))
        return nb_fail(err, NB_ERR_INPUT,
                       "two_body needs semi_major_axis > 0, 0 <= eccentricity < 1, m1, m2 > 0");
    int rc = nb_particles_alloc(p, n, err);
    if (rc)
        return rc;
    nb_rng r;
    nb_rng_seed(&r, ip->seed);
    if (!strcmp(t, "gaussian"))
        gaussian(p, &r);
    else if (!strcmp(t, "plummer"))
        plummer(p, &r, ip->G);
    else if (!strcmp(t, "uniform_sphere"))
        uniform_sphere(p, &r, ip->radius);
    else
        two_body(p, ip);
    return NB_OK;
}

void nb_ics_to_com_frame(nb_particles *p)
{
    double mt = 0, cx = 0, cy = 0, cz = 0, vx = 0, vy = 0, vz = 0;
    for (size_t i = 0; i < p->n; i++) {
        double m = p->m[i];
        mt += m;
        cx += m * p->x[i]; cy += m * p->y[i]; cz += m * p->z[i];
        vx += m * p->vx[i]; vy += m * p->vy[i]; vz += m * p->vz[i];
    }
    if (!(mt > 0))
        return;
    cx /= mt; cy /= mt; cz /= mt; vx /= mt; vy /= mt; vz /= mt;
    for (size_t i = 0; i < p->n; i++) {
        p->x[i] -= cx; p->y[i] -= cy; p->z[i] -= cz;
        p->vx[i] -= vx; p->vy[i] -= vy; p->vz[i] -= vz;
    }
}
