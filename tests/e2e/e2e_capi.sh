#!/bin/sh
# End to end: the installed C API. `make install prefix=TMP` from the build tree, then
# programs built against it through pkg-config only (docs/api_example.c and a check
# program): accelerations and potentials against a long-double direct sum, target lists
# against the whole, errors as statuses and messages, the choice key "opening" set and read
# by name, a snapshot written and read back.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
BUILD=$(dirname "$NBODY")
PREFIX="$TMP/prefix"
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
if ! command -v "$PKG_CONFIG" >/dev/null 2>&1; then
    echo "SKIP: no pkg-config"; exit 77
fi
${MAKE:-make} -C "$BUILD" install prefix="$PREFIX" >"$TMP/install.log" 2>&1
check "make install prefix=TMP exits 0" [ $? -eq 0 ]
check "the header, the library and nbody.pc are installed" \
    [ -f "$PREFIX/include/nbody.h" -a -f "$PREFIX/lib/pkgconfig/nbody.pc" \
      -a -e "$PREFIX/lib/libnbody.so" ]
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
FLAGS=$("$PKG_CONFIG" --cflags --libs nbody)
check "pkg-config --cflags --libs nbody names the prefix" \
    sh -c "echo '$FLAGS' | grep -q -- '-I$PREFIX/include' && echo '$FLAGS' | grep -q -- '-lnbody'"
check "pkg-config --modversion nbody is the package version" \
    [ "$("$PKG_CONFIG" --modversion nbody)" = "$("$NBODY" --version | sed 's/^nbody //')" ]
export LD_LIBRARY_PATH="$PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# ${SAN_CFLAGS}: a sanitized library needs its runtime linked into the program
# shellcheck disable=SC2086
$CC -std=c11 ${SAN_CFLAGS:-} "$SRCDIR/docs/api_example.c" $FLAGS -o "$TMP/example" \
    2>"$TMP/cc.log"
check "docs/api_example.c builds against the installed library" [ $? -eq 0 ]
"$TMP/example" >"$TMP/example.out" 2>&1
check "the example runs" [ $? -eq 0 ]
# two bodies at distance 2, masses 3 and 1, G = 1: a0 = 1/4, a1 = -3/4, pot0 = -1/2, pot1 = -3/2
check "the example prints the two-body values" grep -q \
    "particle 1: acc = (-0.75, 0, 0), pot = -1.5" "$TMP/example.out"
check "the example's library is the installed one" \
    sh -c "ldd '$TMP/example' | grep -q '$PREFIX/lib/libnbody.so'"
check "only nbody_ names are exported" \
    sh -c "nm -D --defined-only '$PREFIX/lib/libnbody.so' | awk '{print \$3}' | grep -v '^nbody_' | grep -qv '^_' && exit 1 || exit 0"

cat >"$TMP/capi_check.c" <<'C'
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <nbody.h>
#define N 600
static int fails;
static void ok(int cond, const char *what)
{
    printf("%s - %s\n", cond ? "ok" : "FAIL", what);
    fails += !cond;
}
static double pos[N][3], vel[N][3], mass[N], acc[N][3], pot[N], ref[N][3], refpot[N];
static unsigned long long seed = 12345;
static double uniform(void)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(seed >> 11) / 9007199254740992.0;
}
/* G sum_j m_j (r_j - r_i) / (r^2 + eps^2)^1.5 in long double */
static void direct_sum(double G, double eps)
{
    for (int i = 0; i < N; i++) {
        long double a[3] = {0, 0, 0}, phi = 0;
        for (int j = 0; j < N; j++) {
            if (j == i)
                continue;
            long double d[3], r2 = (long double)eps * eps;
            for (int c = 0; c < 3; c++) {
                d[c] = (long double)pos[j][c] - pos[i][c];
                r2 += d[c] * d[c];
            }
            long double r = sqrtl(r2);
            for (int c = 0; c < 3; c++)
                a[c] += mass[j] * d[c] / (r2 * r);
            phi -= mass[j] / r;
        }
        for (int c = 0; c < 3; c++)
            ref[i][c] = (double)(G * a[c]);
        refpot[i] = (double)(G * phi);
    }
}
/* the largest |acc - ref| / |ref| and |pot - refpot| / |refpot|, and the median of the first */
static void errors(double *amax, double *amed, double *pmax)
{
    static double e[N];
    *amax = *pmax = 0;
    for (int i = 0; i < N; i++) {
        double d = 0, r = 0;
        for (int c = 0; c < 3; c++) {
            d += (acc[i][c] - ref[i][c]) * (acc[i][c] - ref[i][c]);
            r += ref[i][c] * ref[i][c];
        }
        e[i] = sqrt(d / r);
        *amax = fmax(*amax, e[i]);
        *pmax = fmax(*pmax, fabs(pot[i] - refpot[i]) / fabs(refpot[i]));
    }
    for (int i = 1; i < N; i++) /* insertion sort: N is small */
        for (int j = i; j > 0 && e[j] < e[j - 1]; j--) {
            double t = e[j]; e[j] = e[j - 1]; e[j - 1] = t;
        }
    *amed = e[N / 2];
}
int main(int argc, char **argv)
{
    nbody_error err;
    char what[256];
    for (int i = 0; i < N; i++) {
        for (int c = 0; c < 3; c++) {
            pos[i][c] = 2 * uniform() - 1;
            vel[i][c] = uniform();
        }
        mass[i] = 0.5 + uniform();
    }
    ok(!strcmp(nbody_version(), argv[1]), "nbody_version() is the package version");
    int major = -1, minor = -1, patch = -1;
    nbody_version_numbers(&major, &minor, &patch);
    snprintf(what, sizeof what, "%d.%d.%d", major, minor, patch);
    ok(!strcmp(what, argv[1]), "nbody_version_numbers agrees");
    nbody_particles *p;
    ok(nbody_particles_create(&p, N, &pos[0][0], &vel[0][0], mass, NULL, NULL, &err) == 0,
       "create a set of 600 particles");
    ok(nbody_particles_count(p) == N, "nbody_particles_count");
    const double G = 1.5, eps = 0.01;
    direct_sum(G, eps);
    const char *kernels[] = {"direct", "parallel", "tree"};
    for (int k = 0; k < 3; k++) {
        nbody_gravity *g;
        ok(nbody_gravity_create(&g, kernels[k], &err) == 0, kernels[k]);
        nbody_gravity_set(g, "G", G, &err);
        nbody_gravity_set(g, "softening", eps, &err);
        nbody_gravity_set(g, "threads", 2, &err);
        if (k == 2)
            ok(nbody_gravity_set(g, "theta", 0.4, &err) == 0, "tree: theta = 0.4");
        int rc = nbody_gravity_compute(g, p, NULL, 0, &acc[0][0], pot, &err);
        double amax, amed, pmax;
        errors(&amax, &amed, &pmax);
        printf("# %s: acceleration error max %.3g median %.3g, potential max %.3g\n",
               kernels[k], amax, amed, pmax);
        snprintf(what, sizeof what, "%s: accelerations and potentials against the "
                 "long-double sum", kernels[k]);
        ok(rc == 0 && (k < 2 ? amax < 1e-12 && pmax < 1e-13 : amed < 2e-3 && pmax < 1e-2),
           what);
        /* a list of targets: the same bits as the whole, rows in list order */
        uint32_t list[5] = {17, 3, N - 1, 0, 256};
        double sub[5][3], subpot[5];
        rc = nbody_gravity_compute(g, p, list, 5, &sub[0][0], subpot, &err);
        int same = rc == 0;
        for (int t = 0; t < 5; t++)
            same = same && !memcmp(sub[t], acc[list[t]], sizeof sub[t]) &&
                   !memcmp(&subpot[t], &pot[list[t]], sizeof(double));
        snprintf(what, sizeof what, "%s: a target list gives the whole's bits", kernels[k]);
        ok(same, what);
        nbody_gravity_free(g);
    }
    /* errors: a status and one line, nothing printed */
    nbody_gravity *g;
    ok(nbody_gravity_create(&g, "fmm", &err) == NBODY_ERR_INPUT &&
       strstr(err.message, "unknown kernel 'fmm'") && strstr(err.message, "tree"),
       "an unknown kernel: status 2 and a message naming the kernels");
    nbody_gravity_create(&g, "tree", &err);
    ok(nbody_gravity_set(g, "theta", 7, &err) == NBODY_ERR_INPUT &&
       strstr(err.message, "opening_angle"), "theta = 7: status 2 naming opening_angle");
    ok(nbody_gravity_set(g, "softening", -1, &err) == NBODY_ERR_INPUT,
       "softening = -1: status 2");
    uint32_t bad[2] = {4, N};
    ok(nbody_gravity_compute(g, p, bad, 2, &acc[0][0], NULL, &err) == NBODY_ERR_INPUT &&
       strstr(err.message, "index below N"), "a target past N: status 2");
    uint32_t twice[2] = {4, 4};
    ok(nbody_gravity_compute(g, p, twice, 2, &acc[0][0], NULL, &err) == NBODY_ERR_INPUT &&
       strstr(err.message, "twice"), "a target listed twice: status 2");
    /* the choice key "opening" by name: read back, refused names, and the bits of the
     * number's setting (the second compute: the relative test on the first's forces) */
    char name[16] = "x";
    ok(nbody_gravity_get_choice(g, "opening", name, sizeof name, &err) == 0 &&
       !strcmp(name, "geometric"), "opening reads back as 'geometric' by default");
    ok(nbody_gravity_set_choice(g, "opening", "relative", &err) == 0 &&
       nbody_gravity_get_choice(g, "opening", name, sizeof name, &err) == 0 && !strcmp(name, "relative"),
       "opening = 'relative' reads back as 'relative'");
    double num = -1;
    ok(nbody_gravity_get(g, "opening", &num, &err) == 0 && num == 1,
       "and as the number 1");
    ok(nbody_gravity_set(g, "opening", 0, &err) == 0 &&
       nbody_gravity_get_choice(g, "opening", name, sizeof name, &err) == 0 && !strcmp(name, "geometric"),
       "opening = 0 reads back as 'geometric'");
    ok(nbody_gravity_set_choice(g, "opening", "fast", &err) == NBODY_ERR_INPUT &&
       strstr(err.message, "gravity.opening") && strstr(err.message, "'fast'") &&
       strstr(err.message, "geometric or relative") &&
       nbody_gravity_get_choice(g, "opening", name, sizeof name, &err) == 0 && !strcmp(name, "geometric"),
       "opening = 'fast': status 2 naming the key, the value and the names; unchanged");
    ok(nbody_gravity_set_choice(g, "theta", "relative", &err) == NBODY_ERR_INPUT &&
       strstr(err.message, "theta") && strstr(err.message, "number") &&
       strstr(err.message, "opening"), "theta by name: status 2, a number key");
    ok(nbody_gravity_set_choice(g, "speed", "relative", &err) == NBODY_ERR_INPUT &&
       strstr(err.message, "speed") && strstr(err.message, "no kernel"),
       "an unknown key by name: status 2 naming it");
    ok(nbody_gravity_get_choice(g, "leaf_size", name, sizeof name, &err) == NBODY_ERR_INPUT &&
       !name[0], "leaf_size read as a name: status 2, an empty name");
    ok(nbody_gravity_get_choice(g, "opening", name, 5, &err) == NBODY_ERR_INPUT && !name[0] &&
       strstr(err.message, "5 bytes"), "'geometric' in 5 bytes: status 2, an empty name");
    nbody_gravity_free(g);
    {
        static double second[3][N][3];
        const char *how[3] = {"geometric", "number", "name"};
        int set_ok = 1;
        for (int h = 0; h < 3; h++) {
            nbody_particles *r;
            nbody_particles_create(&r, N, &pos[0][0], NULL, mass, NULL, NULL, &err);
            nbody_gravity_create(&g, "tree", &err);
            nbody_gravity_set(g, "theta", 0.7, &err);
            nbody_gravity_set(g, "force_accuracy", 1e-4, &err);
            if (h == 1)
                set_ok = set_ok && nbody_gravity_set(g, "opening", 1, &err) == 0;
            if (h == 2)
                set_ok = set_ok && nbody_gravity_set_choice(g, "opening", "relative", &err) == 0;
            set_ok = set_ok && nbody_gravity_compute(g, r, NULL, 0, &acc[0][0], NULL, &err) == 0
                     && nbody_gravity_compute(g, r, NULL, 0, &second[h][0][0], NULL, &err) == 0;
            printf("# opening %s: second compute a[0] = %.17g\n", how[h], second[h][0][0]);
            nbody_gravity_free(g);
            nbody_particles_free(r);
        }
        ok(set_ok && !memcmp(second[1], second[2], sizeof second[1]) &&
           memcmp(second[0], second[1], sizeof second[0]),
           "opening = 'relative' gives the bits of opening = 1 (not the geometric test's)");
    }
    double m0 = mass[9];
    mass[9] = -1;
    nbody_particles *q = NULL;
    ok(nbody_particles_create(&q, N, &pos[0][0], NULL, mass, NULL, NULL, &err) ==
           NBODY_ERR_INPUT && strstr(err.message, "particle 9") && !q,
       "a negative mass: status 2 naming the particle");
    mass[9] = m0;
    uint8_t types[3] = {1, 0, 1};
    ok(nbody_particles_create(&q, 3, &pos[0][0], NULL, mass, NULL, types, &err) ==
           NBODY_ERR_INPUT, "types out of order: status 2");
    nbody_gravity_create(&g, "knn", &err);
    nbody_particles_create(&q, 3, &pos[0][0], NULL, mass, NULL, NULL, &err);
    ok(nbody_gravity_compute(g, q, NULL, 0, &acc[0][0], NULL, &err) == NBODY_ERR_INPUT &&
       strstr(err.message, "neighbours"), "knn with 16 neighbours of 3 particles: status 2");
    nbody_gravity_free(g);
    nbody_particles_free(q);
    /* a snapshot written and read back */
    nbody_snapshot *s, *r;
    ok(nbody_snapshot_create(&s, p, &err) == 0 && nbody_snapshot_set(s, "time", 2.5, &err) == 0
       && nbody_snapshot_write(s, argv[2], 0, &err) == 0, "write a snapshot");
    ok(nbody_snapshot_read(&r, argv[2], &err) == 0, "read it back");
    double t = 0, back[N][3], bvel[N][3];
    nbody_snapshot_get(r, "time", &t, &err);
    nbody_particles_get(nbody_snapshot_particles(r), &back[0][0], &bvel[0][0], NULL, NULL,
                        NULL, NULL);
    ok(t == 2.5 && !memcmp(back, pos, sizeof pos) && !memcmp(bvel, vel, sizeof vel) &&
       !strcmp(nbody_snapshot_string(r, "kernel"), "direct"),
       "time, positions and velocities read back with their bits");
    nbody_snapshot_free(r);
    ok(nbody_snapshot_read(&r, "/nonexistent/x.h5", &err) == NBODY_ERR_INPUT &&
       strstr(err.message, "/nonexistent/x.h5"), "a missing file: status 2 naming it");
    nbody_snapshot_free(s);
    nbody_particles_free(p);
    printf("%d failed\n", fails);
    return fails != 0;
}
C
# shellcheck disable=SC2086
$CC -std=c11 ${SAN_CFLAGS:-} "$TMP/capi_check.c" $FLAGS -lm -o "$TMP/capi_check" \
    2>"$TMP/cc.log"
check "the check program builds against the installed library" [ $? -eq 0 ] ||
    cat "$TMP/cc.log"
VERSION=$("$NBODY" --version | sed 's/^nbody //')
"$TMP/capi_check" "$VERSION" "$TMP/s.h5" >"$TMP/check.out" 2>"$TMP/check.err"
rc=$?
cat "$TMP/check.out"
check "the check program's checks pass" [ "$rc" -eq 0 ]
check "the library printed nothing" [ ! -s "$TMP/check.err" ]
finish
