/* King (1966) models (physics/ics_king.c) against independent numbers: the concentration
 * c = log10(r_t / r0) and the profile against this file's own integration of the King
 * equation (another variable, another integrator, the density from libm's erf) and
 * against a published table; the density of sampled models, the speeds against the
 * distribution function's moments, the virial ratio, the scaling with scale_radius and
 * mass, and w0 out of range refused. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/particles.h"
#include "physics/ics.h"
#include "physics/ics_king.h"

/* sample statistics within this many standard errors */
#define NSIGMA 4.0

/* ---- the reference: King's equation integrated here, independently ---- */

/* King's density in closed form (up to the constant (2/sqrt pi) rho1), long double erf */
static long double rho_erf(long double w)
{
    if (w <= 0)
        return 0;
    long double sw = sqrtl(w);
    return expl(w) * erfl(sw) - 2.0L * sw / sqrtl((long double)M_PI) * (1.0L + 2.0L * w / 3.0L);
}

/* its derivative: e^W erf(sqrt W) - 2 sqrt(W / pi) */
static long double rho_erf_slope(long double w)
{
    long double sw = sqrtl(w);
    return expl(w) * erfl(sw) - 2.0L * sw / sqrtl((long double)M_PI);
}

#define REF_STEPS 100000

/* The profile on a grid of s = sqrt(W0 - W) (which is ~ r at the centre and ends at
 * s = sqrt(W0) on the tidal radius, so no root has to be found): dr/ds = -2 s r^2 / z,
 * dz/ds = 18 s r^4 rho(W) / (rho(W0) z), with z = r^2 dW/dr; classical RK4 in long
 * double, uniform in s, from the centre's series at r = 1e-2. */
typedef struct ref_model {
    double w0, rt, mu; /* mu = -z at the tidal radius: M = (4 pi / 9) mu rho0 r0^3 */
    double r[REF_STEPS + 1], w[REF_STEPS + 1], f[REF_STEPS + 1]; /* f = M(<r) / M */
} ref_model;

static void ref_deriv(long double s, long double r, long double z, long double w0,
                      long double rho0, long double *dr, long double *dz)
{
    long double rho = rho_erf(w0 - s * s) / rho0;
    *dr = -2.0L * s * r * r / z;
    *dz = 18.0L * s * r * r * r * r * rho / z;
}

static void ref_solve(ref_model *m, double w0d)
{
    const long double w0 = w0d, rho0 = rho_erf(w0);
    const long double a4 = 0.675L * rho_erf_slope(w0) / rho0, rs = 1e-2L;
    long double r = rs, z = -3.0L * rs * rs * rs + 4.0L * a4 * rs * rs * rs * rs * rs;
    long double s0 = sqrtl(1.5L * rs * rs - a4 * rs * rs * rs * rs), s1 = sqrtl(w0);
    long double h = (s1 - s0) / REF_STEPS;
    for (int k = 0; k <= REF_STEPS; k++) {
        long double s = s0 + h * k;
        m->r[k] = (double)r;
        m->w[k] = (double)(w0 - s * s);
        m->f[k] = (double)z; /* divided by z_t below */
        if (k == REF_STEPS)
            break;
        long double r1, z1, r2, z2, r3, z3, r4, z4;
        ref_deriv(s, r, z, w0, rho0, &r1, &z1);
        ref_deriv(s + h / 2, r + h / 2 * r1, z + h / 2 * z1, w0, rho0, &r2, &z2);
        ref_deriv(s + h / 2, r + h / 2 * r2, z + h / 2 * z2, w0, rho0, &r3, &z3);
        ref_deriv(s + h, r + h * r3, z + h * z3, w0, rho0, &r4, &z4);
        r += h / 6 * (r1 + 2 * r2 + 2 * r3 + r4);
        z += h / 6 * (z1 + 2 * z2 + 2 * z3 + z4);
    }
    m->w0 = w0d;
    m->rt = (double)r;
    m->mu = (double)-z;
    m->w[REF_STEPS] = 0.0;
    for (int k = 0; k <= REF_STEPS; k++)
        m->f[k] /= -m->mu;
}

/* linear interpolation of a column of the reference at radius r (units of r0); inside
 * the first node the series: f ~ r^3, W ~ W0 - 1.5 r^2 */
static double ref_at(const ref_model *m, const double *col, double r, int is_f)
{
    if (r >= m->rt)
        return is_f ? 1.0 : 0.0;
    if (r < m->r[0]) {
        double x = r / m->r[0];
        return is_f ? col[0] * x * x * x : m->w0 - 1.5 * r * r;
    }
    size_t lo = 0, hi = REF_STEPS;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (r < m->r[mid])
            hi = mid;
        else
            lo = mid;
    }
    double t = (r - m->r[lo]) / (m->r[hi] - m->r[lo]);
    return col[lo] + t * (col[hi] - col[lo]);
}

static ref_model *ref_new(double w0)
{
    ref_model *m = malloc(sizeof *m);
    ck_assert(m != NULL);
    ref_solve(m, w0);
    return m;
}

/* ---- helpers ---- */

static void make(nb_particles *p, size_t n, uint64_t seed, double w0, double r0, double mass,
                 double G)
{
    nb_ics_params ip = {.type = "king", .n = n, .seed = seed, .G = G};
    nb_ics_params_defaults(&ip);
    ip.w0 = w0;
    ip.scale_radius = r0;
    ip.mass = mass;
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_ics_generate(&ip, p, &err) == NB_OK, "%s", err.msg);
}

static double radius(const nb_particles *p, size_t i)
{
    return sqrt(p->x[i] * p->x[i] + p->y[i] * p->y[i] + p->z[i] * p->z[i]);
}

static double speed2(const nb_particles *p, size_t i)
{
    return p->vx[i] * p->vx[i] + p->vy[i] * p->vy[i] + p->vz[i] * p->vz[i];
}

static const double w0s[] = {3.0, 6.0, 9.0};

/* ---- the density series ---- */

START_TEST(test_rho_series)
{
    /* the library's series of positive terms against the closed form with erf */
    static const double ws[] = {1e-3, 0.01, 0.1, 0.5, 1.0, 3.0, 6.0, 9.0, 12.0};
    for (size_t k = 0; k < sizeof ws / sizeof ws[0]; k++) {
        double want = (double)(rho_erf(ws[k]) * sqrtl((long double)M_PI) / 2.0L);
        double got = nb_king_rho(ws[k]);
        ck_assert_msg(fabs(got / want - 1.0) < (ws[k] < 0.05 ? 1e-8 : 1e-13),
                      "rho(%g) = %.17g, closed form %.17g", ws[k], got, want);
    }
    ck_assert(nb_king_rho(0.0) == 0.0 && nb_king_rho(-1.0) == 0.0);
}
END_TEST

/* ---- the concentration and the profile ---- */

/* r_t / r0 for W0 = 1, 3, 6, 9, 12 from the grid of King models of McLaughlin & van der
 * Marel (2005, ApJS 161, 304; their program gridfit), as tabulated in the function
 * c_to_w0 of clustertools (github.com/webbjj/clustertools, clustertools/io/initialize.py:
 * W0 from 0.3 in steps of 0.1 against r_t / r0): c = 0.2955, 0.6720, 1.2551, 2.1185,
 * 2.7389. Binney & Tremaine (2008) fig. 4.9 reads the same: c ~ 0.67, 1.26, 2.12 at
 * W0 = 3, 6, 9. */
static const struct {
    double w0, rt;
} published[] = {{1.0, 1.97473}, {3.0, 4.69941}, {6.0, 17.9916}, {9.0, 131.381},
                 {12.0, 548.199}};

START_TEST(test_concentration)
{
    double w0 = published[_i].w0;
    static nb_king_model km;
    nb_error err;
    ck_assert_msg(nb_king_solve(&km, w0, &err) == NB_OK, "%s", err.msg);
    ref_model *ref = ref_new(w0);
    double rt = km.r[km.n - 1], c = log10(rt);
    printf("W0 = %g: c = %.6f (reference integration %.6f, published %.4f), r_t = %.6f r0, "
           "%zu nodes\n", w0, c, log10(ref->rt), log10(published[_i].rt), rt, km.n);
    /* the two integrations agree far below the published table's 6 digits */
    ck_assert_msg(fabs(rt / ref->rt - 1.0) < 1e-7, "r_t = %.10g, reference %.10g", rt,
                  ref->rt);
    ck_assert_msg(fabs(-km.z[km.n - 1] / ref->mu - 1.0) < 1e-7, "mass %.10g, reference %.10g",
                  -km.z[km.n - 1], ref->mu);
    ck_assert_msg(fabs(rt / published[_i].rt - 1.0) < 1e-5, "r_t = %.7g, published %.6g", rt,
                  published[_i].rt);
    /* the profile: mass fraction and W at the library's nodes */
    double df = 0, dw = 0;
    for (size_t k = 1; k < km.n; k++) {
        double r = km.r[k];
        df = fmax(df, fabs(km.z[k] / km.z[km.n - 1] - ref_at(ref, ref->f, r, 1)));
        dw = fmax(dw, fabs(km.w[k] - ref_at(ref, ref->w, r, 0)));
    }
    printf("  profile: max |dM/M| %.2e, max |dW| %.2e\n", df, dw);
    ck_assert_msg(df < 1e-6 && dw < 1e-6, "profile differs: mass fraction by %.3g, W by %.3g",
                  df, dw);
    /* W between nodes (the generator's interpolation) */
    double dwi = 0;
    for (int j = 0; j <= 1000; j++) {
        double r = rt * pow(10.0, -4.0 * j / 1000.0) * 0.999999;
        dwi = fmax(dwi, fabs(nb_king_w_at(&km, r) - ref_at(ref, ref->w, r, 0)));
    }
    ck_assert_msg(dwi < 1e-6, "W between nodes differs by %.3g", dwi);
    ck_assert(nb_king_w_at(&km, rt) == 0.0 && nb_king_w_at(&km, 2 * rt) == 0.0);
    free(ref);
}
END_TEST

/* ---- a sampled model: its density and its speeds ---- */

/* <u^2> and <u^4> of the speed in units of sigma at potential W: moments of
 * u^2 (e^(W - u^2/2) - 1) on [0, sqrt(2W)], Simpson's rule */
static void speed_moments(double w, double *m2, double *m4)
{
    const int steps = 400;
    double umax = sqrt(2.0 * w), h = umax / steps, s0 = 0, s2 = 0, s4 = 0;
    for (int k = 0; k <= steps; k++) {
        double u = k * h, g = u * u * expm1(w - 0.5 * u * u);
        double c = (k == 0 || k == steps) ? 1 : (k % 2 ? 4 : 2);
        s0 += c * g;
        s2 += c * g * u * u;
        s4 += c * g * u * u * u * u;
    }
    *m2 = s2 / s0;
    *m4 = s4 / s0;
}

START_TEST(test_density_profile)
{
    /* the mass fraction inside each star's radius, from the reference integration, is
     * uniform on [0, 1] for a correct sample: counts in bins of it */
    static const double edges[] = {0,   0.05, 0.1, 0.2, 0.3, 0.4,  0.5,  0.6,
                                   0.7, 0.8,  0.9, 0.95, 0.99, 0.999, 1.0};
    const size_t nb = sizeof edges / sizeof edges[0] - 1, n = 20000;
    double w0 = w0s[_i];
    ref_model *ref = ref_new(w0);
    nb_particles p;
    make(&p, n, 7 + (uint64_t)_i, w0, 1.0, 1.0, 1.0);
    size_t count[16] = {0};
    double rmax = 0, mass = 0;
    for (size_t i = 0; i < n; i++) {
        double r = radius(&p, i), f = ref_at(ref, ref->f, r, 1);
        size_t k = 0;
        while (k + 1 < nb && f >= edges[k + 1])
            k++;
        count[k]++;
        rmax = fmax(rmax, r);
        mass += p.m[i];
    }
    double zmax = 0;
    for (size_t k = 0; k < nb; k++) {
        double pk = edges[k + 1] - edges[k], expect = n * pk;
        double z = ((double)count[k] - expect) / sqrt(expect * (1.0 - pk));
        zmax = fmax(zmax, fabs(z));
        ck_assert_msg(fabs(z) < NSIGMA, "W0 = %g: %zu stars between mass fractions %g and %g, "
                      "expected %.0f", w0, count[k], edges[k], edges[k + 1], expect);
    }
    printf("density W0 = %g: %zu bins, max |z| %.2f; r_max %.2f r0 (r_t %.2f r0)\n", w0, nb,
           zmax, rmax, ref->rt);
    /* the centre of mass moved by ~r_t / sqrt(N) at most */
    ck_assert(rmax < ref->rt * (1.0 + 3.0 / sqrt((double)n)));
    ck_assert_msg(fabs(mass - 1.0) < 1e-12, "mass %.17g", mass);

    /* speeds: each star's v^2 has expectation sigma^2 <u^2>(W(r)) at its own radius,
     * sigma^2 = G M / (r0 mu) with the reference's mu; inner and outer halves apart */
    double sig2 = 1.0 / ref->mu;
    for (int half = 0; half < 2; half++) {
        double dsum = 0, var = 0;
        size_t cnt = 0;
        for (size_t i = 0; i < n && cnt < 2000; i++) {
            double r = radius(&p, i), f = ref_at(ref, ref->f, r, 1);
            if ((f < 0.5) != (half == 0))
                continue;
            double w = ref_at(ref, ref->w, r, 0), m2, m4;
            if (!(w > 0))
                continue;
            speed_moments(w, &m2, &m4);
            dsum += speed2(&p, i) - sig2 * m2;
            var += sig2 * sig2 * (m4 - m2 * m2);
            cnt++;
        }
        double z = dsum / sqrt(var);
        printf("  speeds (%s half of the mass): %zu stars, z = %.2f\n", half ? "outer" : "inner",
               cnt, z);
        ck_assert_msg(fabs(z) < NSIGMA, "W0 = %g: speeds off, z = %.2f", w0, z);
    }
    nb_particles_free(&p);
    free(ref);
}
END_TEST

/* ---- the virial ratio ---- */

START_TEST(test_virial)
{
    /* G, r0 and M other than 1 for W0 = 6 and 9, so that a wrong scaling shows */
    const size_t n = 4000;
    const double w0 = w0s[_i], G = _i ? 0.7 : 1.0, r0 = _i ? 2.5 : 1.0, M = _i ? 3.0 : 1.0;
    ref_model *ref = ref_new(w0);
    nb_particles p;
    make(&p, n, 21 + (uint64_t)_i, w0, r0, M, G);
    /* the exact, unsoftened pair sum in long double */
    long double W = 0, K = 0;
    for (size_t i = 0; i < n; i++) {
        long double wi = 0;
        for (size_t j = i + 1; j < n; j++) {
            long double dx = (long double)p.x[i] - p.x[j], dy = (long double)p.y[i] - p.y[j],
                        dz = (long double)p.z[i] - p.z[j];
            wi += (long double)p.m[j] / sqrtl(dx * dx + dy * dy + dz * dz);
        }
        W -= G * p.m[i] * wi;
        K += 0.5L * p.m[i] * speed2(&p, i);
    }
    double R = (double)(2.0L * K / fabsl(W));
    /* its noise to first order (as check_hernquist's): z_i = m v_i^2 / 2K - u_i / W with
     * u_i = m Phi(r_i), Phi = -G M / r_t - sigma^2 W(r) of the model */
    double sig2 = G * M / (r0 * ref->mu), zm = 0, zz = 0;
    for (size_t i = 0; i < n; i++) {
        double r = radius(&p, i);
        double phi = -G * M / (r0 * ref->rt) - sig2 * ref_at(ref, ref->w, r / r0, 0);
        double z = p.m[i] * speed2(&p, i) / (2.0 * (double)K) - p.m[i] * phi / (double)W;
        zm += z;
        zz += z * z;
    }
    zm /= (double)n;
    double sigma = R * sqrt((double)n * (zz / (double)n - zm * zm));
    printf("virial W0 = %g (G %g, r0 %g, M %g): 2K/|W| = %.4f +- %.4f\n", w0, G, r0, M, R, sigma);
    ck_assert_msg(fabs(R - 1.0) < NSIGMA * sigma && sigma < 0.05, "2K/|W| = %.4f +- %.4f", R,
                  sigma);
    nb_particles_free(&p);
    free(ref);
}
END_TEST

/* ---- scaling, determinism, refusals ---- */

START_TEST(test_scaling)
{
    /* scale_radius 2 and mass 3 with the same seed: radii x2, speeds x sqrt(3/2), masses
     * x3, up to rounding (the centre-of-mass shift is summed with other masses) */
    const size_t n = 1000;
    nb_particles a, b, c;
    make(&a, n, 99, 6.0, 1.0, 1.0, 1.0);
    make(&b, n, 99, 6.0, 2.0, 3.0, 1.0);
    make(&c, n, 99, 6.0, 1.0, 1.0, 1.0);
    const double vs = sqrt(1.5);
    double dx = 0, dv = 0;
    for (size_t i = 0; i < n; i++) {
        double ra = radius(&a, i) + 1.0, va = sqrt(speed2(&a, i)) + 1.0;
        dx = fmax(dx, fabs(b.x[i] - 2.0 * a.x[i]) / ra);
        dx = fmax(dx, fabs(b.y[i] - 2.0 * a.y[i]) / ra);
        dx = fmax(dx, fabs(b.z[i] - 2.0 * a.z[i]) / ra);
        dv = fmax(dv, fabs(b.vx[i] - vs * a.vx[i]) / va);
        dv = fmax(dv, fabs(b.vy[i] - vs * a.vy[i]) / va);
        dv = fmax(dv, fabs(b.vz[i] - vs * a.vz[i]) / va);
        ck_assert(fabs(b.m[i] - 3.0 * a.m[i]) <= 1e-15 * b.m[i]);
    }
    printf("scaling: positions within %.2e, velocities within %.2e (relative)\n", dx, dv);
    ck_assert_msg(dx < 1e-13 && dv < 1e-13, "scaling off: %.3g %.3g", dx, dv);
    /* scale_radius alone: positions doubled bit for bit (x2 is exact, and so is the
     * centre-of-mass shift of the same masses) */
    nb_particles e;
    make(&e, n, 99, 6.0, 2.0, 1.0, 1.0);
    for (size_t i = 0; i < n; i++)
        ck_assert(e.x[i] == 2.0 * a.x[i] && e.y[i] == 2.0 * a.y[i] && e.z[i] == 2.0 * a.z[i]);
    nb_particles_free(&e);
    /* the same seed twice: the same bits */
    ck_assert(memcmp(a.x, c.x, n * sizeof(double)) == 0 &&
              memcmp(a.vz, c.vz, n * sizeof(double)) == 0);
    /* a different seed: other particles */
    nb_particles d;
    make(&d, n, 100, 6.0, 1.0, 1.0, 1.0);
    ck_assert(memcmp(a.x, d.x, n * sizeof(double)) != 0);
    nb_particles_free(&a);
    nb_particles_free(&b);
    nb_particles_free(&c);
    nb_particles_free(&d);
}
END_TEST

START_TEST(test_w0_refused)
{
    static const double bad[] = {0.5, 13.0, 0.999, 12.001};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        nb_ics_params ip = {.type = "king", .n = 10, .seed = 1, .G = 1.0};
        nb_ics_params_defaults(&ip);
        ip.w0 = bad[k];
        nb_particles p;
        nb_error err;
        nb_error_clear(&err);
        ck_assert_int_eq(nb_ics_generate(&ip, &p, &err), NB_ERR_INPUT);
        ck_assert_msg(strstr(err.msg, "w0") != NULL, "message: %s", err.msg);
        static nb_king_model km;
        ck_assert_int_eq(nb_king_solve(&km, bad[k], &err), NB_ERR_INPUT);
    }
    /* the ends of the range are taken */
    nb_particles p;
    make(&p, 10, 1, 1.0, 1.0, 1.0, 1.0);
    nb_particles_free(&p);
    make(&p, 10, 1, 12.0, 1.0, 1.0, 1.0);
    nb_particles_free(&p);
    ck_assert(nb_ics_find("king") == &nb_ics_king);
}
END_TEST

static Suite *king_suite(void)
{
    Suite *s = suite_create("king");
    TCase *tc = tcase_create("king");
    tcase_add_test(tc, test_rho_series);
    tcase_add_loop_test(tc, test_concentration, 0,
                        (int)(sizeof published / sizeof published[0]));
    tcase_add_loop_test(tc, test_density_profile, 0, 3);
    tcase_add_loop_test(tc, test_virial, 0, 3);
    tcase_add_test(tc, test_scaling);
    tcase_add_test(tc, test_w0_refused);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(king_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
