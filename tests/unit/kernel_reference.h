/* Shared by the kernel tests: test particle sets and an independent long-double
 * brute-force reference for accelerations and potentials, with a tolerance check. */
#ifndef NB_TEST_KERNEL_REFERENCE_H
#define NB_TEST_KERNEL_REFERENCE_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gravity/kernels.h"
#include "physics/ics.h"
#include "core/particles.h"

/* A sum of n terms, each within a few ulp, stays within a few n ulp of the sum of the
 * terms' magnitudes; the refined 1/sqrt estimates are a few ulp too. This bound is ~20x
 * what the kernels show, and ~1e9x below what an unrefined 14-bit estimate would give. */
#define REL_TOL 2e-14

/* Kernel parameters: G, eps, threads, the knn kernel's k, every other key its default. */
static inline nb_kernel_params test_kernel_params(double G, double eps, int k, int threads)
{
    nb_kernel_params kp;
    nb_error err;
    nb_kernel_params_defaults(&kp);
    kp.G = G;
    kp.eps = eps;
    kp.threads = threads;
    ck_assert_msg(nb_kernel_set(&kp, "neighbours", k, &err) == NB_OK, "%s", err.msg);
    return kp;
}

static inline void make_gaussian(size_t n, unsigned seed, nb_particles *p)
{
    nb_ics_params ip = {.type = "gaussian", .n = n, .seed = seed, .G = 1.0};
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_ics_generate(&ip, p, &err) == NB_OK, "%s", err.msg);
}

/* Exactly coincident points (the r = 0 pairs that eps = 0 skips), among them the first
 * and last particle (different blocks and tree leaves), and a very close distinct pair. */
static inline void add_coincident(nb_particles *p)
{
    ck_assert(p->n >= 12);
    for (size_t i = 3; i < 6; i++) {
        p->x[i] = p->x[3];
        p->y[i] = p->y[3];
        p->z[i] = p->z[3];
    }
    p->x[p->n - 1] = p->x[0];
    p->y[p->n - 1] = p->y[0];
    p->z[p->n - 1] = p->z[0];
    p->x[9] = p->x[8] + 1e-9;
    p->y[9] = p->y[8];
    p->z[9] = p->z[8];
}

typedef struct ref {
    long double *ax, *ay, *az, *pot;
    double *scale, *pscale; /* sums of the terms' magnitudes */
} ref;

static inline void ref_alloc(ref *r, size_t n)
{
    r->ax = calloc(n + 1, sizeof *r->ax);
    r->ay = calloc(n + 1, sizeof *r->ay);
    r->az = calloc(n + 1, sizeof *r->az);
    r->pot = calloc(n + 1, sizeof *r->pot);
    r->scale = calloc(n + 1, sizeof *r->scale);
    r->pscale = calloc(n + 1, sizeof *r->pscale);
    ck_assert(r->ax && r->ay && r->az && r->pot && r->scale && r->pscale);
}

/* Adds source j's pull on target i, from scratch in long double; r = 0 pairs skipped. */
static inline void ref_add_pair(ref *r, const nb_particles *p, size_t i, size_t j, double G,
                                long double e2)
{
    long double dx = (long double)p->x[j] - p->x[i];
    long double dy = (long double)p->y[j] - p->y[i];
    long double dz = (long double)p->z[j] - p->z[i];
    long double r2 = dx * dx + dy * dy + dz * dz + e2;
    if (r2 == 0.0L)
        return;
    long double rr = sqrtl(r2);
    long double f = (long double)G * p->m[j] / (r2 * rr);
    r->ax[i] += f * dx;
    r->ay[i] += f * dy;
    r->az[i] += f * dz;
    r->pot[i] -= (long double)G * p->m[j] / rr;
    r->scale[i] += (double)(f * rr);
    r->pscale[i] += (double)((long double)G * p->m[j] / rr);
}

/* Each pair once, both sides, in long double (r = 0 pairs skipped); for a program's main(),
 * before its forked tests: out of memory ends the program (no ck_assert there). */
static inline void ref_compute_sym(const nb_particles *p, double eps, ref *r)
{
    size_t n1 = p->n + 1;
    r->ax = calloc(n1, sizeof *r->ax);
    r->ay = calloc(n1, sizeof *r->ay);
    r->az = calloc(n1, sizeof *r->az);
    r->pot = calloc(n1, sizeof *r->pot);
    r->scale = calloc(n1, sizeof *r->scale);
    r->pscale = calloc(n1, sizeof *r->pscale);
    if (!r->ax || !r->ay || !r->az || !r->pot || !r->scale || !r->pscale) {
        fputs("kernel reference: out of memory\n", stderr);
        exit(EXIT_FAILURE);
    }
    long double e2 = (long double)eps * eps;
    for (size_t i = 0; i < p->n; i++) {
        long double xi = p->x[i], yi = p->y[i], zi = p->z[i];
        for (size_t j = i + 1; j < p->n; j++) {
            long double dx = p->x[j] - xi, dy = p->y[j] - yi, dz = p->z[j] - zi;
            long double r2 = dx * dx + dy * dy + dz * dz + e2;
            if (r2 == 0.0L)
                continue;
            long double rinv = 1.0L / sqrtl(r2), r3 = rinv * rinv * rinv;
            r->ax[i] += p->m[j] * r3 * dx;
            r->ay[i] += p->m[j] * r3 * dy;
            r->az[i] += p->m[j] * r3 * dz;
            r->ax[j] -= p->m[i] * r3 * dx;
            r->ay[j] -= p->m[i] * r3 * dy;
            r->az[j] -= p->m[i] * r3 * dz;
            r->pot[i] -= p->m[j] * rinv;
            r->pot[j] -= p->m[i] * rinv;
            r->scale[i] += (double)(p->m[j] * rinv * rinv);
            r->scale[j] += (double)(p->m[i] * rinv * rinv);
            r->pscale[i] += (double)(p->m[j] * rinv);
            r->pscale[j] += (double)(p->m[i] * rinv);
        }
    }
}

static inline void ref_free(ref *r)
{
    free(r->ax); free(r->ay); free(r->az); free(r->pot); free(r->scale); free(r->pscale);
}

static inline int ref_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* |a - a_ref| / |a_ref| of every particle against r, sorted ascending into e. */
static inline void ref_rel_errors(const nb_particles *p, const ref *r, double *e)
{
    for (size_t i = 0; i < p->n; i++) {
        long double dx = p->ax[i] - r->ax[i], dy = p->ay[i] - r->ay[i], dz = p->az[i] - r->az[i];
        long double a2 = r->ax[i] * r->ax[i] + r->ay[i] * r->ay[i] + r->az[i] * r->az[i];
        e[i] = (double)sqrtl((dx * dx + dy * dy + dz * dz) / a2);
    }
    qsort(e, p->n, sizeof *e, ref_cmp_double);
}

static inline void check_against_ref(const char *what, const nb_particles *p,
                                     const double *pot, const ref *r)
{
    for (size_t i = 0; i < p->n; i++) {
        double tol = REL_TOL * r->scale[i] + 1e-300;
        ck_assert_msg(fabsl(p->ax[i] - r->ax[i]) <= tol && fabsl(p->ay[i] - r->ay[i]) <= tol &&
                          fabsl(p->az[i] - r->az[i]) <= tol,
                      "%s n=%zu: a[%zu] = (%.17g %.17g %.17g), reference (%.17Lg %.17Lg %.17Lg)",
                      what, p->n, i, p->ax[i], p->ay[i], p->az[i], r->ax[i], r->ay[i],
                      r->az[i]);
        if (pot)
            ck_assert_msg(fabsl(pot[i] - r->pot[i]) <= REL_TOL * r->pscale[i] + 1e-300,
                          "%s n=%zu: pot[%zu] = %.17g, reference %.17Lg", what, p->n, i,
                          pot[i], r->pot[i]);
    }
}

/* Copies of a, pot after one evaluation, for bitwise comparison. */
typedef struct result {
    size_t n;
    double *ax, *ay, *az, *pot;
} result;

static inline result save(const nb_particles *p, const double *pot)
{
    result s = {.n = p->n};
    size_t bytes = (p->n ? p->n : 1) * sizeof(double);
    s.ax = malloc(bytes); s.ay = malloc(bytes); s.az = malloc(bytes); s.pot = malloc(bytes);
    ck_assert(s.ax && s.ay && s.az && s.pot);
    memcpy(s.ax, p->ax, p->n * sizeof(double));
    memcpy(s.ay, p->ay, p->n * sizeof(double));
    memcpy(s.az, p->az, p->n * sizeof(double));
    if (pot)
        memcpy(s.pot, pot, p->n * sizeof(double));
    return s;
}

static inline void same_bits(const char *what, const result *a, const result *b, int with_pot)
{
    size_t bytes = a->n * sizeof(double);
    ck_assert_msg(a->n == b->n, "%s: sizes differ", what);
    ck_assert_msg(!memcmp(a->ax, b->ax, bytes) && !memcmp(a->ay, b->ay, bytes) &&
                      !memcmp(a->az, b->az, bytes),
                  "%s: accelerations differ in their bits", what);
    if (with_pot)
        ck_assert_msg(!memcmp(a->pot, b->pot, bytes), "%s: potentials differ in their bits",
                      what);
}

static inline void result_free(result *s)
{
    free(s->ax); free(s->ay); free(s->az); free(s->pot);
}

#endif
