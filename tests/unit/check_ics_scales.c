/* The scales of generated initial conditions (physics/ics.c): a Plummer sphere of mass M
 * and radius a in pc / Msun / km/s against its half-mass radius and velocity dispersion,
 * energies scaling as G M^2 / a, exact power-of-two scalings of every type, centre and
 * bulk velocity, refused values, and the bits of unchanged parameters (digests of the
 * generators before mass and scale_radius existed). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/particles.h"
#include "physics/ics.h"

/* Sample statistics are checked to within this many standard errors. */
#define NSIGMA 4.0
#define G_PC 4.30091e-3 /* pc (km/s)^2 / Msun */
/* The Plummer generator keeps the stars inside this many Plummer radii (99.9% of M). */
#define PLUMMER_CUT 38.71369177075034

static nb_ics_params params(const char *type, size_t n, uint64_t seed, double G, double M,
                            double a)
{
    nb_ics_params ip;
    memset(&ip, 0, sizeof ip);
    nb_ics_params_defaults(&ip);
    ip.type = type;
    ip.n = n;
    ip.seed = seed;
    ip.G = G;
    ip.mass = M;
    ip.scale_radius = a;
    return ip;
}

static void make(nb_ics_params ip, nb_particles *p)
{
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_ics_generate(&ip, p, &err) == NB_OK, "%s: %s", ip.type, err.msg);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The fraction of a Plummer sphere's mass inside r (units of a). */
static double plummer_mass(double r)
{
    return r * r * r / pow(1.0 + r * r, 1.5);
}

/* <v^2> of the stars inside the cut, in units of G M / a: the isotropic Plummer sphere has
 * sigma_1d^2(r) = G M / (6 a sqrt(1 + r^2)) (Jeans, or B&T eq. 4.106 with its DF), and
 * the generator keeps the velocities of the untruncated model, so <v^2> is 3 sigma^2
 * averaged over dM = 3 r^2 / (1 + r^2)^(5/2) dr inside the cut; without the cut this is
 * 3 pi / 32 (Simpson, checked below). */
static double plummer_v2(double cut)
{
    const int n = 200000;
    double h = cut / n, s = 0.0;
    for (int i = 0; i <= n; i++) {
        double r = i * h;
        double f = 3.0 * r * r / pow(1.0 + r * r, 2.5) * 0.5 / sqrt(1.0 + r * r);
        s += (i == 0 || i == n ? 1.0 : (i % 2 ? 4.0 : 2.0)) * f;
    }
    return s * h / 3.0 / plummer_mass(cut);
}

START_TEST(test_plummer_physical)
{
    const double M = 1e4, a = 2.0; /* Msun, pc */
    const size_t n = 20000;
    nb_particles p;
    make(params("plummer", n, 31, G_PC, M, a), &p);
    double *r = malloc(n * sizeof *r), sum_m = 0.0, v2 = 0.0, v4 = 0.0;
    ck_assert_ptr_nonnull(r);
    for (size_t i = 0; i < n; i++) {
        r[i] = sqrt(p.x[i] * p.x[i] + p.y[i] * p.y[i] + p.z[i] * p.z[i]);
        double w = p.vx[i] * p.vx[i] + p.vy[i] * p.vy[i] + p.vz[i] * p.vz[i];
        v2 += w;
        v4 += w * w;
        sum_m += p.m[i];
    }
    ck_assert_msg(fabs(sum_m / M - 1.0) < 1e-12, "total mass %.17g", sum_m);
    qsort(r, n, sizeof *r, cmp_double);
    double rh = 0.5 * (r[n / 2 - 1] + r[n / 2]);
    /* the half-mass radius: r^3 / (1 + r^2)^1.5 = 1/2 gives 1 / sqrt(2^(2/3) - 1) =
     * 1.3048 a; inside the cut the kept mass is F(cut), so half of it is at F = F(cut)/2 */
    double x = pow(0.5 * plummer_mass(PLUMMER_CUT), 2.0 / 3.0);
    double rh_model = a * sqrt(x / (1.0 - x));
    ck_assert(fabs(a / sqrt(pow(2.0, 2.0 / 3.0) - 1.0) / (1.305 * a) - 1.0) < 1e-3);
    /* the median's standard error: sqrt(1/4N) / (dF/dr) */
    double rr = rh_model / a, dfdr = 3.0 * rr * rr / pow(1.0 + rr * rr, 2.5) / a /
                                     plummer_mass(PLUMMER_CUT);
    double sig_rh = sqrt(0.25 / (double)n) / dfdr;
    /* the velocity dispersion: <v^2> = 3 pi G M / (32 a) untruncated (virial theorem with
     * W = -3 pi G M^2 / (32 a)), sigma_1d = sqrt(pi G M / (32 a)) = this / sqrt 3 */
    ck_assert(fabs(plummer_v2(1e4) / (3.0 * M_PI / 32.0) - 1.0) < 1e-6);
    double v2_model = G_PC * M / a * plummer_v2(PLUMMER_CUT);
    double mv2 = v2 / (double)n, sig_v2 = sqrt((v4 / (double)n - mv2 * mv2) / (double)n);
    double s1 = sqrt(mv2 / 3.0), s1_model = sqrt(v2_model / 3.0);
    printf("Plummer M = %g Msun, a = %g pc, N = %zu: r_h %.4f pc (model %.4f = %.4f a, "
           "%.1f sigma); sigma_1d %.4f km/s (model %.4f, untruncated sqrt(pi G M / 32 a) = "
           "%.4f; %.1f sigma)\n", M, a, n, rh, rh_model, rh_model / a,
           (rh - rh_model) / sig_rh, s1, s1_model, sqrt(M_PI * G_PC * M / (32.0 * a)),
           (mv2 - v2_model) / sig_v2);
    ck_assert_msg(fabs(rh - rh_model) < NSIGMA * sig_rh, "r_h %.5f vs %.5f (sigma %.5f)", rh,
                  rh_model, sig_rh);
    ck_assert_msg(fabs(mv2 - v2_model) < NSIGMA * sig_v2, "<v^2> %.6g vs %.6g (sigma %.3g)",
                  mv2, v2_model, sig_v2);
    free(r);
    nb_particles_free(&p);
}
END_TEST

/* Kinetic and exact unsoftened potential energy in long double. */
static void energies(const nb_particles *p, double G, long double *T, long double *W)
{
    *T = *W = 0.0L;
    for (size_t i = 0; i < p->n; i++) {
        *T += 0.5L * p->m[i] * ((long double)p->vx[i] * p->vx[i] +
                                (long double)p->vy[i] * p->vy[i] +
                                (long double)p->vz[i] * p->vz[i]);
        for (size_t j = i + 1; j < p->n; j++) {
            long double dx = (long double)p->x[i] - p->x[j], dy = (long double)p->y[i] - p->y[j],
                        dz = (long double)p->z[i] - p->z[j];
            *W -= (long double)G * p->m[i] * p->m[j] / sqrtl(dx * dx + dy * dy + dz * dz);
        }
    }
}

/* Same seed, two (G, M, a): T and W each in the ratio G M^2 / a, to rounding. */
START_TEST(test_energy_scaling)
{
    const char *types[] = {"plummer", "hernquist"};
    const char *type = types[_i];
    const size_t n = 1500;
    const double G1 = 1.0, M1 = 1.0, a1 = 1.0, G2 = G_PC, M2 = 3.7e4, a2 = 0.83;
    nb_particles p1, p2;
    make(params(type, n, 12, G1, M1, a1), &p1);
    make(params(type, n, 12, G2, M2, a2), &p2);
    long double T1, W1, T2, W2;
    energies(&p1, G1, &T1, &W1);
    energies(&p2, G2, &T2, &W2);
    long double want = (long double)G2 * M2 * M2 / a2 / ((long double)G1 * M1 * M1 / a1);
    printf("%s: T %.6Lg -> %.6Lg, W %.6Lg -> %.6Lg; ratios / (G M^2 / a) - 1: %.2Lg, %.2Lg\n",
           type, T1, T2, W1, W2, T2 / T1 / want - 1.0L, W2 / W1 / want - 1.0L);
    ck_assert_msg(fabsl(T2 / T1 / want - 1.0L) < 1e-12L, "%s: T ratio off by %Lg", type,
                  T2 / T1 / want - 1.0L);
    ck_assert_msg(fabsl(W2 / W1 / want - 1.0L) < 1e-12L, "%s: W ratio off by %Lg", type,
                  W2 / W1 / want - 1.0L);
    nb_particles_free(&p1);
    nb_particles_free(&p2);
}
END_TEST

/* Powers of two scale without rounding: M x16 and a x4 at G = 1 give positions x4,
 * velocities x sqrt(16 / 4) = 2 and masses x16, bit for bit, whatever the type does. */
START_TEST(test_power_of_two)
{
    const char *types[] = {"plummer", "uniform_sphere", "hernquist", "gaussian"};
    const char *type = types[_i];
    const size_t n = 700;
    nb_particles p1, p2;
    make(params(type, n, 5, 1.0, 1.0, 1.0), &p1);
    make(params(type, n, 5, 1.0, 16.0, 4.0), &p2);
    long double mt = 0.0L;
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(p2.x[i] == 4.0 * p1.x[i] && p2.y[i] == 4.0 * p1.y[i] &&
                      p2.z[i] == 4.0 * p1.z[i], "%s: particle %zu's position", type, i);
        ck_assert_msg(p2.vx[i] == 2.0 * p1.vx[i] && p2.vy[i] == 2.0 * p1.vy[i] &&
                      p2.vz[i] == 2.0 * p1.vz[i], "%s: particle %zu's velocity", type, i);
        if (strcmp(type, "gaussian"))
            ck_assert_msg(p2.m[i] == 16.0 * p1.m[i], "%s: particle %zu's mass", type, i);
        mt += p2.m[i];
    }
    ck_assert_msg(fabsl(mt / 16.0L - 1.0L) < 1e-13L, "%s: total mass %.17Lg", type, mt);
    nb_particles_free(&p1);
    nb_particles_free(&p2);
}
END_TEST

/* uniform_sphere: scale_radius, when given, is its radius. */
START_TEST(test_uniform_radius)
{
    nb_ics_params ip = params("uniform_sphere", 300, 4, 1.0, 0.0, 0.0);
    ip.radius = 2.5;
    nb_particles p1, p2;
    make(ip, &p1);
    ip.radius = 1.0;
    ip.scale_radius = 2.5;
    make(ip, &p2);
    ck_assert(!memcmp(p1.x, p2.x, 300 * sizeof(double)));
    ck_assert(!memcmp(p1.m, p2.m, 300 * sizeof(double)));
    nb_particles_free(&p1);
    nb_particles_free(&p2);
}
END_TEST

/* centre and bulk_velocity move every particle by exactly that and the centre of mass to
 * it (to the rounding of the generator's own centre of mass, ~1e-16 of its size). */
START_TEST(test_centre_bulk)
{
    nb_ics_params comp[2];
    comp[0] = params("plummer", 900, 8, G_PC, 1e4, 2.0);
    comp[1] = params("hernquist", 600, 8, G_PC, 3e3, 0.5);
    const double c0[3] = {100.0, -50.0, 25.0}, u0[3] = {3.0, -2.0, 1.0};
    const double c1[3] = {-7.5, 0.0, 12.0}, u1[3] = {0.0, 4.0, -0.5};
    memcpy(comp[0].centre, c0, sizeof c0);
    memcpy(comp[0].bulk_velocity, u0, sizeof u0);
    comp[1].seed_offset = 1;
    memcpy(comp[1].centre, c1, sizeof c1);
    memcpy(comp[1].bulk_velocity, u1, sizeof u1);
    nb_particles plain, all;
    make(comp[0], &plain);
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_ics_generate_components(comp, 1, &all, &err) == NB_OK, "%s", err.msg);
    long double com[6] = {0}, mt = 0.0L;
    for (size_t i = 0; i < all.n; i++) {
        ck_assert(all.x[i] == plain.x[i] + c0[0] && all.z[i] == plain.z[i] + c0[2]);
        ck_assert(all.vy[i] == plain.vy[i] + u0[1]);
        const double q[6] = {all.x[i], all.y[i], all.z[i], all.vx[i], all.vy[i], all.vz[i]};
        for (int k = 0; k < 6; k++)
            com[k] += (long double)all.m[i] * q[k];
        mt += all.m[i];
    }
    for (int k = 0; k < 3; k++) {
        ck_assert_msg(fabsl(com[k] / mt - c0[k]) < 1e-12L * (100.0L + 2.0L), "centre %d: %.17Lg",
                      k, com[k] / mt);
        ck_assert_msg(fabsl(com[k + 3] / mt - u0[k]) < 1e-12L * 10.0L, "bulk %d: %.17Lg", k,
                      com[k + 3] / mt);
    }
    nb_particles_free(&all);
    /* two components: the momenta add up; the Hernquist sphere's positions are not
     * recentred (ics_hernquist.c), so only its velocities' centre is exact */
    ck_assert_msg(nb_ics_generate_components(comp, 2, &all, &err) == NB_OK, "%s", err.msg);
    long double P[3] = {0}, m2 = 0.0L;
    for (size_t i = 0; i < all.n; i++) {
        const double v[3] = {all.vx[i], all.vy[i], all.vz[i]};
        for (int k = 0; k < 3; k++)
            P[k] += (long double)all.m[i] * v[k];
        m2 += all.m[i];
    }
    ck_assert(fabsl(m2 / 13e3L - 1.0L) < 1e-13L);
    for (int k = 0; k < 3; k++) {
        long double want = 1e4L * u0[k] + 3e3L * u1[k];
        ck_assert_msg(fabsl(P[k] - want) < 1e-10L * 1e5L, "momentum %d: %.17Lg vs %.17Lg", k,
                      P[k], want);
    }
    nb_particles_free(&all);
    nb_particles_free(&plain);
}
END_TEST

START_TEST(test_refused)
{
    const struct { const char *type; double M, a; } bad[] = {
        {"plummer", -1.0, 0.0}, {"plummer", NAN, 0.0}, {"hernquist", 0.0, HUGE_VAL},
        {"uniform_sphere", 0.0, -2.0}, {"two_body", 1.0, 0.0}, {"two_body", 0.0, 1.0}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        nb_ics_params ip = params(bad[k].type, 10, 1, 1.0, bad[k].M, bad[k].a);
        nb_particles p;
        nb_error err;
        nb_error_clear(&err);
        ck_assert_msg(nb_ics_generate(&ip, &p, &err) == NB_ERR_INPUT, "%s M %g a %g accepted",
                      bad[k].type, bad[k].M, bad[k].a);
        ck_assert_msg(strstr(err.msg, bad[k].type) != NULL, "%s", err.msg);
    }
}
END_TEST

/* ---- the bits of unchanged parameters ---- */

static uint64_t fnv(uint64_t h, const void *b, size_t n)
{
    const unsigned char *c = b;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* FNV-1a over x, y, z, vx, vy, vz, m in that order */
static uint64_t digest(const nb_particles *p)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    const double *f[] = {p->x, p->y, p->z, p->vx, p->vy, p->vz, p->m};
    for (int k = 0; k < 7; k++)
        h = fnv(h, f[k], p->n * sizeof(double));
    return h;
}

/* Digests main's generators gave (commit 8643c7d, before mass and scale_radius were
 * honoured) for nb_ics_params_defaults plus these fields; the same at -O0 and -O3
 * -march=native (the generators are platform independent). */
static const struct {
    const char *type;
    size_t n;
    uint64_t seed;
    double G, radius, central_mass;
    uint64_t digest;
} BITS[] = {
    {"gaussian", 1000, 42, 1, 0, 0, 0xd0c7420c8787b91fULL},
    {"plummer", 1000, 42, 1, 0, 0, 0x1ca651e1bff52b65ULL},
    {"plummer", 777, 5, 0.0043009099999999998, 0, 0, 0xe275f76fa559c420ULL},
    {"uniform_sphere", 1000, 42, 1, 1.5, 0, 0xd9adbc30877e5280ULL},
    {"two_body", 2, 1, 1, 0, 0, 0x0ce564f2d2d48b05ULL},
    {"hernquist", 500, 3, 1, 0, 0.01, 0x45603718b4aada0aULL},
    {"hernquist", 300, 9, 2, 0, 0, 0x8c70b334e42aa05aULL},
};

START_TEST(test_same_bits)
{
    nb_ics_params ip;
    memset(&ip, 0, sizeof ip);
    nb_ics_params_defaults(&ip);
    ip.type = BITS[_i].type;
    ip.n = BITS[_i].n;
    ip.seed = BITS[_i].seed;
    ip.G = BITS[_i].G;
    if (BITS[_i].radius > 0)
        ip.radius = BITS[_i].radius;
    ip.central_mass = BITS[_i].central_mass;
    nb_particles p;
    make(ip, &p);
    ck_assert_msg(digest(&p) == BITS[_i].digest, "%s n %zu: digest %016llx, main gave %016llx",
                  ip.type, ip.n, (unsigned long long)digest(&p),
                  (unsigned long long)BITS[_i].digest);
    nb_particles_free(&p);
    /* a zeroed struct (the tests' designated initialisers) means "not given" too */
    if (!strcmp(ip.type, "plummer")) {
        nb_ics_params z = {.type = "plummer", .n = ip.n, .seed = ip.seed, .G = ip.G};
        make(z, &p);
        ck_assert(digest(&p) == BITS[_i].digest);
        nb_particles_free(&p);
    }
}
END_TEST

static Suite *scales_suite(void)
{
    Suite *s = suite_create("ics_scales");
    TCase *tc = tcase_create("scales");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_plummer_physical);
    tcase_add_loop_test(tc, test_energy_scaling, 0, 2);
    tcase_add_loop_test(tc, test_power_of_two, 0, 4);
    tcase_add_test(tc, test_uniform_radius);
    tcase_add_test(tc, test_centre_bulk);
    tcase_add_test(tc, test_refused);
    tcase_add_loop_test(tc, test_same_bits, 0, (int)(sizeof BITS / sizeof BITS[0]));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(scales_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
