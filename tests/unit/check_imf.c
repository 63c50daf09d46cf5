/* Mass spectra (physics/imf.c) against the initial mass functions' integrals, done here
 * independently by quadrature, and their use in generated initial conditions: masses as
 * drawn or scaled to the given total, equal-mass positions, 2T + W = 0 for the new masses. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/particles.h"
#include "physics/ics.h"
#include "physics/imf.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* Sample statistics are checked to within this many standard errors. */
#define NSIGMA 4.0
#define NDRAW 100000

/* ---- the laws, written out here: dN/dm, continuous, in Msun ---- */

/* Kroupa (2001) eq. 2: m^-0.3 below 0.08, then 1.3 to 0.5, then 2.3; the coefficients
 * 0.08 = 0.08^(1.3 - 0.3) and 0.04 = 0.08 * 0.5^(2.3 - 1.3) join the pieces. */
static long double kroupa(long double m)
{
    if (m < 0.08L)
        return powl(m, -0.3L);
    if (m < 0.5L)
        return 0.08L * powl(m, -1.3L);
    return 0.04L * powl(m, -2.3L);
}

static long double salpeter(long double m)
{
    return powl(m, -2.35L);
}

typedef long double (*law_fn)(long double);

/* int_lo^hi m^k xi(m) dm by Simpson's rule in ln m (the integrand is smooth there between
 * breaks), each piece between the law's breaks on its own. */
static long double moment(law_fn xi, int k, long double lo, long double hi)
{
    /* the pieces' ends: lo, Kroupa's breaks inside (lo, hi), hi */
    long double ends[4] = {lo}, sum = 0.0L;
    int np = 1;
    if (lo < 0.08L && 0.08L < hi)
        ends[np++] = 0.08L;
    if (lo < 0.5L && 0.5L < hi)
        ends[np++] = 0.5L;
    ends[np++] = hi;
    for (int b = 0; b + 1 < np; b++) {
        const int n = 4000; /* even */
        long double u0 = logl(ends[b]), h = (logl(ends[b + 1]) - u0) / n, s = 0.0L;
        for (int i = 0; i <= n; i++) {
            long double m = expl(u0 + i * h);
            long double f = powl(m, (long double)k + 1.0L) * xi(m); /* dm = m du */
            s += (i == 0 || i == n ? 1.0L : (i % 2 ? 4.0L : 2.0L)) * f;
        }
        sum += s * h / 3.0L;
    }
    return sum;
}

typedef struct imf_case {
    const char *name;
    law_fn xi;
    double m_min, m_max;
} imf_case;

static const imf_case CASES[] = {
    {"kroupa", kroupa, 0.08, 150.0},
    {"kroupa", kroupa, 0.01, 100.0}, /* all three segments */
    {"kroupa", kroupa, 0.1, 0.4},    /* inside one segment */
    {"kroupa", kroupa, 0.3, 20.0},   /* across the 0.5 break only */
    {"salpeter", salpeter, 0.1, 100.0},
    {"salpeter", salpeter, 0.5, 150.0},
};

START_TEST(test_imf_moments)
{
    const imf_case *c = &CASES[_i];
    nb_imf f;
    nb_error err;
    nb_error_clear(&err);
    ck_assert_msg(nb_imf_init(&f, c->name, c->m_min, c->m_max, &err) == NB_OK, "%s", err.msg);
    long double z = moment(c->xi, 0, c->m_min, c->m_max);
    long double mean = moment(c->xi, 1, c->m_min, c->m_max) / z;
    long double msq = moment(c->xi, 2, c->m_min, c->m_max) / z;
    long double above = c->m_max > 1.0 ? moment(c->xi, 0, fmax(1.0, c->m_min), c->m_max) / z
                                       : 0.0L;
    nb_rng r;
    nb_rng_seed(&r, 2026);
    double sum = 0.0, lo = HUGE_VAL, hi = 0.0;
    size_t nabove = 0;
    for (int i = 0; i < NDRAW; i++) {
        double m = nb_imf_draw(&f, &r);
        sum += m;
        nabove += m > 1.0;
        lo = fmin(lo, m);
        hi = fmax(hi, m);
    }
    ck_assert_msg(lo >= c->m_min && hi <= c->m_max, "%s [%g, %g]: a draw in [%g, %g]",
                  c->name, c->m_min, c->m_max, lo, hi);
    double smean = sum / NDRAW, sig = sqrt((double)(msq - mean * mean) / NDRAW);
    double frac = (double)nabove / NDRAW;
    double sigf = sqrt((double)(above * (1.0L - above)) / NDRAW);
    printf("%-8s [%5g, %5g]: mean %.5f (analytic %.5Lf, %.1f sigma), above 1 Msun %.5f "
           "(%.5Lf, %.1f sigma)\n", c->name, c->m_min, c->m_max, smean, mean,
           (smean - (double)mean) / sig, frac, above,
           sigf > 0 ? (frac - (double)above) / sigf : 0.0);
    ck_assert_msg(fabs(smean - (double)mean) <= NSIGMA * sig, "%s: mean %.6f vs %.6Lf",
                  c->name, smean, mean);
    if (above > 0.0L)
        ck_assert_msg(fabs(frac - (double)above) <= NSIGMA * sigf + 1e-12,
                      "%s: fraction above 1 Msun %.6f vs %.6Lf", c->name, frac, above);
    else
        ck_assert_uint_eq(nabove, 0);
}
END_TEST

/* The quadrature itself against a closed form: Salpeter's mean mass on [lo, hi] is
 * (1.35 / 0.35) (lo^-0.35 - hi^-0.35) / (lo^-1.35 - hi^-1.35). */
START_TEST(test_quadrature)
{
    long double lo = 0.1L, hi = 100.0L;
    long double closed = (1.35L / 0.35L) * (powl(lo, -0.35L) - powl(hi, -0.35L)) /
                         (powl(lo, -1.35L) - powl(hi, -1.35L));
    long double quad = moment(salpeter, 1, lo, hi) / moment(salpeter, 0, lo, hi);
    ck_assert_msg(fabsl(quad / closed - 1.0L) < 1e-12L, "%.15Lg vs %.15Lg", quad, closed);
}
END_TEST

START_TEST(test_imf_refused)
{
    nb_imf f;
    nb_error err;
    const struct { const char *name; double lo, hi; } bad[] = {
        {"kroupa", 1.0, 1.0}, {"kroupa", 2.0, 1.0}, {"salpeter", 0.0, 10.0},
        {"salpeter", -1.0, 10.0}, {"kroupa", 0.1, HUGE_VAL}, {"kroupa", NAN, 1.0},
        {"chabrier", 0.1, 1.0}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        nb_error_clear(&err);
        ck_assert_msg(nb_imf_init(&f, bad[k].name, bad[k].lo, bad[k].hi, &err) ==
                      NB_ERR_INPUT, "%s [%g, %g] accepted", bad[k].name, bad[k].lo, bad[k].hi);
        ck_assert(strstr(err.msg, "mass_function") != NULL);
    }
    /* "equal" (and NULL) ignore the limits */
    ck_assert_int_eq(nb_imf_init(&f, "equal", 5.0, 1.0, &err), NB_OK);
    ck_assert(f.equal);
    ck_assert_int_eq(nb_imf_init(&f, NULL, 5.0, 1.0, &err), NB_OK);
    ck_assert(f.equal);
}
END_TEST

/* ---- in generated initial conditions ---- */

static int generate(nb_ics_params ip, nb_particles *p, nb_error *err)
{
    nb_error_clear(err);
    return nb_ics_generate(&ip, p, err);
}

static nb_ics_params params(const char *type, size_t n, const char *mf, double mass)
{
    nb_ics_params ip;
    memset(&ip, 0, sizeof ip);
    nb_ics_params_defaults(&ip);
    ip.type = type;
    ip.n = n;
    ip.seed = 17;
    ip.G = 4.30091e-3; /* pc (km/s)^2 / Msun */
    ip.scale_radius = 1.5;
    ip.mass_function = mf;
    ip.mass = mass;
    return ip;
}

/* Kinetic and exact unsoftened potential energy, summed in long double here. */
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

static long double momentum(const nb_particles *p, const double *v, long double *scale)
{
    long double s = 0.0L, a = 0.0L;
    for (size_t i = 0; i < p->n; i++) {
        s += (long double)p->m[i] * v[i];
        a += fabsl((long double)p->m[i] * v[i]);
    }
    *scale = a;
    return s;
}

START_TEST(test_ics_spectrum)
{
    const char *types[] = {"plummer", "hernquist"};
    const char *type = types[_i];
    const size_t n = 1500;
    const double M = 2500.0;
    nb_particles eq, eqm, drawn, scaled;
    nb_error err;
    ck_assert_msg(generate(params(type, n, "equal", 0.0), &eq, &err) == NB_OK, "%s", err.msg);
    ck_assert_msg(generate(params(type, n, "equal", M), &eqm, &err) == NB_OK, "%s", err.msg);
    ck_assert_msg(generate(params(type, n, "kroupa", 0.0), &drawn, &err) == NB_OK, "%s",
                  err.msg);
    ck_assert_msg(generate(params(type, n, "kroupa", M), &scaled, &err) == NB_OK, "%s",
                  err.msg);
    /* positions as for equal masses of the same total, bit for bit */
    ck_assert(!memcmp(eq.x, drawn.x, n * sizeof(double)));
    ck_assert(!memcmp(eqm.z, scaled.z, n * sizeof(double)));
    /* masses as drawn (within the limits, not all equal), or scaled to M */
    long double sum = 0.0L, sums = 0.0L;
    double lo = HUGE_VAL, hi = 0.0;
    for (size_t i = 0; i < n; i++) {
        sum += drawn.m[i];
        sums += scaled.m[i];
        lo = fmin(lo, drawn.m[i]);
        hi = fmax(hi, drawn.m[i]);
        ck_assert_msg(fabs(scaled.m[i] / drawn.m[i] - scaled.m[0] / drawn.m[0]) < 1e-14,
                      "particle %zu: scaled mass out of proportion", i);
    }
    ck_assert_msg(lo >= 0.08 && hi <= 150.0 && hi > 2.0 * lo, "masses in [%g, %g]", lo, hi);
    ck_assert_msg(fabsl(sums / M - 1.0L) < 1e-13L, "total %.17Lg, asked %g", sums, M);
    printf("%s kroupa N = %zu: drawn total %.3Lf Msun\n", type, n, sum);
    const nb_particles *sets[] = {&drawn, &scaled};
    for (int k = 0; k < 2; k++) {
        long double T, W, scale;
        energies(sets[k], 4.30091e-3, &T, &W);
        ck_assert_msg(fabsl(2.0L * T / -W - 1.0L) < 1e-12L, "%s: 2T/|W| = %.15Lg", type,
                      2.0L * T / -W);
        const double *v[3] = {sets[k]->vx, sets[k]->vy, sets[k]->vz};
        for (int d = 0; d < 3; d++) {
            long double pd = momentum(sets[k], v[d], &scale);
            ck_assert_msg(fabsl(pd) < 1e-13L * scale, "%s: momentum %Lg of %Lg", type, pd,
                          scale);
        }
    }
    nb_particles_free(&eq);
    nb_particles_free(&eqm);
    nb_particles_free(&drawn);
    nb_particles_free(&scaled);
}
END_TEST

/* Hernquist's black hole keeps its mass and stays at rest; the stars take the spectrum. */
START_TEST(test_ics_spectrum_black_hole)
{
    nb_ics_params ip = params("hernquist", 800, "salpeter", 1000.0);
    ip.central_mass = 30.0;
    nb_particles p;
    nb_error err;
    ck_assert_msg(generate(ip, &p, &err) == NB_OK, "%s", err.msg);
    ck_assert(p.m[0] == 30.0 && p.x[0] == 0.0 && p.vx[0] == 0.0 && p.vz[0] == 0.0);
    long double stars = 0.0L;
    for (size_t i = 1; i < p.n; i++)
        stars += p.m[i];
    ck_assert_msg(fabsl(stars / 1000.0L - 1.0L) < 1e-13L, "stars weigh %.17Lg", stars);
    long double T, W;
    energies(&p, ip.G, &T, &W);
    ck_assert_msg(fabsl(2.0L * T / -W - 1.0L) < 1e-12L, "2T/|W| = %.15Lg", 2.0L * T / -W);
    nb_particles_free(&p);
}
END_TEST

/* A cold sphere stays cold; the tutorial's blob at rest takes the spectrum's masses. */
START_TEST(test_ics_spectrum_cold)
{
    const char *types[] = {"uniform_sphere", "gaussian"};
    for (int k = 0; k < 2; k++) {
        nb_particles p;
        nb_error err;
        ck_assert_msg(generate(params(types[k], 500, "salpeter", 0.0), &p, &err) == NB_OK,
                      "%s", err.msg);
        for (size_t i = 0; i < p.n; i++) {
            ck_assert(p.vx[i] == 0.0 && p.vy[i] == 0.0 && p.vz[i] == 0.0);
            ck_assert(p.m[i] >= 0.08 && p.m[i] <= 150.0);
        }
        nb_particles_free(&p);
    }
}
END_TEST

START_TEST(test_ics_spectrum_refused)
{
    nb_particles p;
    nb_error err;
    nb_ics_params ip = params("plummer", 100, "kroupa", 0.0);
    ip.m_min = 2.0;
    ip.m_max = 2.0;
    ck_assert_int_eq(generate(ip, &p, &err), NB_ERR_INPUT);
    ck_assert_msg(strstr(err.msg, "m_min") != NULL, "%s", err.msg);
    ip = params("plummer", 100, "kroupa", 0.0);
    ip.mass_function = "topheavy";
    ck_assert_int_eq(generate(ip, &p, &err), NB_ERR_INPUT);
    ck_assert_msg(strstr(err.msg, "topheavy") != NULL, "%s", err.msg);
    ip = params("two_body", 2, "kroupa", 0.0);
    ip.scale_radius = 0.0;
    ck_assert_int_eq(generate(ip, &p, &err), NB_ERR_INPUT);
    ck_assert_msg(strstr(err.msg, "two_body") != NULL, "%s", err.msg);
}
END_TEST

/* Platform-independent bits: digests (FNV-1a over x, y, z, vx, vy, vz, m) of sets with a
 * spectrum, the same at -O0, -O3 -mno-avx and -O3 -march=native (AVX-512), on 1 and 2
 * threads, when written; and the same here on 1 and 3 threads. */
static const struct {
    const char *type, *mf;
    int scaled;
    uint64_t digest;
} SPECTRUM_BITS[] = {
    {"plummer", "kroupa", 0, 0xfc5006a968b8106cULL},
    {"plummer", "kroupa", 1, 0x1d8fb7e67b71b71bULL},
    {"hernquist", "salpeter", 1, 0x047a2918fb9d18adULL},
};

static uint64_t digest(const nb_particles *p)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    const double *f[] = {p->x, p->y, p->z, p->vx, p->vy, p->vz, p->m};
    for (int k = 0; k < 7; k++) {
        const unsigned char *c = (const unsigned char *)f[k];
        for (size_t i = 0; i < p->n * sizeof(double); i++) {
            h ^= c[i];
            h *= 0x100000001b3ULL;
        }
    }
    return h;
}

START_TEST(test_spectrum_bits)
{
    nb_ics_params ip;
    memset(&ip, 0, sizeof ip);
    nb_ics_params_defaults(&ip);
    ip.type = SPECTRUM_BITS[_i].type;
    ip.n = 1003;
    ip.seed = 77;
    ip.G = 4.30091e-3;
    ip.mass_function = SPECTRUM_BITS[_i].mf;
    ip.mass = SPECTRUM_BITS[_i].scaled ? 5000.0 : 0.0;
    ip.scale_radius = SPECTRUM_BITS[_i].scaled ? 1.7 : 0.0;
    ip.central_mass = strcmp(ip.type, "hernquist") ? 0.0 : 20.0;
    uint64_t h[2];
    for (int t = 0; t < 2; t++) {
#ifdef _OPENMP
        omp_set_num_threads(t ? 3 : 1);
#endif
        nb_particles p;
        nb_error err;
        ck_assert_msg(generate(ip, &p, &err) == NB_OK, "%s", err.msg);
        h[t] = digest(&p);
        nb_particles_free(&p);
    }
    ck_assert_msg(h[0] == h[1], "%s: 1 and 3 threads differ", ip.type);
    ck_assert_msg(h[0] == SPECTRUM_BITS[_i].digest, "%s %s: digest %016llx, expected %016llx",
                  ip.type, ip.mass_function, (unsigned long long)h[0],
                  (unsigned long long)SPECTRUM_BITS[_i].digest);
}
END_TEST

static Suite *imf_suite(void)
{
    Suite *s = suite_create("imf");
    TCase *tc = tcase_create("sampling");
    tcase_add_loop_test(tc, test_imf_moments, 0, (int)(sizeof CASES / sizeof CASES[0]));
    tcase_add_test(tc, test_quadrature);
    tcase_add_test(tc, test_imf_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("ics");
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_ics_spectrum, 0, 2);
    tcase_add_test(tc, test_ics_spectrum_black_hole);
    tcase_add_test(tc, test_ics_spectrum_cold);
    tcase_add_test(tc, test_ics_spectrum_refused);
    tcase_add_loop_test(tc, test_spectrum_bits, 0,
                        (int)(sizeof SPECTRUM_BITS / sizeof SPECTRUM_BITS[0]));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(imf_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
