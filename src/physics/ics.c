/* Initial-condition generators. Everything random comes from rng.c, so a seed gives the
 * same particles on every platform. */
#include "physics/ics.h"
#include "physics/ics_hernquist.h"
#include "physics/ics_king.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/registry.h"
#include "physics/imf.h"

/* Platform-independent bits need every multiply and add rounded on its own: GCC does not
 * fuse them in ISO C mode (-std=c11), clang does unless told not to. */
#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

/* A common scale (mass, scale_radius) as given, or the type's own when it was not (0). */
static double given_or(double v, double own)
{
    return v > 0.0 ? v : own;
}

static void gaussian(nb_particles *p, nb_rng *r, const nb_ics_params *ip)
{
    /* The tutorial's set-up: all masses first, then positions, as numpy draws them. */
    double sum = 0.0;
    for (size_t i = 0; i < p->n; i++) {
        p->m[i] = nb_rng_uniform(r);
        sum += p->m[i];
    }
    if (ip->mass > 0.0) { /* scaled only when given: the tutorial's masses stay as drawn */
        double k = ip->mass / sum;
        for (size_t i = 0; i < p->n; i++)
            p->m[i] *= k;
    }
    const double sigma = given_or(ip->scale_radius, 1.0); /* x 1 keeps the bits */
    for (size_t i = 0; i < p->n; i++) {
        p->x[i] = sigma * nb_rng_normal(r);
        p->y[i] = sigma * nb_rng_normal(r);
        p->z[i] = sigma * nb_rng_normal(r);
    }
}

/* Aarseth, Henon & Wielen (1974) sampling in units G = M = a = 1, then scaled to the
 * mass M and Plummer radius a; neither given: Henon units (M = 1, a = 3 pi / 16, E = -1/4
 * for G = 1). */
static void plummer(nb_particles *p, nb_rng *r, const nb_ics_params *ip)
{
    const double G = ip->G, M = given_or(ip->mass, 1.0);
    const double rscale = given_or(ip->scale_radius, 3.0 * M_PI / 16.0);
    const double vscale = sqrt(G * M / rscale); /* G * 1 is G: Henon units keep their bits */
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
        p->m[i] = M / (double)p->n;
    }
    nb_ics_to_com_frame(p);
}

static void uniform_sphere(nb_particles *p, nb_rng *r, const nb_ics_params *ip)
{
    const double radius = given_or(ip->scale_radius, ip->radius), M = given_or(ip->mass, 1.0);
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
        p->m[i] = M / (double)p->n;
    }
    nb_ics_to_com_frame(p);
}

/* Both bodies at pericentre on the x axis, moving along y, centre of mass at rest. */
static void two_body(nb_particles *p, nb_rng *r, const nb_ics_params *ip)
{
    (void)r;
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

#define KEY(field, def, lo, hi, open, what) \
    {#field, 0, offsetof(nb_ics_params, field), def, lo, hi, open, what}

static const nb_param uniform_sphere_keys[] = {
    KEY(radius, 1.0, 0, HUGE_VAL, 1, "a length > 0"),
};

static const nb_param two_body_keys[] = {
    KEY(semi_major_axis, 1.0, 0, HUGE_VAL, 1, "a length > 0"),
    KEY(eccentricity, 0.5, 0, 0.999999, 0, "a number in [0, 1)"),
    KEY(m1, 1.0, 0, HUGE_VAL, 1, "a mass > 0"),
    KEY(m2, 1.0, 0, HUGE_VAL, 1, "a mass > 0"),
};

#define KEYS(t) t, sizeof t / sizeof t[0]

static const nb_ic_type gaussian_type = {
    "gaussian", "the tutorial's blob: masses uniform on [0,1), positions normal (sigma "
    "scale_radius, default 1), at rest", NULL, 0, 0, gaussian, 0};
static const nb_ic_type plummer_type = {
    "plummer", "Plummer sphere of scale radius a (default: Henon units), centre of mass at rest",
    NULL, 0, 0, plummer, 0};
static const nb_ic_type uniform_sphere_type = {
    "uniform_sphere", "cold uniform sphere of the given radius (or scale_radius)",
    KEYS(uniform_sphere_keys), 0, uniform_sphere, 0};
static const nb_ic_type two_body_type = {
    "two_body", "two bodies at pericentre of a Kepler orbit", KEYS(two_body_keys), 2,
    two_body, 0};

static const nb_ic_type file_type = {
    "file", "the particles of an HDF5 snapshot or GADGET initial-conditions file "
    "(initial_conditions.file)", NULL, 0, 0, NULL, 1};

static const nb_ic_type *const registry[] = {
    &gaussian_type, &plummer_type, &uniform_sphere_type, &two_body_type, &nb_ics_hernquist,
    &nb_ics_king, &file_type,
};

#define REGISTRY_LEN NB_REGISTRY_LEN(registry)
#define ROWS ((const void *const *)registry)

const nb_ic_type *nb_ics_find(const char *name)
{
    return nb_registry_find(ROWS, REGISTRY_LEN, name);
}

const nb_ic_type *const *nb_ics_list(size_t *count)
{
    *count = REGISTRY_LEN;
    return registry;
}

const char *nb_ics_names(void)
{
    static char names[256];
    return nb_registry_names(ROWS, REGISTRY_LEN, names, sizeof names);
}

void nb_ics_params_defaults(nb_ics_params *ip)
{
    ip->mass = 0.0;         /* not given: each type's own (ics.h) */
    ip->scale_radius = 0.0; /* likewise */
    ip->particle_type = 1;
    ip->mass_function = "equal";
    ip->m_min = 0.08;
    ip->m_max = 150.0;
    for (size_t k = 0; k < REGISTRY_LEN; k++)
        nb_param_defaults(ip, registry[k]->keys, registry[k]->nkeys);
}

/* Values the parameter file cannot give (it checks each key's range): from a caller that
 * fills nb_ics_params itself. */
static int check_range(const nb_ic_type *t, const nb_ics_params *ip, nb_error *err)
{
    for (size_t j = 0; j < t->nkeys; j++) {
        const nb_param *k = &t->keys[j];
        double v = nb_param_get(ip, k);
        if (!(k->lo_open ? v > k->lo : v >= k->lo) || !(v <= k->hi))
            return nb_fail(err, NB_ERR_INPUT, "%s: %s = %.17g is out of range (expected %s)",
                           t->name, k->name, v, k->expect);
    }
    return NB_OK;
}

/* mass and scale_radius: 0 (not given) or a finite value > 0; two_body has its own. */
static int check_common(const nb_ic_type *t, const nb_ics_params *ip, nb_error *err)
{
    const char *name[2] = {"mass", "scale_radius"};
    double v[2] = {ip->mass, ip->scale_radius};
    for (int k = 0; k < 2; k++) {
        if (!(v[k] >= 0.0 && v[k] < HUGE_VAL))
            return nb_fail(err, NB_ERR_INPUT, "%s: %s = %.17g is out of range (expected a "
                           "finite value > 0, or 0 for the type's own)", t->name, name[k], v[k]);
        if (t->fixed_n && v[k] > 0.0)
            return nb_fail(err, NB_ERR_INPUT, "%s: %s does not apply (its masses are m1 and "
                           "m2, its size semi_major_axis)", t->name, name[k]);
    }
    return NB_OK;
}

/* The particles before this index are point masses the mass function leaves alone: the
 * Hernquist sphere's central black hole (particle 0) is the only one. */
static size_t first_star(const nb_ic_type *t, const nb_ics_params *ip)
{
    return t == &nb_ics_hernquist && ip->central_mass > 0.0 ? 1 : 0;
}

/* sum_{j > i} m_j / r_ij (zero distances skipped) in a fixed order: eight running sums
 * over j mod 8 (lane k takes j = i + 1 + k, + 9 + k, ...), added pairwise at the end.
 * Each lane is its own chain of IEEE operations, so the bits do not depend on how wide the
 * compiler makes its vectors (gravity/'s omp simd reductions do, and differ by CPU). */
#define LANES 8
static double row_sum(const nb_particles *p, size_t i)
{
    const double *x = p->x, *y = p->y, *z = p->z, *m = p->m;
    const double xi = x[i], yi = y[i], zi = z[i];
    double s[LANES] = {0};
    size_t j = i + 1, n = p->n;
    for (; j + LANES <= n; j += LANES) {
        double t[LANES];
        for (int k = 0; k < LANES; k++) {
            double dx = x[j + k] - xi, dy = y[j + k] - yi, dz = z[j + k] - zi;
            double r2 = dx * dx + dy * dy + dz * dz, q = m[j + k] / sqrt(r2);
            t[k] = r2 > 0.0 ? q : 0.0; /* q computed either way: a select, not a branch */
        }
        for (int k = 0; k < LANES; k++)
            s[k] += t[k];
    }
    for (int k = 0; j < n; j++, k++) {
        double dx = x[j] - xi, dy = y[j] - yi, dz = z[j] - zi;
        double r2 = dx * dx + dy * dy + dz * dz;
        s[k] += r2 > 0.0 ? m[j] / sqrt(r2) : 0.0;
    }
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* The exact unsoftened potential energy -G sum_{i<j} m_i m_j / r_ij: rows on any number of
 * threads, added in index order, so the same bits on every CPU and thread count. */
static double exact_potential(const nb_particles *p, double G)
{
    double *row = malloc(p->n * sizeof *row), w = 0.0;
    if (row) {
#pragma omp parallel for schedule(dynamic, 16)
        for (size_t i = 0; i < p->n; i++)
            row[i] = row_sum(p, i);
    }
    for (size_t i = 0; i < p->n; i++)
        w += p->m[i] * (row ? row[i] : row_sum(p, i));
    free(row);
    return -G * w;
}

/* Replaces the equal masses of particles [first, n) by draws from f (then scaled to the
 * total ip->mass when given), keeping every position; the velocities lose the stars'
 * mean momentum under the new masses and are scaled by one factor so that 2T + W = 0, W
 * the exact unsoftened pair sum of the new masses. A cold set (T = 0) stays cold. */
static void apply_mass_function(nb_particles *p, size_t first, const nb_imf *f, nb_rng *r,
                                const nb_ics_params *ip)
{
    double sum = 0.0;
    for (size_t i = first; i < p->n; i++) {
        p->m[i] = nb_imf_draw(f, r);
        sum += p->m[i];
    }
    if (ip->mass > 0.0) {
        double k = ip->mass / sum;
        for (size_t i = first; i < p->n; i++)
            p->m[i] *= k;
    }
    double *v[3] = {p->vx, p->vy, p->vz}, T = 0.0, mt = 0.0;
    for (size_t i = first; i < p->n; i++)
        mt += p->m[i];
    for (int d = 0; d < 3; d++) {
        double mv = 0.0;
        for (size_t i = first; i < p->n; i++)
            mv += p->m[i] * v[d][i];
        double mean = mv / mt;
        for (size_t i = first; i < p->n; i++) {
            v[d][i] -= mean;
            T += 0.5 * p->m[i] * v[d][i] * v[d][i];
        }
    }
    if (!(T > 0.0))
        return;
    double W = exact_potential(p, ip->G);
    if (!(W < 0.0))
        return;
    double s = sqrt(-W / (2.0 * T));
    for (int d = 0; d < 3; d++)
        for (size_t i = first; i < p->n; i++)
            v[d][i] *= s;
}

int nb_ics_generate(const nb_ics_params *ip, nb_particles *p, nb_error *err)
{
    const nb_ic_type *t = nb_ics_find(ip->type);
    if (!t)
        return nb_fail(err, NB_ERR_INPUT,
                       "unknown initial-condition type '%s' (expected one of: %s)", ip->type,
                       nb_ics_names());
    if (t->reads)
        return nb_fail(err, NB_ERR_INPUT, "initial-condition type '%s' reads its particles "
                       "from a file: the snapshot reader loads them", t->name);
    size_t n = t->fixed_n ? t->fixed_n : ip->n;
    if (n < 1)
        return nb_fail(err, NB_ERR_INPUT, "initial conditions need at least one particle");
    nb_imf f;
    int rc = check_range(t, ip, err);
    if (rc || (rc = check_common(t, ip, err)) ||
        (rc = nb_imf_init(&f, ip->mass_function, ip->m_min, ip->m_max, err)))
        return rc;
    if (!f.equal && t->fixed_n)
        return nb_fail(err, NB_ERR_INPUT, "%s: mass_function = \"%s\" does not apply (its "
                       "masses are m1 and m2; expected \"equal\")", t->name, ip->mass_function);
    if ((rc = nb_particles_alloc(p, n, err)))
        return rc;
    nb_rng r;
    nb_rng_seed(&r, ip->seed);
    t->generate(p, &r, ip);
    /* the masses come after the generator, from the same stream: positions and velocity
     * directions are those of equal masses */
    if (!f.equal)
        apply_mass_function(p, first_star(t, ip), &f, &r, ip);
    return NB_OK;
}

static void shift(double *a, size_t n, double by)
{
    if (by != 0.0) /* adding +0 would turn -0 into +0: keep the single-component bits */
        for (size_t i = 0; i < n; i++)
            a[i] += by;
}

/* Copies particles [0, q->n) of q to [at, at + q->n) of p. */
static void place(nb_particles *p, size_t at, const nb_particles *q)
{
    double *const dst[] = {p->x, p->y, p->z, p->vx, p->vy, p->vz, p->m};
    const double *const src[] = {q->x, q->y, q->z, q->vx, q->vy, q->vz, q->m};
    for (size_t k = 0; k < sizeof dst / sizeof dst[0]; k++)
        memcpy(dst[k] + at, src[k], q->n * sizeof(double));
    memcpy(p->type + at, q->type, q->n);
}

int nb_ics_generate_components(const nb_ics_params *comp, size_t ncomp, nb_particles *p,
                               nb_error *err)
{
    if (ncomp < 1 || ncomp > NB_MAX_COMPONENTS)
        return nb_fail(err, NB_ERR_INPUT, "initial_conditions: %zu components (expected 1 to "
                       "%d)", ncomp, NB_MAX_COMPONENTS);
    nb_particles part[NB_MAX_COMPONENTS] = {0};
    size_t total = 0;
    int rc = NB_OK;
    for (size_t c = 0; c < ncomp && !rc; c++) {
        const nb_ics_params *ip = &comp[c];
        if (ip->particle_type < 0 || ip->particle_type >= NB_NTYPES) {
            rc = nb_fail(err, NB_ERR_INPUT, "initial_conditions component %zu: particle_type "
                         "= %d (expected 0 to %d)", c + 1, ip->particle_type, NB_NTYPES - 1);
            break;
        }
        nb_ics_params one = *ip;
        one.seed = ip->seed + ip->seed_offset;
        if ((rc = nb_ics_generate(&one, &part[c], err)))
            break;
        nb_particles *q = &part[c];
        for (int k = 0; k < 3; k++) {
            shift((double *[]){q->x, q->y, q->z}[k], q->n, ip->centre[k]);
            shift((double *[]){q->vx, q->vy, q->vz}[k], q->n, ip->bulk_velocity[k]);
        }
        memset(q->type, ip->particle_type, q->n);
        total += q->n;
    }
    if (!rc && !(rc = nb_particles_alloc(p, total, err))) {
        size_t at = 0;
        for (int t = 0; t < NB_NTYPES; t++)
            for (size_t c = 0; c < ncomp; c++)
                if (comp[c].particle_type == t) {
                    place(p, at, &part[c]);
                    at += part[c].n;
                }
    }
    for (size_t c = 0; c < ncomp; c++)
        nb_particles_free(&part[c]);
    return rc;
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
