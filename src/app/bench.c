/* `nbody bench`: times registered force kernels on the seed's gaussian set-up (or a Plummer
 * sphere), best of several repeats after a warm-up, one output line per (kernel, N, threads)
 * case, per opening angle for the kernels that own gravity.opening_angle with their force
 * error (per force accuracy under --opening relative), with --active a sub-step's
 * evaluation of a fraction of the targets, and with
 * --potential the exact potential energy the diagnostics log. */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif
#include "app/bench.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/comm.h"
#include "core/error.h"
#include "physics/ics.h"
#include "gravity/force.h"
#include "gravity/kernels.h"
#include "gravity/pairwise.h"
#include "gravity/potential.h"
#include "core/threads.h"
#include "core/particles.h"

#define MAX_CASES 64
#define BENCH_SEED 42

typedef struct bench_opts {
    const nb_kernel *kernels[MAX_CASES];
    size_t nkernels;
    size_t n[MAX_CASES];
    size_t nn;
    int threads[MAX_CASES];
    size_t nthreads;
    int repeats;
    int neighbours;
    double theta[MAX_CASES]; /* gravity.opening_angle, one case each (its owners) */
    size_t ntheta;
    int relative[2];         /* --opening: geometric (0) and/or relative (1) cases */
    size_t nopening;
    double alpha[MAX_CASES]; /* gravity.force_accuracy, one relative case each */
    size_t nalpha;
    const char *ics;         /* "gaussian" or "plummer" */
    int help;
    int potential; /* --potential: also time nb_potential_energy */
    double active; /* --active: the fraction of targets of a sub-step's evaluation, or 0 */
} bench_opts;

/* The kernel key --opening-angle sets, and whose owners report their force error. */
#define THETA_KEY "opening_angle"
/* Its owners' opening test and the relative test's alpha (--opening, --force-accuracy). */
#define OPENING_KEY "opening"
#define ALPHA_KEY "force_accuracy"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define USAGE                                                                              \
    "nbody bench [--kernel NAME]... [--n N]... [--threads T]... [--repeats R] [--neighbours K]" \
    " [--ics gaussian|plummer] [--opening-angle THETA]... [--opening geometric|relative]..." \
    " [--force-accuracy ALPHA]... [--active FRACTION] [--potential]"

static int usage(const char *fmt, const char *arg)
{
    fputs("nbody bench: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (usage: " USAGE ")\n", stderr);
    return NB_ERR_INPUT;
}

/* A whole decimal number in [lo, hi], or -1. */
static long long parse_count(const char *s, long long lo, long long hi)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    return v;
}

/* A number x with 0 < x <= hi, the whole of s, into *x; -1 otherwise. */
static int parse_positive(const char *s, double hi, double *x)
{
    char *end;
    double v = strtod(s, &end);
    if (*end || end == s || !(v > 0.0 && v <= hi))
        return -1;
    *x = v;
    return 0;
}

/* One value of a repeatable numeric option opt: val in (0, hi] appended to list (count
 * values so far, MAX_CASES at most); bad is the usage message when it is not (its %s the
 * value). NB_OK, or NB_ERR_INPUT with the message printed. */
static int add_number(const char *opt, const char *val, double hi, const char *bad,
                      double *list, size_t *count)
{
    double x;
    if (parse_positive(val, hi, &x))
        return usage(bad, val);
    if (*count == MAX_CASES)
        return usage("too many values for %s", opt);
    list[(*count)++] = x;
    return NB_OK;
}

static int parse_args(int argc, char **argv, bench_opts *o)
{
    memset(o, 0, sizeof *o);
    o->repeats = 5;
    o->neighbours = 16;
    o->ics = "gaussian";
    for (int a = 1; a < argc; a++) {
        const char *opt = argv[a];
        if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
            o->help = 1;
            return NB_OK;
        }
        if (!strcmp(opt, "--potential")) {
            o->potential = 1;
            continue;
        }
        int known = !strcmp(opt, "--kernel") || !strcmp(opt, "--n") ||
                    !strcmp(opt, "--threads") || !strcmp(opt, "--repeats") ||
                    !strcmp(opt, "--neighbours") || !strcmp(opt, "--ics") ||
                    !strcmp(opt, "--opening-angle") || !strcmp(opt, "--active") ||
                    !strcmp(opt, "--opening") || !strcmp(opt, "--force-accuracy");
        if (!known)
            return usage("unknown argument '%s'", opt);
        if (a + 1 >= argc)
            return usage("%s needs a value", opt);
        const char *val = argv[++a];
        long long v;
        if (!strcmp(opt, "--kernel")) {
            const nb_kernel *k = nb_kernel_find(val);
            if (!k) {
                fprintf(stderr, "nbody bench: unknown kernel '%s' (expected one of: %s)\n",
                        val, nb_kernel_names());
                return NB_ERR_INPUT;
            }
            if (o->nkernels == MAX_CASES)
                return usage("too many values for %s", opt);
            o->kernels[o->nkernels++] = k;
        } else if (!strcmp(opt, "--n")) {
            if ((v = parse_count(val, 2, 100000000)) < 0)
                return usage("--n wants a whole number from 2 to 100000000, not '%s'", val);
            if (o->nn == MAX_CASES)
                return usage("too many values for %s", opt);
            o->n[o->nn++] = (size_t)v;
        } else if (!strcmp(opt, "--threads")) {
            if ((v = parse_count(val, 1, 4096)) < 0)
                return usage("--threads wants a whole number from 1 to 4096, not '%s'", val);
            if (o->nthreads == MAX_CASES)
                return usage("too many values for %s", opt);
            o->threads[o->nthreads++] = (int)v;
        } else if (!strcmp(opt, "--repeats")) {
            if ((v = parse_count(val, 1, 1000000)) < 0)
                return usage("--repeats wants a whole number from 1 to 1000000, not '%s'", val);
            o->repeats = (int)v;
        } else if (!strcmp(opt, "--ics")) {
            if (strcmp(val, "gaussian") && strcmp(val, "plummer"))
                return usage("--ics wants gaussian or plummer, not '%s'", val);
            o->ics = val;
        } else if (!strcmp(opt, "--active")) {
            if (parse_positive(val, 1.0, &o->active))
                return usage("--active wants a fraction with 0 < f <= 1, not '%s'", val);
        } else if (!strcmp(opt, "--opening")) {
            int rel = !strcmp(val, "relative");
            if (!rel && strcmp(val, "geometric"))
                return usage("--opening wants geometric or relative, not '%s'", val);
            if (o->nopening == 2)
                return usage("too many values for %s", opt);
            o->relative[o->nopening++] = rel;
        } else if (!strcmp(opt, "--force-accuracy")) {
            if (add_number(opt, val, 1.0,
                           "--force-accuracy wants a number with 0 < alpha <= 1, not '%s'",
                           o->alpha, &o->nalpha))
                return NB_ERR_INPUT;
        } else if (!strcmp(opt, "--opening-angle")) {
            if (add_number(opt, val, 1.5,
                           "--opening-angle wants a number with 0 < theta <= 1.5, not '%s'",
                           o->theta, &o->ntheta))
                return NB_ERR_INPUT;
        } else {
            if ((v = parse_count(val, 1, 1000000)) < 0)
                return usage("--neighbours wants a whole number from 1 to 1000000, not '%s'",
                             val);
            o->neighbours = (int)v;
        }
    }
    /* defaults: every registered kernel, N = 4096, one thread and all of them */
    if (!o->nkernels) {
        size_t count;
        const nb_kernel *const *list = nb_kernel_list(&count);
        for (size_t k = 0; k < count && k < MAX_CASES; k++)
            o->kernels[o->nkernels++] = list[k];
    }
    if (!o->nn)
        o->n[o->nn++] = 4096;
    if (!o->ntheta) {
        const nb_kernel *owner;
        const nb_kernel_key *key = nb_kernel_key_find(THETA_KEY, &owner);
        o->theta[o->ntheta++] = key ? key->def : 0.5;
    }
    if (!o->nopening)
        o->relative[o->nopening++] = 0;
    if (!o->nalpha) {
        const nb_kernel_key *key = nb_kernel_key_find(ALPHA_KEY, NULL);
        o->alpha[o->nalpha++] = key ? key->def : 0.005;
    }
    if (!o->nthreads) {
        o->threads[o->nthreads++] = 1;
        if (nb_threads(0) > 1)
            o->threads[o->nthreads++] = nb_threads(0);
    }
    return NB_OK;
}

/* Quick evaluations are repeated beyond `repeats` until this much time has been timed
 * (at most MAX_REPEATS times): a best-of over many runs shrugs off other processes. */
#define MIN_TIMED_SECONDS 0.5
#define MAX_REPEATS 1000

/* Targets of the error estimate: this many, evenly strided over the particle indices
 * (which the set-ups fill in random order), each summed exactly over all N sources. */
#define ERR_TARGETS 1000

/* Median over the strided targets of |a - a_exact| / |a_exact| (G = 1, eps = 0). */
static double median_force_error(const nb_particles *p)
{
    size_t n = p->n, nt = n < ERR_TARGETS ? n : ERR_TARGETS;
    double *e = malloc(nt * sizeof *e);
    if (!e)
        return NAN;
#pragma omp parallel for schedule(dynamic, 8)
    for (size_t k = 0; k < nt; k++) {
        size_t i = k * n / nt;
        double xi = p->x[i], yi = p->y[i], zi = p->z[i], ax = 0.0, ay = 0.0, az = 0.0;
#pragma omp simd reduction(+ : ax, ay, az)
        for (size_t j = 0; j < n; j++) {
            double dx = p->x[j] - xi, dy = p->y[j] - yi, dz = p->z[j] - zi;
            double r2 = dx * dx + dy * dy + dz * dz;
            double ri = r2 > 0.0 ? 1.0 / sqrt(r2) : 0.0, w = p->m[j] * ri * ri * ri;
            ax += w * dx;
            ay += w * dy;
            az += w * dz;
        }
        double ex = p->ax[i] - ax, ey = p->ay[i] - ay, ez = p->az[i] - az;
        e[k] = sqrt((ex * ex + ey * ey + ez * ez) / (ax * ax + ay * ay + az * az));
    }
    for (size_t a = 1; a < nt; a++) /* insertion sort: 1000 values */
        for (size_t b = a; b > 0 && e[b - 1] > e[b]; b--) {
            double t = e[b];
            e[b] = e[b - 1];
            e[b - 1] = t;
        }
    double med = e[nt / 2];
    free(e);
    return med;
}

/* One timed operation of the benchmark: a force evaluation, a sub-step's, or a potential
 * energy. */
typedef struct timed_op {
    nb_force *force;           /* a force evaluation of p (of all targets), or */
    const uint32_t *targets;   /* with force: the evaluation of these only (prepared), or */
    size_t nt;
    const nb_particles *p;     /* the exact potential energy of p, on */
    int threads;               /* threads */
    double *a0[3];             /* not NULL: p's accelerations before each force (untimed) */
} timed_op;

/* The accelerations each of op's forces starts from, put back (a relative opening test
 * reads them: every repeat then does the same work). */
static void restore(const timed_op *op, nb_particles *p)
{
    if (!op->a0[0])
        return;
    memcpy(p->ax, op->a0[0], p->n * sizeof *p->ax);
    memcpy(p->ay, op->a0[1], p->n * sizeof *p->ay);
    memcpy(p->az, op->a0[2], p->n * sizeof *p->az);
}

static int run_op(const timed_op *op, nb_particles *p, nb_error *err)
{
    double w;
    if (op->force && op->targets)
        return nb_force_evaluate(op->force, p, op->targets, op->nt, NULL, err);
    if (op->force)
        return nb_force_compute(op->force, p, NULL, err);
    return nb_potential_energy_ranks(op->p, 1.0, 0.0, op->threads, &w, err);
}

/* Best wall time of op after one untimed warm-up (done by the caller), at least `repeats`
 * times and MIN_TIMED_SECONDS in all. Under MPI (mpirun -np P nbody bench) every call is
 * the distributed one and rank 0's clock decides how many run (every rank must run as
 * many). */
static int time_op(const timed_op *op, nb_particles *p, int repeats, double *best,
                   nb_error *err)
{
    double timed = 0.0;
    int rc = NB_OK;
    *best = -1.0;
    for (int r = 0; !rc; r++) {
        int more = r < repeats || (timed < MIN_TIMED_SECONDS && r < MAX_REPEATS);
        nb_comm_bcast(&more, sizeof more);
        if (!more)
            break;
        restore(op, p);
        double t0 = now_seconds();
        rc = run_op(op, p, err);
        double t = now_seconds() - t0;
        timed += t;
        if (*best < 0.0 || t < *best)
            *best = t;
    }
    if (*best <= 0.0)
        *best = 1e-9; /* below the clock's resolution */
    return rc;
}

/* A kernel's force evaluations; *bytes is what rank 0 sent and received per evaluation.
 * With active > 0, *sub is the best time of evaluating every (1/active)-th particle
 * (prepared once before), a sub-step's cost; its results are put back by a last full
 * evaluation, so p holds the all-targets accelerations. With a kernel that reads the
 * previous accelerations (the tree's relative test), one untimed evaluation with its
 * geometric test at the same opening angle fills them, and every timed one starts from
 * them. */
static int time_case(const nb_kernel *kernel, nb_particles *p, const nb_kernel_params *kp,
                     int repeats, double active, double *best, double *bytes, double *sub,
                     double *per_target, nb_error *err)
{
    nb_force f;
    timed_op op = {.force = &f};
    int rc = NB_OK;
    if (nb_kernel_reads_accel(kernel, kp)) {
        nb_kernel_params gk = *kp;
        if (!(rc = nb_kernel_set(&gk, OPENING_KEY, 0, err)) &&
            !(rc = nb_force_init(&f, kernel->name, &gk, p->n, err))) {
            rc = nb_force_compute(&f, p, NULL, err);
            nb_force_free(&f);
        }
        for (int c = 0; c < 3 && !rc; c++)
            if (!(op.a0[c] = nb_alloc_doubles(p->n)))
                rc = nb_fail(err, NB_ERR_RUNTIME, "out of memory for %zu accelerations", p->n);
        if (!rc) {
            memcpy(op.a0[0], p->ax, p->n * sizeof *p->ax);
            memcpy(op.a0[1], p->ay, p->n * sizeof *p->ay);
            memcpy(op.a0[2], p->az, p->n * sizeof *p->az);
        }
    }
    if (!rc)
        rc = nb_force_init(&f, kernel->name, kp, p->n, err);
    if (rc) {
        for (int c = 0; c < 3; c++)
            free(op.a0[c]);
        return rc;
    }
    double b0 = nb_comm_bytes();
    restore(&op, p);
    rc = run_op(&op, p, err); /* warm-up */
    *bytes = nb_comm_bytes() - b0;
    if (!rc)
        rc = time_op(&op, p, repeats, best, err);
    if (!rc && active > 0.0) {
        size_t nt = (size_t)ceil(active * (double)p->n), stride = p->n / nt;
        uint32_t *t = malloc(nt * sizeof *t);
        if (!t)
            rc = nb_fail(err, NB_ERR_RUNTIME, "out of memory for %zu targets", nt);
        for (size_t k = 0; t && k < nt; k++)
            t[k] = (uint32_t)(k * stride);
        timed_op sop = {.force = &f, .targets = t, .nt = nt,
                        .a0 = {op.a0[0], op.a0[1], op.a0[2]}};
        restore(&sop, p);
        if (!rc && !(rc = run_op(&sop, p, err))) /* warm-up */
            rc = time_op(&sop, p, repeats, sub, err);
        free(t);
        restore(&op, p);
        if (!rc)
            rc = run_op(&op, p, err);
    }
    /* the last evaluation's work, all targets (a rank counts only its own) */
    *per_target = kernel->counted && !nb_comm_active() ? kernel->counted(f.state) / (double)p->n
                                                       : -1.0;
    nb_force_free(&f);
    for (int c = 0; c < 3; c++)
        free(op.a0[c]);
    return rc;
}

/* The exact potential energy on `threads` threads (shared among the ranks under MPI, as
 * in a run's energy rows). */
static int time_potential(nb_particles *p, int threads, int repeats, double *best,
                          nb_error *err)
{
    timed_op op = {.p = p, .threads = threads};
    int rc = run_op(&op, p, err); /* warm-up */
    return rc ? rc : time_op(&op, p, repeats, best, err);
}

int nb_bench_main(int argc, char **argv)
{
    bench_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc;
    if (o.help) {
        printf("usage: " USAGE "\n"
               "Times each kernel (default: all of %s) on the gaussian (or --ics plummer)\n"
               "set-up for each N "
               "(default 4096) and thread count (default 1 and the OpenMP default): one\n"
               "warm-up, then the best of R evaluations (default 5), or of as many as fill\n"
               "half a second when they are quick. One line per case:\n"
               "kernel=NAME n=N threads=T seconds=S interactions_per_second=N*(N-1)/S\n"
               "(each of the N(N-1)/2 pairs counts twice: it acts on both particles).\n"
               "--potential (no value) adds, per N and thread count, the exact potential energy\n"
               "the energy log computes (the same tiles, potential only):\n"
               "kernel=potential n=N threads=T seconds=S interactions_per_second=N*(N-1)/S\n"
               "pairs_per_second=N*(N-1)/2/S\n"
               "A kernel with gravity.opening_angle runs once per --opening-angle\n"
               "(default 0.5) and adds theta=THETA median_rel_error=E: the median over 1000\n"
               "strided targets of |a - a_exact| / |a_exact|, a_exact summed directly over\n"
               "all N sources. --opening relative (its owners' gravity.opening) runs once per\n"
               "--force-accuracy ALPHA (default 0.005) instead and adds opening=relative\n"
               "alpha=ALPHA median_rel_error=E, each evaluation starting from the\n"
               "accelerations of one untimed geometric one at the first --opening-angle\n"
               "(--opening geometric --opening relative: both). The tree adds\n"
               "interactions_per_target=I (accepted nodes + particles per target).\n"
               "--active F adds active=F active_seconds=S active_ratio=S/seconds: the best\n"
               "time of evaluating every (1/F)-th particle alone (a sub-step with a fraction\n"
               "F of the particles active), the sources prepared once before.\n"
               "Under mpirun (MPI build) each evaluation is spread over the P ranks and\n"
               "the line adds ranks=P comm_bytes=B (bytes rank 0 sends and receives per\n"
               "evaluation); threads are per rank.\n",
               nb_kernel_names());
        return NB_OK;
    }
    printf("# nbody bench: %s set-up, seed %d, G = 1, eps = 0, double precision, "
           "simd path %s, best of >= %d after a warm-up\n",
           o.ics, BENCH_SEED, nb_simd_name(nb_simd_best()), o.repeats);
    fflush(stdout);
    for (size_t in = 0; in < o.nn; in++) {
        size_t n = o.n[in];
        nb_error err;
        nb_error_clear(&err);
        nb_particles p;
        nb_ics_params ip = {.type = o.ics, .n = n, .seed = BENCH_SEED, .G = 1.0};
        if ((rc = nb_ics_generate(&ip, &p, &err))) {
            fprintf(stderr, "nbody bench: %s\n", err.msg);
            return rc;
        }
        for (size_t ik = 0; ik < o.nkernels; ik++) {
            const nb_kernel *kernel = o.kernels[ik];
            /* a one-thread kernel is timed once, as threads=1 */
            const nb_kernel *owner = NULL;
            nb_kernel_key_find(THETA_KEY, &owner);
            int serial = !kernel->threaded, angled = owner == kernel;
            int opens = angled && nb_kernel_key_find(OPENING_KEY, NULL);
            /* the opening tests: each theta (geometric), each alpha (relative) */
            size_t nvar = 0;
            for (size_t io = 0; io < (opens ? o.nopening : 1); io++) {
                int rel = opens && o.relative[io];
                nvar += !angled ? 1 : rel ? o.nalpha : o.ntheta;
            }
            size_t nthr = serial ? 1 : o.nthreads, cases = nthr * nvar;
            for (size_t ic = 0; ic < cases; ic++) {
                int threads = serial ? 1 : o.threads[ic % nthr];
                /* case v of the variants: the thetas of a geometric --opening, then the
                 * alphas of a relative one, in --opening's order */
                size_t v = ic / nthr;
                int rel = 0;
                for (size_t io = 0; opens && io < o.nopening; io++) {
                    size_t len = o.relative[io] ? o.nalpha : o.ntheta;
                    if (v < len) {
                        rel = o.relative[io];
                        break;
                    }
                    v -= len;
                }
                nb_kernel_params kp;
                nb_kernel_params_defaults(&kp);
                kp.G = 1.0;
                kp.eps = 0.0;
                kp.threads = threads;
                double theta = !angled ? 0.0 : rel ? o.theta[0] : o.theta[v];
                double alpha = rel ? o.alpha[v] : 0.0;
                /* the options set the keys of the kernels that own them */
                if (nb_kernel_key_find("neighbours", NULL))
                    rc = nb_kernel_set(&kp, "neighbours", o.neighbours, &err);
                if (!rc && angled)
                    rc = nb_kernel_set(&kp, THETA_KEY, theta, &err);
                if (!rc && rel && !(rc = nb_kernel_set(&kp, OPENING_KEY, 1, &err)))
                    rc = nb_kernel_set(&kp, ALPHA_KEY, alpha, &err);
                double best, bytes, sub = 0.0, per_target;
                if (rc || (rc = time_case(kernel, &p, &kp, o.repeats, o.active, &best, &bytes,
                                          &sub, &per_target, &err))) {
                    fprintf(stderr, "nbody bench: kernel %s, n = %zu: %s\n", kernel->name, n,
                            err.msg);
                    nb_particles_free(&p);
                    return rc;
                }
                double pairs = (double)n * (double)(n - 1);
                printf("kernel=%s n=%zu threads=%d seconds=%.6g interactions_per_second=%.4e",
                       kernel->name, n, threads, best, pairs / best);
                if (kernel->interactions) /* what the kernel really computes */
                    printf(" computed_interactions_per_second=%.4e",
                           nb_kernel_interactions(kernel, &kp, n) / best);
                if (angled && rel) /* p holds this case's accelerations */
                    printf(" opening=relative alpha=%g median_rel_error=%.3e", alpha,
                           median_force_error(&p));
                else if (angled)
                    printf(" theta=%g median_rel_error=%.3e", theta, median_force_error(&p));
                if (per_target >= 0.0)
                    printf(" interactions_per_target=%.0f", per_target);
                if (o.active > 0.0)
                    printf(" active=%g active_seconds=%.6g active_ratio=%.4f", o.active, sub,
                           sub / best);
                if (nb_comm_active())
                    printf(" ranks=%d comm_bytes=%.0f", nb_comm_size(), bytes);
                putchar('\n');
                fflush(stdout);
            }
        }
        for (size_t it = 0; o.potential && it < o.nthreads; it++) {
            double best;
            if ((rc = time_potential(&p, o.threads[it], o.repeats, &best, &err))) {
                fprintf(stderr, "nbody bench: potential, n = %zu: %s\n", n, err.msg);
                nb_particles_free(&p);
                return rc;
            }
            double pairs = (double)n * (double)(n - 1) / 2.0;
            printf("kernel=potential n=%zu threads=%d seconds=%.6g "
                   "interactions_per_second=%.4e pairs_per_second=%.4e\n",
                   n, o.threads[it], best, 2.0 * pairs / best, pairs / best);
            fflush(stdout);
        }
        nb_particles_free(&p);
    }
    return NB_OK;
}
