/* The hierarchical time steps (physics/timestep.c): with every particle in bin 0 they are
 * the fixed leapfrog, bit for bit; each step lasts exactly its bin's length and only the
 * particles whose step ends are given forces; an eccentric Kepler orbit without softening
 * is integrated far better than with a fixed step for the same force evaluations; a
 * restart from the stored bins continues bit for bit. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/particles.h"
#include "gravity/force.h"
#include "physics/ics.h"
#include "physics/integrator.h"
#include "physics/timestep.h"

/* ---- force callbacks ---- */

/* The direct sum for the listed targets, each over all sources in index order (so a
 * target's bits do not depend on the list), checking on the way that the list is the set
 * of particles whose step ends now: the tick since each particle's step began is its
 * bin's length for the listed ones, and less for the others. */
typedef struct direct_ctx {
    double G, eps;
    const nb_timestep *ts;  /* NULL: no checks */
    uint64_t sync;          /* absolute tick of the synchronised time the advance began */
    uint64_t *start;        /* absolute tick each particle's current step began */
    long calls, bad;        /* callbacks, and lists that were wrong */
    int lo, hi;             /* the shallowest and deepest bins of the active particles */
} direct_ctx;

static int direct_cb(void *vctx, nb_particles *p, const uint32_t *active, size_t na,
                     double *pot, nb_error *err)
{
    (void)err;
    direct_ctx *c = vctx;
    c->calls++;
    if (c->ts && c->start) {
        uint64_t T = (uint64_t)1 << c->ts->par.max_bins, now = c->sync + c->ts->tick;
        size_t j = 0;
        for (size_t i = 0; i < p->n; i++) {
            uint64_t len = T >> c->ts->bin[i], since = now - c->start[i];
            int listed = j < na && active[j] == i;
            if (listed ? since != len : since >= len)
                c->bad++;
            if (listed) {
                c->lo = c->ts->bin[i] < c->lo ? c->ts->bin[i] : c->lo;
                c->hi = c->ts->bin[i] > c->hi ? c->ts->bin[i] : c->hi;
                c->start[i] = now;
                j++;
            }
        }
        if (j != na)
            c->bad++;
    }
    for (size_t k = 0; k < na; k++) {
        size_t i = active[k];
        double ax = 0, ay = 0, az = 0, ph = 0;
        for (size_t j = 0; j < p->n; j++) {
            double dx = p->x[j] - p->x[i], dy = p->y[j] - p->y[i], dz = p->z[j] - p->z[i];
            double r2 = dx * dx + dy * dy + dz * dz + c->eps * c->eps;
            if (j == i || r2 == 0.0)
                continue;
            double inv = 1.0 / sqrt(r2), gm3 = c->G * p->m[j] * inv * inv * inv;
            ax += gm3 * dx;
            ay += gm3 * dy;
            az += gm3 * dz;
            ph -= c->G * p->m[j] * inv;
        }
        p->ax[i] = ax;
        p->ay[i] = ay;
        p->az[i] = az;
        if (pot)
            pot[i] = ph;
    }
    return NB_OK;
}

/* libnbody's kernel through today's entry, which computes every particle */
static int force_cb(void *vctx, nb_particles *p, const uint32_t *active, size_t na,
                    double *pot, nb_error *err)
{
    (void)active;
    ck_assert_uint_eq(na, p->n);
    return nb_force_compute(vctx, p, pot, err);
}

/* ---- helpers ---- */

static void make_ics(nb_ics_params ip, nb_particles *p)
{
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_ics_generate(&ip, p, &err) == NB_OK, "%s: %s", ip.type, err.msg);
}

static void copy_particles(nb_particles *dst, const nb_particles *src)
{
    nb_error err;
    ck_assert_int_eq(nb_particles_alloc(dst, src->n, &err), NB_OK);
    size_t b = src->n * sizeof(double);
    memcpy(dst->x, src->x, b); memcpy(dst->y, src->y, b); memcpy(dst->z, src->z, b);
    memcpy(dst->vx, src->vx, b); memcpy(dst->vy, src->vy, b); memcpy(dst->vz, src->vz, b);
    memcpy(dst->ax, src->ax, b); memcpy(dst->ay, src->ay, b); memcpy(dst->az, src->az, b);
    memcpy(dst->m, src->m, b);
}

/* positions, velocities and accelerations, bit for bit */
static int same_bits(const nb_particles *a, const nb_particles *b)
{
    size_t s = a->n * sizeof(double);
    return a->n == b->n && !memcmp(a->x, b->x, s) && !memcmp(a->y, b->y, s) &&
           !memcmp(a->z, b->z, s) && !memcmp(a->vx, b->vx, s) && !memcmp(a->vy, b->vy, s) &&
           !memcmp(a->vz, b->vz, s) && !memcmp(a->ax, b->ax, s) && !memcmp(a->ay, b->ay, s) &&
           !memcmp(a->az, b->az, s);
}

static void ts_init(nb_timestep *ts, size_t n, double dt, double eta, double eps, int bins)
{
    nb_timestep_params tp = {.dt = dt, .eps = eps};
    nb_timestep_params_defaults(&tp);
    tp.eta = eta;
    if (bins >= 0)
        tp.max_bins = bins;
    nb_error err;
    ck_assert_msg(nb_timestep_init(ts, n, &tp, &err) == NB_OK, "%s", err.msg);
}

static void ts_begin(nb_timestep *ts, nb_particles *p, nb_accel_fn f, void *ctx,
                     const uint8_t *bins)
{
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_timestep_begin(ts, p, f, ctx, bins, &err) == NB_OK, "%s", err.msg);
}

static void ts_advance(nb_timestep *ts, nb_particles *p, nb_accel_fn f, void *ctx)
{
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_timestep_advance(ts, p, f, ctx, &err) == NB_OK, "%s", err.msg);
}

/* ---- every particle in bin 0: the fixed leapfrog's bits ---- */

START_TEST(test_bin0_is_leapfrog)
{
    /* _i = 0: softened (GADGET's criterion, no potential asked for); 1: unsoftened (the
     * |phi|/|a| criterion, the kernel also filling the potential) */
    const double eps = _i == 0 ? 0.01 : 0.0, dt = 1.0 / 512;
    nb_ics_params ip = {.type = "plummer", .n = 300, .seed = 7, .G = 1.0};
    nb_particles p, q;
    make_ics(ip, &p);
    nb_kernel_params kp = {.G = 1.0, .eps = eps, .threads = 0};
    nb_force f;
    nb_error err;
    ck_assert_msg(nb_force_init(&f, "direct", &kp, p.n, &err) == NB_OK, "%s", err.msg);
    copy_particles(&q, &p);
    ck_assert_int_eq(nb_force_compute(&f, &q, NULL, &err), NB_OK);

    nb_timestep ts;
    ts_init(&ts, p.n, dt, 1e30, eps, -1);
    ts_begin(&ts, &p, force_cb, &f, NULL);
    ck_assert_msg(same_bits(&p, &q), "the first evaluation differs from nb_force_compute's");
    for (int s = 0; s < 40; s++) {
        ts_advance(&ts, &p, force_cb, &f);
        ck_assert_int_eq(nb_integrator_step(&q, &f, dt, NULL, &err), NB_OK);
        ck_assert_msg(same_bits(&p, &q), "eps %g: step %d differs from nb_integrator_step", eps,
                      s + 1);
    }
    int lo, hi;
    uint64_t counts[NB_TIMESTEP_MAX_BINS + 1];
    nb_timestep_histogram(&ts, counts, &lo, &hi);
    ck_assert_int_eq(lo, 0);
    ck_assert_int_eq(hi, 0);
    ck_assert_uint_eq(counts[0], p.n);
    ck_assert_uint_eq(ts.evaluations, 41 * p.n);
    ck_assert_uint_eq(ts.substeps, 40);
    nb_timestep_free(&ts);
    nb_force_free(&f);
    nb_particles_free(&p);
    nb_particles_free(&q);
}
END_TEST

/* ---- Kepler, e = 0.9, no softening ---- */

#define KEP_E 0.9
#define KEP_ORBITS 10
#define KEP_DT_PER_ORBIT 8 /* synchronised times an orbit: bin 0's step is P / 8 */

static void kepler_ics(nb_particles *p)
{
    /* a = 1, total mass 1, G = 1: P = 2 pi */
    nb_ics_params ip = {.type = "two_body", .n = 2, .seed = 1, .G = 1.0,
                        .semi_major_axis = 1.0, .eccentricity = KEP_E, .m1 = 0.5, .m2 = 0.5};
    make_ics(ip, p);
}

static double kepler_energy(const nb_particles *p)
{
    double k = 0;
    for (int i = 0; i < 2; i++)
        k += 0.5 * p->m[i] * (p->vx[i] * p->vx[i] + p->vy[i] * p->vy[i] + p->vz[i] * p->vz[i]);
    double dx = p->x[1] - p->x[0], dy = p->y[1] - p->y[0], dz = p->z[1] - p->z[0];
    return k - p->m[0] * p->m[1] / sqrt(dx * dx + dy * dy + dz * dz);
}

/* The mean anomaly of the relative orbit (0 at pericentre, in (-pi, pi]), from the
 * state: Kepler's equation M = E - e sin E with the eccentric anomaly E of r and r.v. */
static double mean_anomaly(const nb_particles *p)
{
    double rx = p->x[1] - p->x[0], ry = p->y[1] - p->y[0], rz = p->z[1] - p->z[0];
    double vx = p->vx[1] - p->vx[0], vy = p->vy[1] - p->vy[0], vz = p->vz[1] - p->vz[0];
    double mu = p->m[0] + p->m[1], r = sqrt(rx * rx + ry * ry + rz * rz);
    double a = -mu / (2.0 * (0.5 * (vx * vx + vy * vy + vz * vz) - mu / r));
    double ecosE = 1.0 - r / a, esinE = (rx * vx + ry * vy + rz * vz) / sqrt(mu * a);
    double E = atan2(esinE, ecosE);
    return E - esinE;
}

START_TEST(test_kepler_adaptive)
{
    const double P = 2.0 * M_PI, dt = P / KEP_DT_PER_ORBIT;
    const int nsync = KEP_ORBITS * KEP_DT_PER_ORBIT;
    nb_particles p;
    kepler_ics(&p);
    const double e0 = kepler_energy(&p);
    direct_ctx c = {.G = 1.0, .eps = 0.0, .lo = 99};
    nb_timestep ts;
    /* _i = 0: the default eta, 1: an eta that makes the orbit accurate (docs/timesteps.md:
     * without softening the error goes as eta) */
    const double eta = _i == 0 ? 0.025 : 1e-4;
    ts_init(&ts, 2, dt, eta, 0.0, -1);
    c.start = calloc(2, sizeof *c.start);
    ts_begin(&ts, &p, direct_cb, &c, NULL);
    c.ts = &ts; /* checks from the first step on */
    double err_adaptive = 0;
    for (int s = 0; s < nsync; s++) {
        c.sync = (uint64_t)s << ts.par.max_bins;
        ts_advance(&ts, &p, direct_cb, &c);
        err_adaptive = fmax(err_adaptive, fabs(kepler_energy(&p) / e0 - 1.0));
    }
    int lo = c.lo, hi = c.hi;
    ck_assert_msg(c.bad == 0, "%ld force calls listed the wrong particles", c.bad);
    /* the orbit's phase after 10 periods: the orbits completed, against Kepler's law */
    double orbits = KEP_ORBITS + mean_anomaly(&p) / (2.0 * M_PI);
    double period = nsync * dt / orbits;
    uint64_t evals = ts.evaluations;

    /* the fixed leapfrog with at least as many force evaluations, sampled at the same
     * synchronised times */
    long per_sync = (long)ceil((double)evals / (2.0 * nsync));
    nb_particles q;
    kepler_ics(&q);
    nb_kernel_params kp = {.G = 1.0, .eps = 0.0, .threads = 1};
    nb_force f;
    nb_error err;
    ck_assert_int_eq(nb_force_init(&f, "direct", &kp, 2, &err), NB_OK);
    ck_assert_int_eq(nb_force_compute(&f, &q, NULL, &err), NB_OK);
    double err_fixed = 0;
    for (int s = 0; s < nsync; s++) {
        for (long k = 0; k < per_sync; k++)
            ck_assert_int_eq(nb_integrator_step(&q, &f, dt / per_sync, NULL, &err), NB_OK);
        err_fixed = fmax(err_fixed, fabs(kepler_energy(&q) / e0 - 1.0));
    }
    printf("kepler e = %.1f, %d orbits, eta %g: adaptive %llu evaluations (%llu sub-steps, bins %d "
           "..%d), max|dE/E| %.3e, period/P - 1 = %.2e; fixed %ld steps a dt (%ld "
           "evaluations), max|dE/E| %.3e; ratio %.1f\n",
           KEP_E, KEP_ORBITS, eta, (unsigned long long)evals, (unsigned long long)ts.substeps, lo,
           hi, err_adaptive, period / P - 1.0, per_sync, 2 * per_sync * nsync + 2, err_fixed,
           err_fixed / err_adaptive);
    ck_assert_msg(hi - lo >= 4, "bins %d .. %d: no hierarchy to test", lo, hi);
    ck_assert_msg(10.0 * err_adaptive <= err_fixed,
                  "adaptive max|dE/E| %.3e is not 10x below the fixed step's %.3e", err_adaptive,
                  err_fixed);
    if (_i == 1) {
        ck_assert_msg(err_adaptive < 2e-3, "adaptive max|dE/E| %.3e", err_adaptive);
        ck_assert_msg(fabs(period / P - 1.0) < 2e-3, "period %.9f, Kepler's law %.9f", period,
                      P);
    }
    ck_assert_uint_eq(ts.clipped, 0);
    free(c.start);
    nb_force_free(&f);
    nb_timestep_free(&ts);
    nb_particles_free(&p);
    nb_particles_free(&q);
}
END_TEST

/* ---- a restart from the stored bins ---- */

/* A Hernquist sphere with a black hole (particle 0, 30 times the mean mass: a heavy
 * particle, in the deepest bin), softened: GADGET's criterion spreads the stars over
 * several bins. */
static void cusp_ics(nb_particles *p)
{
    nb_ics_params ip = {.type = "hernquist", .n = 300, .seed = 11, .G = 1.0};
    nb_ics_params_defaults(&ip);
    ip.central_mass = 0.1;
    make_ics(ip, p);
}

START_TEST(test_restart_bits)
{
    const double dt = 1.0 / 16, eps = 1e-3;
    const int first = 3, more = 3;
    nb_particles p, q;
    cusp_ics(&p);
    direct_ctx c = {.G = 1.0, .eps = eps, .lo = 99};
    c.start = calloc(p.n, sizeof *c.start);
    nb_timestep ts;
    ts_init(&ts, p.n, dt, 0.025, eps, -1);
    ts_begin(&ts, &p, direct_cb, &c, NULL);
    c.ts = &ts;
    nb_particles saved = {0};
    uint8_t *bins = malloc(p.n);
    uint64_t evals = 0;
    for (int s = 0; s < first + more; s++) {
        if (s == first) { /* what a snapshot keeps: positions, velocities, masses, bins */
            copy_particles(&saved, &p);
            memcpy(bins, ts.bin, p.n);
            evals = ts.evaluations;
        }
        c.sync = (uint64_t)s << ts.par.max_bins;
        ts_advance(&ts, &p, direct_cb, &c);
    }
    ck_assert_msg(c.bad == 0, "%ld force calls listed the wrong particles", c.bad);
    ck_assert_msg(c.hi - c.lo >= 3, "bins %d .. %d: no hierarchy to test", c.lo, c.hi);
    int lo, hi;
    uint64_t counts[NB_TIMESTEP_MAX_BINS + 1];
    nb_timestep_histogram(&ts, counts, &lo, &hi);
    ck_assert_msg(ts.bin[0] == hi, "the black hole is in bin %d, the deepest bin is %d",
                  ts.bin[0], hi);
    ck_assert_msg(ts.evaluations < (uint64_t)(first + more) * p.n << c.hi,
                  "%llu evaluations: every particle took the shortest step",
                  (unsigned long long)ts.evaluations);

    /* the restart: accelerations recomputed, the bins given back, the count carried */
    copy_particles(&q, &saved);
    memset(q.ax, 0, p.n * sizeof(double));
    direct_ctx c2 = {.G = 1.0, .eps = eps};
    nb_timestep ts2;
    ts_init(&ts2, p.n, dt, 0.025, eps, -1);
    ts2.evaluations = evals;
    ts_begin(&ts2, &q, direct_cb, &c2, bins);
    for (int s = 0; s < more; s++)
        ts_advance(&ts2, &q, direct_cb, &c2);
    ck_assert_msg(same_bits(&p, &q), "the restart does not continue bit for bit");
    ck_assert_msg(!memcmp(ts.bin, ts2.bin, p.n), "the restart's bins differ");
    ck_assert_uint_eq(ts.evaluations, ts2.evaluations);

    /* a restart keeping the snapshot's accelerations (no callback): they are the all-active
     * evaluation that ended the dt, so the same bits again */
    nb_particles r;
    copy_particles(&r, &saved);
    nb_timestep ts3;
    ts_init(&ts3, p.n, dt, 0.025, eps, -1);
    ts3.evaluations = evals;
    ts_begin(&ts3, &r, NULL, NULL, bins);
    for (int s = 0; s < more; s++)
        ts_advance(&ts3, &r, direct_cb, &c2);
    ck_assert_msg(same_bits(&p, &r), "the restart keeping the accelerations differs");
    ck_assert_msg(!memcmp(ts.bin, ts3.bin, p.n), "the kept restart's bins differ");
    ck_assert_uint_eq(ts.evaluations, ts3.evaluations);
    nb_timestep_free(&ts3);
    nb_particles_free(&r);
    printf("restart: %zu particles, bins %d .. %d, %llu evaluations in %d dt (%.1f%% of "
           "every particle on the shortest step)\n",
           p.n, c.lo, c.hi, (unsigned long long)ts.evaluations, first + more,
           100.0 * (double)ts.evaluations / ((double)((first + more) * p.n) * (1 << c.hi)));
    free(bins);
    free(c.start);
    nb_timestep_free(&ts);
    nb_timestep_free(&ts2);
    nb_particles_free(&p);
    nb_particles_free(&q);
    nb_particles_free(&saved);
}
END_TEST

/* ---- a heavy particle steps with the deepest bin ---- */

static double total_energy(const nb_particles *p, double eps)
{
    double e = 0;
    for (size_t i = 0; i < p->n; i++) {
        e += 0.5 * p->m[i] * (p->vx[i] * p->vx[i] + p->vy[i] * p->vy[i] + p->vz[i] * p->vz[i]);
        for (size_t j = i + 1; j < p->n; j++) {
            double dx = p->x[j] - p->x[i], dy = p->y[j] - p->y[i], dz = p->z[j] - p->z[i];
            e -= p->m[i] * p->m[j] / sqrt(dx * dx + dy * dy + dz * dz + eps * eps);
        }
    }
    return e;
}

START_TEST(test_heavy_particle)
{
    /* a black hole of 5% of 600 stars' mass (30 times the mean mass): with the rule it
     * follows the fast orbits around it; without (heavy_ratio 0) its own |a|, in which
     * their pulls cancel, leaves it on long steps that sample them coarsely */
    const double dt = 1.0 / 16, eps = 1e-3;
    double err[2], mom[2];
    uint64_t evals[2];
    for (int rule = 0; rule < 2; rule++) {
        nb_ics_params ip = {.type = "hernquist", .n = 601, .seed = 5, .G = 1.0};
        nb_ics_params_defaults(&ip);
        ip.central_mass = 0.05;
        nb_particles p;
        make_ics(ip, &p);
        const double e0 = total_energy(&p, eps);
        direct_ctx c = {.G = 1.0, .eps = eps};
        nb_timestep ts;
        nb_timestep_params tp = {.dt = dt, .eps = eps};
        nb_timestep_params_defaults(&tp);
        if (!rule)
            tp.heavy_ratio = 0.0;
        nb_error e;
        ck_assert_int_eq(nb_timestep_init(&ts, p.n, &tp, &e), NB_OK);
        ts_begin(&ts, &p, direct_cb, &c, NULL);
        err[rule] = 0;
        for (int s = 0; s < 4; s++) {
            ts_advance(&ts, &p, direct_cb, &c);
            err[rule] = fmax(err[rule], fabs(total_energy(&p, eps) / e0 - 1.0));
        }
        double px = 0, py = 0, pz = 0, pm = 0;
        for (size_t i = 0; i < p.n; i++) {
            px += p.m[i] * p.vx[i];
            py += p.m[i] * p.vy[i];
            pz += p.m[i] * p.vz[i];
            pm += p.m[i] * sqrt(p.vx[i] * p.vx[i] + p.vy[i] * p.vy[i] + p.vz[i] * p.vz[i]);
        }
        mom[rule] = sqrt(px * px + py * py + pz * pz) / pm;
        evals[rule] = ts.evaluations;
        nb_timestep_free(&ts);
        nb_particles_free(&p);
    }
    printf("heavy particle: max|dE/E| %.2e without the rule, %.2e with it (%llu, %llu "
           "evaluations); |P| / sum m|v| %.1e, %.1e\n", err[0], err[1],
           (unsigned long long)evals[0], (unsigned long long)evals[1], mom[0], mom[1]);
    ck_assert_msg(10.0 * err[1] < err[0], "the heavy-particle rule gains too little: %.2e, %.2e",
                  err[0], err[1]);
    ck_assert_msg(evals[1] < evals[0] + evals[0] / 10, "the rule costs %llu evaluations, %llu "
                  "without", (unsigned long long)evals[1], (unsigned long long)evals[0]);
}
END_TEST

/* ---- max_bins: a particle that needs a deeper bin is clipped and counted ---- */

START_TEST(test_clipped)
{
    nb_particles p;
    kepler_ics(&p);
    direct_ctx c = {.G = 1.0, .eps = 0.0};
    nb_timestep ts;
    ts_init(&ts, 2, 2.0 * M_PI / 8, 1e-4, 0.0, 3);
    ts_begin(&ts, &p, direct_cb, &c, NULL);
    for (int s = 0; s < 8; s++)
        ts_advance(&ts, &p, direct_cb, &c);
    ck_assert_msg(ts.clipped > 0, "no step was clipped at max_bins = 3");
    ck_assert_uint_lt(ts.clip_index, 2);
    for (int i = 0; i < 2; i++)
        ck_assert_int_le(ts.bin[i], 3);
    /* a step never longer than bin 3's, so at most 2^3 force evaluations per particle a dt */
    ck_assert_uint_le(ts.evaluations, 2 + 2 * 8 * 8);
    nb_timestep_free(&ts);
    nb_particles_free(&p);
}
END_TEST

START_TEST(test_bad_input)
{
    nb_timestep ts;
    nb_error err;
    nb_timestep_params tp = {.dt = 0.0, .eta = 0.025, .eps = 0.0, .max_bins = 30};
    ck_assert_int_eq(nb_timestep_init(&ts, 4, &tp, &err), NB_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "dt"));
    tp.dt = 1.0;
    tp.max_bins = NB_TIMESTEP_MAX_BINS + 1;
    ck_assert_int_eq(nb_timestep_init(&ts, 4, &tp, &err), NB_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "max_bins"));
    tp.max_bins = 4;
    tp.eta = -1;
    ck_assert_int_eq(nb_timestep_init(&ts, 4, &tp, &err), NB_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "eta"));
    /* a snapshot's bin deeper than this run's max_bins */
    tp.eta = 0.025;
    nb_particles p;
    kepler_ics(&p);
    ck_assert_int_eq(nb_timestep_init(&ts, 2, &tp, &err), NB_OK);
    direct_ctx c = {.G = 1.0};
    uint8_t bins[2] = {1, 5};
    ck_assert_int_eq(nb_timestep_begin(&ts, &p, direct_cb, &c, bins, &err), NB_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "particle 1"));
    /* no callback needs the bins: the criterion would want a force evaluation */
    ck_assert_int_eq(nb_timestep_begin(&ts, &p, NULL, NULL, NULL, &err), NB_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "no force callback"));
    nb_timestep_free(&ts);
    nb_particles_free(&p);
}
END_TEST

static Suite *timestep_suite(void)
{
    Suite *s = suite_create("timestep");
    TCase *tc = tcase_create("hierarchy");
    tcase_add_loop_test(tc, test_bin0_is_leapfrog, 0, 2);
    tcase_add_loop_test(tc, test_kepler_adaptive, 0, 2);
    tcase_add_test(tc, test_restart_bits);
    tcase_add_test(tc, test_heavy_particle);
    tcase_add_test(tc, test_clipped);
    tcase_add_test(tc, test_bad_input);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(timestep_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
