/* Physics tests of the integrator, kernels, diagnostics and initial conditions together:
 * Kepler orbits against the analytic solution, second-order convergence, time reversibility,
 * conservation laws and the equilibrium of the generated initial conditions. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "physics/diagnostics.h"
#include "physics/ics.h"
#include "physics/integrator.h"
#include "gravity/force.h"
#include "core/particles.h"

/* Sample statistics are checked to within this many standard errors. */
#define NSIGMA 5.0

/* ---- helpers ---- */

static void make_ics(nb_ics_params ip, nb_particles *p)
{
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_ics_generate(&ip, p, &err) == NB_OK, "%s: %s", ip.type, err.msg);
}

static void force_init(nb_force *f, const char *kernel, double G, double eps, size_t n)
{
    nb_kernel_params kp;
    nb_kernel_params_defaults(&kp); /* the kernels' own keys at their defaults */
    kp.G = G;
    kp.eps = eps;
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_force_init(f, kernel, &kp, n, &err) == NB_OK, "%s", err.msg);
}

/* Accelerations at the current positions, as nb_integrator_step expects on entry. */
static void prime(nb_force *f, nb_particles *p)
{
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_force_compute(f, p, NULL, &err) == NB_OK, "%s", err.msg);
}

static void step(nb_force *f, nb_particles *p, double dt)
{
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_integrator_step(p, f, dt, NULL, &err) == NB_OK, "%s", err.msg);
}

static void negate_velocities(nb_particles *p)
{
    for (size_t i = 0; i < p->n; i++) {
        p->vx[i] = -p->vx[i];
        p->vy[i] = -p->vy[i];
        p->vz[i] = -p->vz[i];
    }
}

/* Copies of the phase-space arrays, so a state can be compared with a later one. */
typedef struct snapshot {
    size_t n;
    double *f[6];
} snapshot;

static void snapshot_take(snapshot *s, const nb_particles *p)
{
    const double *src[6] = {p->x, p->y, p->z, p->vx, p->vy, p->vz};
    s->n = p->n;
    for (int k = 0; k < 6; k++) {
        s->f[k] = malloc(p->n * sizeof(double));
        ck_assert_ptr_nonnull(s->f[k]);
        memcpy(s->f[k], src[k], p->n * sizeof(double));
    }
}

static void snapshot_free(snapshot *s)
{
    for (int k = 0; k < 6; k++)
        free(s->f[k]);
}

/* max |p - s| over positions (k = 0..2) or velocities (k = 3..5), relative to the largest
 * |component| in s. */
static double snapshot_diff(const snapshot *s, const nb_particles *p, int first)
{
    const double *cur[6] = {p->x, p->y, p->z, p->vx, p->vy, p->vz};
    double dmax = 0, scale = 0;
    for (int k = first; k < first + 3; k++)
        for (size_t i = 0; i < s->n; i++) {
            dmax = fmax(dmax, fabs(cur[k][i] - s->f[k][i]));
            scale = fmax(scale, fabs(s->f[k][i]));
        }
    return dmax / scale;
}

/* ---- Kepler two-body problem ---- */

/* The Kepler orbit of the separation vector r = x_2 - x_1, written independently of the
 * code under test: pericentre on +x at t = 0, moving towards +y (as two_body sets it up),
 * with mean motion n = sqrt(G M / a^3). Kepler's equation E - e sin E = n t is solved by
 * Newton's method. */
static void kepler_solution(double G, double M, double a, double e, double t, double r[2],
                            double v[2])
{
    double n = sqrt(G * M / (a * a * a));
    double mean = fmod(n * t, 2.0 * M_PI);
    double E = e < 0.8 ? mean : M_PI;
    for (int it = 0; it < 100; it++) {
        double dE = (E - e * sin(E) - mean) / (1.0 - e * cos(E));
        E -= dE;
        if (fabs(dE) < 1e-16)
            break;
    }
    double b = a * sqrt(1.0 - e * e), Edot = n / (1.0 - e * cos(E));
    r[0] = a * (cos(E) - e);
    r[1] = b * sin(E);
    v[0] = -a * sin(E) * Edot;
    v[1] = b * cos(E) * Edot;
}

typedef struct kepler_case {
    double G, m1, m2;
} kepler_case;

/* A test particle round a unit mass with G = 1, and an equal-mass binary with G = 2 (which
 * fails if any module drops G or uses one mass where the total belongs). */
static const kepler_case KEPLER_CASES[] = {
    {1.0, 1.0, 1e-3},
    {2.0, 0.5, 0.5},
};

static const double KEPLER_A = 1.0, KEPLER_E = 0.5;

static void kepler_ics(const kepler_case *kc, nb_particles *p)
{
    nb_ics_params ip = {.type = "two_body", .n = 2, .seed = 1, .G = kc->G,
                        .semi_major_axis = KEPLER_A, .eccentricity = KEPLER_E,
                        .m1 = kc->m1, .m2 = kc->m2};
    make_ics(ip, p);
}

static double kepler_period(const kepler_case *kc)
{
    return 2.0 * M_PI * sqrt(KEPLER_A * KEPLER_A * KEPLER_A / (kc->G * (kc->m1 + kc->m2)));
}

/* r . v of the separation vector: negative before pericentre, positive after. */
static double radial_rate(const nb_particles *p)
{
    double rx = p->x[1] - p->x[0], ry = p->y[1] - p->y[0], rz = p->z[1] - p->z[0];
    double vx = p->vx[1] - p->vx[0], vy = p->vy[1] - p->vy[0], vz = p->vz[1] - p->vz[0];
    return rx * vx + ry * vy + rz * vz;
}

#define KEPLER_ORBITS 100
#define KEPLER_STEPS_PER_ORBIT 2000

START_TEST(test_kepler_orbit)
{
    const kepler_case *kc = &KEPLER_CASES[_i];
    const double P = kepler_period(kc), dt = P / KEPLER_STEPS_PER_ORBIT;
    nb_particles p;
    kepler_ics(kc, &p);
    nb_force f;
    force_init(&f, "direct", kc->G, 0.0, p.n);
    prime(&f, &p);

    nb_diag d0, d;
    nb_diagnostics_compute(&p, kc->G, 0.0, 1, &d0);
    /* the set-up itself: E = -G m1 m2 / (2a), centre of mass at rest */
    double e_want = -kc->G * kc->m1 * kc->m2 / (2.0 * KEPLER_A);
    ck_assert_msg(fabs(d0.total - e_want) < 1e-14 * fabs(e_want), "E0 %.17g want %.17g",
                  d0.total, e_want);
    ck_assert(fabs(d0.px) + fabs(d0.py) + fabs(d0.pz) < 1e-15 * kc->m1);

    /* pericentre passages: r.v crosses zero upwards; the crossing time is interpolated
     * linearly inside the step: O(dt^2) per passage, not accumulated */
    double t_peri[KEPLER_ORBITS + 1];
    int n_peri = 0;
    double derr_sum[KEPLER_ORBITS] = {0}, derr_max = 0, dl_max = 0;
    const long nsteps = (long)KEPLER_ORBITS * KEPLER_STEPS_PER_ORBIT + KEPLER_STEPS_PER_ORBIT / 2;
    double rdot_prev = radial_rate(&p);
    t_peri[n_peri++] = 0.0;
    for (long s = 1; s <= nsteps; s++) {
        step(&f, &p, dt);
        double rdot = radial_rate(&p);
        if (rdot_prev < 0.0 && rdot >= 0.0 && n_peri <= KEPLER_ORBITS)
            t_peri[n_peri++] = (s - 1) * dt + dt * (-rdot_prev) / (rdot - rdot_prev);
        rdot_prev = rdot;

        nb_diagnostics_compute(&p, kc->G, 0.0, 1, &d);
        double derr = fabs(nb_diagnostics_rel_error(d.total, d0.total));
        derr_max = fmax(derr_max, derr);
        long orbit = (long)(s * dt / P);
        if (orbit < KEPLER_ORBITS)
            derr_sum[orbit] += derr;
        dl_max = fmax(dl_max, fabs(d.lz - d0.lz) / fabs(d0.lz));
        dl_max = fmax(dl_max, (fabs(d.lx) + fabs(d.ly)) / fabs(d0.lz));
    }
    ck_assert_int_eq(n_peri, KEPLER_ORBITS + 1);

    /* Period: the analytic P to 1e-4. Measured: leapfrog at P/2000 with e = 0.5 runs slow
     * by 3.9e-5 (1.6e-4 at P/1000: second order). A force off by a factor (G or a mass
     * missing, the wrong power of r) moves the period by 5e-4 (m2 = 1e-3 dropped from
     * G M) up to tens of per cent (G = 2 ignored, a factor 2). */
    double P_num = (t_peri[KEPLER_ORBITS] - t_peri[0]) / KEPLER_ORBITS;
    double p_err = fabs(P_num / P - 1.0);
    /* every orbit lasts the same (measured: to ~1e-8 P): no passage missed or doubled, and
     * the period does not drift */
    for (int k = 1; k <= KEPLER_ORBITS; k++)
        ck_assert_msg(fabs((t_peri[k] - t_peri[k - 1]) / P_num - 1.0) < 1e-6,
                      "orbit %d lasted %.9g P_num", k, (t_peri[k] - t_peri[k - 1]) / P_num);

    /* Energy: bounded by O(dt^2) (measured max 2.7e-5, reached at pericentre) and no
     * secular drift: the mean error of the last 10 orbits matches the first 10 (measured
     * ratio 1.0000; a non-symplectic or first-order scheme drifts linearly). */
    double first = 0, last = 0;
    for (int k = 0; k < 10; k++) {
        first += derr_sum[k];
        last += derr_sum[KEPLER_ORBITS - 10 + k];
    }
    double drift = last / first;

    fprintf(stderr,
            "kepler G=%g m=%g,%g: P_num/P-1 = %.3e, max|dE/E| = %.3e, drift ratio = %.4f, "
            "max|dL/L| = %.3e\n",
            kc->G, kc->m1, kc->m2, P_num / P - 1.0, derr_max, drift, dl_max);
    ck_assert_msg(p_err < 1e-4, "period %.12g, analytic %.12g (rel %.3e)", P_num, P, p_err);
    ck_assert_msg(derr_max < 1e-4, "max |dE/E| = %.3e", derr_max);
    ck_assert_msg(drift > 0.5 && drift < 2.0, "energy error drifts: last/first = %.3f", drift);
    /* Angular momentum: leapfrog conserves it exactly for a central force (kicks are along
     * r, drifts along v), so only round-off remains: ~1e-16 per step, 1e5 steps. */
    ck_assert_msg(dl_max < 1e-11, "max |dL/L| = %.3e", dl_max);
    nb_force_free(&f);
    nb_particles_free(&p);
}
END_TEST

/* Position error of the separation vector after integrating a fixed span T with n steps. */
static double kepler_error(const kepler_case *kc, double T, long n)
{
    nb_particles p;
    kepler_ics(kc, &p);
    nb_force f;
    force_init(&f, "direct", kc->G, 0.0, p.n);
    prime(&f, &p);
    double dt = T / (double)n;
    for (long s = 0; s < n; s++)
        step(&f, &p, dt);
    double r[2], v[2];
    kepler_solution(kc->G, kc->m1 + kc->m2, KEPLER_A, KEPLER_E, T, r, v);
    double dx = (p.x[1] - p.x[0]) - r[0], dy = (p.y[1] - p.y[0]) - r[1], dz = p.z[1] - p.z[0];
    nb_force_free(&f);
    nb_particles_free(&p);
    return sqrt(dx * dx + dy * dy + dz * dz);
}

START_TEST(test_leapfrog_convergence)
{
    const kepler_case *kc = &KEPLER_CASES[_i];
    /* 2.3 orbits: ends away from pericentre and apocentre, so no symmetry hides errors */
    const double P = kepler_period(kc), T = 2.3 * P;
    const long n0 = 500;
    double e1 = kepler_error(kc, T, n0), e2 = kepler_error(kc, T, 2 * n0),
           e4 = kepler_error(kc, T, 4 * n0);
    /* the solver itself, with the known set-up: r(0) at pericentre a(1-e) */
    double r[2], v[2];
    kepler_solution(kc->G, kc->m1 + kc->m2, KEPLER_A, KEPLER_E, 0.0, r, v);
    ck_assert(fabs(r[0] - KEPLER_A * (1 - KEPLER_E)) < 1e-15 && fabs(r[1]) < 1e-15);
    fprintf(stderr, "convergence G=%g: err(dt) = %.3e, err(dt/2) = %.3e, err(dt/4) = %.3e, "
                    "ratios %.4f %.4f\n",
            kc->G, e1, e2, e4, e1 / e2, e2 / e4);
    /* second order: halving dt divides the error by 4 (first order would give 2, a
     * fourth-order or broken-but-lucky scheme something else); and the errors are far
     * above round-off, so the ratio measures truncation */
    ck_assert_msg(e4 > 1e-8, "error at dt/4 too small to measure: %.3e", e4);
    ck_assert_msg(e1 / e2 > 3.5 && e1 / e2 < 4.5, "err ratio dt/(dt/2) = %.4f", e1 / e2);
    ck_assert_msg(e2 / e4 > 3.5 && e2 / e4 < 4.5, "err ratio (dt/2)/(dt/4) = %.4f", e2 / e4);
}
END_TEST

/* ---- many-body tests ---- */

static nb_ics_params plummer_params(size_t n, uint64_t seed)
{
    nb_ics_params ip = {.type = "plummer", .n = n, .seed = seed, .G = 1.0};
    return ip;
}

START_TEST(test_time_reversibility)
{
    const double eps = 0.05, dt = 1.0 / 128;
    const int nsteps = 128; /* t = 1, about one crossing time */
    nb_particles p;
    make_ics(plummer_params(64, 3), &p);
    nb_force f;
    force_init(&f, "direct", 1.0, eps, p.n);
    prime(&f, &p);
    snapshot s0;
    snapshot_take(&s0, &p);

    for (int k = 0; k < nsteps; k++)
        step(&f, &p, dt);
    double moved = snapshot_diff(&s0, &p, 0);
    /* reversing velocities needs no new force: positions, hence accelerations, are as they
     * were at the end of the last step */
    negate_velocities(&p);
    for (int k = 0; k < nsteps; k++)
        step(&f, &p, dt);
    negate_velocities(&p);

    double dx = snapshot_diff(&s0, &p, 0), dv = snapshot_diff(&s0, &p, 3);
    fprintf(stderr, "reversibility: forward moved %.3g, back: dx %.3e dv %.3e\n", moved, dx, dv);
    ck_assert_msg(moved > 0.01, "the forward run hardly moved (%.3g)", moved);
    /* exact in exact arithmetic; round-off (1e-16 per step, amplified by the cluster's
     * exponential divergence over one crossing time) is what remains */
    ck_assert_msg(dx < 1e-12, "positions after forward + backward: rel error %.3e", dx);
    ck_assert_msg(dv < 1e-12, "velocities after forward + backward: rel error %.3e", dv);
    snapshot_free(&s0);
    nb_force_free(&f);
    nb_particles_free(&p);
}
END_TEST

#define PLUMMER_N 2048

START_TEST(test_plummer_equilibrium)
{
    const double eps = 0.01, G = 1.0;
    nb_particles p;
    make_ics(plummer_params(PLUMMER_N, 42), &p);

    double mt = 0, cm[3] = {0, 0, 0}, pm[3] = {0, 0, 0};
    for (size_t i = 0; i < p.n; i++) {
        mt += p.m[i];
        cm[0] += p.m[i] * p.x[i];
        cm[1] += p.m[i] * p.y[i];
        cm[2] += p.m[i] * p.z[i];
        pm[0] += p.m[i] * p.vx[i];
        pm[1] += p.m[i] * p.vy[i];
        pm[2] += p.m[i] * p.vz[i];
    }
    ck_assert_msg(fabs(mt - 1.0) < 1e-13, "total mass %.17g", mt);
    for (int c = 0; c < 3; c++) {
        ck_assert_msg(fabs(cm[c]) < 1e-14, "centre of mass[%d] = %.3e", c, cm[c]);
        ck_assert_msg(fabs(pm[c]) < 1e-14, "momentum[%d] = %.3e", c, pm[c]);
    }

    nb_diag d0;
    nb_diagnostics_compute(&p, G, eps, 0, &d0);
    /* Henon units: E = -1/4, 2K/|W| = 1. Over seeds, E at N = 2048 scatters by 0.003
     * (1.3%) and the sampler's halo cut (0.1% of the mass) biases it by ~0.3%: 5% on E
     * and 0.1 on the virial ratio (measured for seed 42: E = -0.2521, 2K/|W| = 1.0018;
     * the former cut at 10 Plummer radii gave E = -0.2633, a 5% miss). */
    fprintf(stderr, "plummer N=%d: K %.5f W %.5f E %.5f 2K/|W| %.4f\n", PLUMMER_N, d0.kinetic,
            d0.potential, d0.total, d0.virial_ratio);
    ck_assert_msg(fabs(d0.total + 0.25) < 0.0125, "E = %.5f, want -0.25 within 5%%", d0.total);
    ck_assert_msg(fabs(d0.virial_ratio - 1.0) < 0.1, "2K/|W| = %.4f", d0.virial_ratio);

    /* half-mass radius of a Plummer sphere in Henon units: (3 pi / 16) / sqrt(2^(2/3) - 1)
     * = 0.769; checked through the mass inside it (1/2 within 5 sigma of a binomial) */
    double rh = 3.0 * M_PI / 16.0 / sqrt(pow(2.0, 2.0 / 3.0) - 1.0), inside = 0;
    for (size_t i = 0; i < p.n; i++)
        inside += (p.x[i] * p.x[i] + p.y[i] * p.y[i] + p.z[i] * p.z[i] < rh * rh) * p.m[i];
    ck_assert_msg(fabs(inside - 0.5) < NSIGMA * 0.5 / sqrt(PLUMMER_N), "M(<r_h) = %.4f", inside);

    /* stays in equilibrium and conserves energy over one crossing time (t = 1) */
    nb_force f;
    force_init(&f, "parallel", G, eps, p.n);
    prime(&f, &p);
    const double dt = 1.0 / 128;
    for (int k = 0; k < 128; k++)
        step(&f, &p, dt);
    nb_diag d;
    nb_diagnostics_compute(&p, G, eps, 0, &d);
    double derr = nb_diagnostics_rel_error(d.total, d0.total);
    fprintf(stderr, "plummer t=1: 2K/|W| %.4f dE/E %.3e P %.2e %.2e %.2e\n", d.virial_ratio,
            derr, d.px, d.py, d.pz);
    ck_assert_msg(fabs(d.virial_ratio - 1.0) < 0.1, "2K/|W| at t=1: %.4f", d.virial_ratio);
    ck_assert_msg(fabs(derr) < 1e-3, "dE/E at t=1: %.3e", derr);
    ck_assert(fabs(d.px) + fabs(d.py) + fabs(d.pz) < 1e-13);
    nb_force_free(&f);
    nb_particles_free(&p);
}
END_TEST

START_TEST(test_uniform_sphere)
{
    const size_t n = 2048;
    const double R = 2.0, G = 1.0;
    nb_ics_params ip = {.type = "uniform_sphere", .n = n, .seed = 8, .G = G, .radius = R};
    nb_particles p;
    make_ics(ip, &p);
    double mt = 0, rmax = 0;
    for (size_t i = 0; i < n; i++) {
        mt += p.m[i];
        rmax = fmax(rmax, sqrt(p.x[i] * p.x[i] + p.y[i] * p.y[i] + p.z[i] * p.z[i]));
    }
    ck_assert_msg(fabs(mt - 1.0) < 1e-13, "total mass %.17g", mt);
    /* the centre-of-mass shift is ~R/sqrt(N), so the sphere keeps its edge near R */
    ck_assert_msg(rmax < 1.05 * R && rmax > 0.95 * R, "outermost radius %.4f", rmax);

    nb_diag d;
    nb_diagnostics_compute(&p, G, 0.0, 0, &d);
    /* a homogeneous sphere: W = -(3/5) G M^2 / R; the N(N-1)/2 discrete pairs with
     * m = M/N give the factor (1 - 1/N), and <1/r_ij> fluctuates by ~1% at N = 2048 */
    double w_want = -0.6 * G * mt * mt / R * (1.0 - 1.0 / (double)n);
    fprintf(stderr, "uniform_sphere: W %.5f analytic %.5f (rel %.3e)\n", d.potential, w_want,
            d.potential / w_want - 1.0);
    ck_assert(d.kinetic == 0.0);
    ck_assert_msg(fabs(d.potential / w_want - 1.0) < 0.03, "W %.5f, want %.5f", d.potential,
                  w_want);
    nb_particles_free(&p);
}
END_TEST

START_TEST(test_gaussian)
{
    const size_t n = 20000;
    nb_ics_params ip = {.type = "gaussian", .n = n, .seed = 6, .G = 1.0};
    nb_particles p;
    make_ics(ip, &p);
    double sm = 0, sx[3] = {0, 0, 0}, sxx[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(p.m[i] >= 0.0 && p.m[i] < 1.0, "mass %zu = %g", i, p.m[i]);
        ck_assert(p.vx[i] == 0.0 && p.vy[i] == 0.0 && p.vz[i] == 0.0);
        sm += p.m[i];
        const double c[3] = {p.x[i], p.y[i], p.z[i]};
        for (int k = 0; k < 3; k++) {
            sx[k] += c[k];
            sxx[k] += c[k] * c[k];
        }
    }
    double nn = (double)n;
    ck_assert_msg(fabs(sm / nn - 0.5) < NSIGMA * sqrt(1.0 / 12.0 / nn), "mean mass %.4f",
                  sm / nn);
    for (int k = 0; k < 3; k++) {
        ck_assert_msg(fabs(sx[k] / nn) < NSIGMA / sqrt(nn), "mean[%d] %.4f", k, sx[k] / nn);
        ck_assert_msg(fabs(sxx[k] / nn - 1.0) < NSIGMA * sqrt(2.0 / nn), "variance[%d] %.4f",
                      k, sxx[k] / nn);
    }
    nb_particles_free(&p);
}
END_TEST

static const char *const MOMENTUM_KERNELS[] = {"direct", "parallel"};

START_TEST(test_momentum_conservation)
{
    const char *kernel = MOMENTUM_KERNELS[_i];
    const size_t n = 512;
    nb_ics_params ip = {.type = "gaussian", .n = n, .seed = 10, .G = 1.0};
    nb_particles p;
    make_ics(ip, &p);
    nb_force f;
    force_init(&f, kernel, 1.0, 0.01, p.n);
    prime(&f, &p);
    const double dt = 1e-3;
    double pmax = 0, mv = 0;
    for (int k = 0; k < 50; k++) {
        step(&f, &p, dt);
        nb_diag d;
        nb_diagnostics_compute(&p, 1.0, 0.01, 0, &d);
        /* the scale: what the momenta would sum to without cancellation */
        mv = 0;
        for (size_t i = 0; i < n; i++)
            mv += p.m[i] * sqrt(p.vx[i] * p.vx[i] + p.vy[i] * p.vy[i] + p.vz[i] * p.vz[i]);
        pmax = fmax(pmax, sqrt(d.px * d.px + d.py * d.py + d.pz * d.pz) / mv);
    }
    fprintf(stderr, "momentum (%s): max |P| / sum m|v| = %.3e (sum m|v| = %.3g)\n", kernel,
            pmax, mv);
    /* the set-up is at rest, and pairwise forces cancel: only round-off may remain */
    ck_assert_msg(mv > 1.0, "the particles hardly moved");
    ck_assert_msg(pmax < 1e-13, "|P| / sum m|v| = %.3e", pmax);
    nb_force_free(&f);
    nb_particles_free(&p);
}
END_TEST

static Suite *physics_suite(void)
{
    Suite *s = suite_create("physics");
    const int nk = (int)(sizeof KEPLER_CASES / sizeof KEPLER_CASES[0]);
    TCase *tc = tcase_create("kepler");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_kepler_orbit, 0, nk);
    tcase_add_loop_test(tc, test_leapfrog_convergence, 0, nk);
    suite_add_tcase(s, tc);

    tc = tcase_create("n-body");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_time_reversibility);
    tcase_add_test(tc, test_plummer_equilibrium);
    tcase_add_loop_test(tc, test_momentum_conservation, 0,
                        (int)(sizeof MOMENTUM_KERNELS / sizeof MOMENTUM_KERNELS[0]));
    suite_add_tcase(s, tc);

    tc = tcase_create("ics");
    tcase_add_test(tc, test_uniform_sphere);
    tcase_add_test(tc, test_gaussian);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(physics_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
