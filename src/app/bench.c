/* `nbody bench`: times registered force kernels on the seed's gaussian set-up, best of
 * several repeats after a warm-up, one output line per (kernel, N, threads) case. */
#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif
#include "app/bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/comm.h"
#include "core/error.h"
#include "physics/ics.h"
#include "gravity/kernels.h"
#include "gravity/pairwise.h"
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
    int help;
} bench_opts;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#define USAGE                                                                              \
    "nbody bench [--kernel NAME]... [--n N]... [--threads T]... [--repeats R] [--neighbours K]"

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

static int parse_args(int argc, char **argv, bench_opts *o)
{
    memset(o, 0, sizeof *o);
    o->repeats = 5;
    o->neighbours = 16;
    for (int a = 1; a < argc; a++) {
        const char *opt = argv[a];
        if (!strcmp(opt, "--help") || !strcmp(opt, "-h")) {
            o->help = 1;
            return NB_OK;
        }
        int known = !strcmp(opt, "--kernel") || !strcmp(opt, "--n") ||
                    !strcmp(opt, "--threads") || !strcmp(opt, "--repeats") ||
                    !strcmp(opt, "--neighbours");
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

/* Best wall time of the timed force evaluations after one untimed warm-up. Under MPI
 * (mpirun -np P nbody bench) every evaluation is the distributed one, rank 0's clock
 * decides how many run (every rank must run as many), and *bytes is what rank 0 sent
 * and received per evaluation. */
static int time_case(const nb_kernel *kernel, nb_particles *p, const nb_kernel_params *kp,
                     int repeats, double *best, double *bytes, nb_error *err)
{
    nb_force f;
    int rc = nb_force_init(&f, kernel->name, kp, p->n, err);
    if (rc)
        return rc;
    double b0 = nb_comm_bytes();
    rc = nb_force_compute(&f, p, NULL, err);
    *bytes = nb_comm_bytes() - b0;
    *best = -1.0;
    double timed = 0.0;
    for (int r = 0; !rc; r++) {
        int more = r < repeats || (timed < MIN_TIMED_SECONDS && r < MAX_REPEATS);
        nb_comm_bcast(&more, sizeof more);
        if (!more)
            break;
        double t0 = now_seconds();
        rc = nb_force_compute(&f, p, NULL, err);
        double t = now_seconds() - t0;
        timed += t;
        if (*best < 0.0 || t < *best)
            *best = t;
    }
    nb_force_free(&f);
    return rc;
}

int nb_bench_main(int argc, char **argv)
{
    bench_opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc)
        return rc;
    if (o.help) {
        printf("usage: " USAGE "\n"
               "Times each kernel (default: all of %s) on the gaussian set-up for each N\n"
               "(default 4096) and thread count (default 1 and the OpenMP default): one\n"
               "warm-up, then the best of R evaluations (default 5), or of as many as fill\n"
               "half a second when they are quick. One line per case:\n"
               "kernel=NAME n=N threads=T seconds=S interactions_per_second=N*(N-1)/S\n"
               "Under mpirun (MPI build) each evaluation is spread over the P ranks and\n"
               "the line adds ranks=P comm_bytes=B (bytes rank 0 sends and receives per\n"
               "evaluation); threads are per rank.\n",
               nb_kernel_names());
        return NB_OK;
    }
    printf("# nbody bench: gaussian set-up, seed %d, G = 1, eps = 0, double precision, "
           "simd path %s, best of >= %d after a warm-up\n",
           BENCH_SEED, nb_simd_name(nb_simd_best()), o.repeats);
    fflush(stdout);
    for (size_t in = 0; in < o.nn; in++) {
        size_t n = o.n[in];
        nb_error err;
        nb_error_clear(&err);
        nb_particles p;
        nb_ics_params ip = {.type = "gaussian", .n = n, .seed = BENCH_SEED, .G = 1.0};
        if ((rc = nb_ics_generate(&ip, &p, &err))) {
            fprintf(stderr, "nbody bench: %s\n", err.msg);
            return rc;
        }
        for (size_t ik = 0; ik < o.nkernels; ik++) {
            const nb_kernel *kernel = o.kernels[ik];
            /* a one-thread kernel is timed once, as threads=1 */
            int serial = !kernel->threaded;
            for (size_t it = 0; it < (serial ? 1 : o.nthreads); it++) {
                int threads = serial ? 1 : o.threads[it];
                nb_kernel_params kp = {
                    .G = 1.0, .eps = 0.0, .neighbours = o.neighbours, .threads = threads};
                double best, bytes;
                if ((rc = time_case(kernel, &p, &kp, o.repeats, &best, &bytes, &err))) {
                    fprintf(stderr, "nbody bench: kernel %s, n = %zu: %s\n", kernel->name, n,
                            err.msg);
                    nb_particles_free(&p);
                    return rc;
                }
                if (best <= 0.0)
                    best = 1e-9; /* below the clock's resolution */
                double pairs = (double)n * (double)(n - 1);
                printf("kernel=%s n=%zu threads=%d seconds=%.6g interactions_per_second=%.4e",
                       kernel->name, n, threads, best, pairs / best);
                if (kernel->interactions) /* what the kernel really computes */
                    printf(" computed_interactions_per_second=%.4e",
                           kernel->interactions(&kp, n) / best);
                if (nb_comm_active())
                    printf(" ranks=%d comm_bytes=%.0f", nb_comm_size(), bytes);
                putchar('\n');
                fflush(stdout);
            }
        }
        nb_particles_free(&p);
    }
    return NB_OK;
}
