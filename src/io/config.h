/* The parameter file: libconfig in, a plain struct out (config.c; its text from
 * config_source.c, --set from config_set.c, the writer config_format.c; no other module
 * sees <libconfig.h>). Every key of docs/DESIGN.md has a default; unknown keys, wrong types
 * and out-of-range values are errors naming file, line and key. */
#ifndef NB_CONFIG_H
#define NB_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "gravity/kernels.h"
#include "physics/ics.h"
#include "physics/units.h"
#include "io/snapshot_name.h"

#define NB_PATH_MAX 4096
#define NB_NAME_MAX 128

/* Upper bound on N: 1e9 particles already need ~100 GB. */
#define NB_MAX_PARTICLES 1000000000L

/* output.snapshot_times: at most this many requested times. */
#define NB_MAX_SNAPSHOT_TIMES 1024
typedef struct nb_times {
    int n;
    double t[NB_MAX_SNAPSHOT_TIMES]; /* ascending, in (0, t_end] */
} nb_times;

typedef struct nb_config {
    /* run */
    char name[NB_NAME_MAX];
    char output_dir[NB_PATH_MAX];
    uint64_t seed;
    double max_wall_seconds;  /* 0 = no limit */
    /* units (physics/units.h, resolved by nb_config_load; 0 = no physical scale) */
    double G;
    char unit_system[NB_UNITS_SYSTEM_MAX]; /* "nbody", "kpc_msun_kms", "au_msun_yr", "cgs" */
    double length_in_cm;         /* one length unit in cm; 0: N-body units, no scale */
    double mass_in_g;            /* one mass unit in g */
    double velocity_in_cm_per_s; /* one velocity unit in cm/s; time unit = length/velocity */
    /* initial_conditions */
    char ic_type[32];
    long n;
    nb_ics_params ic;        /* the types' own keys (radius, ...); type, n, seed unused */
    char ic_file[NB_PATH_MAX];
    char ic_gas[16];         /* a file's PartType0: "refuse" or "collisionless" */
    /* gravity */
    char kernel[32];
    double softening;
    int threads;
    nb_kernel_params kp;     /* the kernels' own keys (gravity.neighbours, ...) */
    /* integrator */
    double dt, t_end;
    char timestep[16];       /* "fixed" (one dt for all) or "adaptive" (docs/timesteps.md) */
    double eta;              /* adaptive: accuracy of the step criterion */
    int max_bins;            /* adaptive: deepest bin, step dt / 2^max_bins */
    /* output */
    long snapshot_every;     /* 0 = only the first and last */
    double snapshot_interval; /* time between snapshots, 0 = none */
    nb_times snapshot_times;  /* snapshots at the first step with time >= each of these */
    char snapshot_base[NB_SNAPSHOT_BASE_MAX + 1]; /* snapshots are BASE_NNNN.h5 */
    long diagnostics_every;
    int compression;
    char potential[16];      /* energy.csv's potential: "exact", "auto" or a kernel's name */
    /* where it came from, for messages */
    char source[NB_PATH_MAX];
} nb_config;

/* Defaults for every key. */
void nb_config_defaults(nb_config *c);

/* Reads path, applies each "section.key=value" override in order (libconfig value
 * syntax), validates, and fills c. Errors: NB_ERR_INPUT with "FILE:LINE: key: what";
 * among them the file paths a run would write being too long for the system. */
int nb_config_load(nb_config *c, const char *path, const char *const *overrides,
                   size_t n_overrides, nb_error *err);

/* The same from text already in memory (a snapshot's /Parameters); name is used in
 * messages. */
int nb_config_load_string(nb_config *c, const char *text, const char *name,
                          const char *const *overrides, size_t n_overrides, nb_error *err);

/* Writes the effective configuration, every key, in parameter-file syntax that
 * nb_config_load_string reads back to the same struct. Returns a malloc'd string. */
char *nb_config_format(const nb_config *c);

/* The shortest decimal text that reads back as exactly v (0.005, not
 * 0.0050000000000000001), for files people read (core/format.h's nb_format_double).
 * Returns buf. */
char *nb_config_format_double(char *buf, size_t size, double v);

/* The kernel's check of its own keys against n particles (for a file's N, known only once
 * the file is read): NB_ERR_INPUT naming the config and key. */
int nb_config_check_kernel(const nb_config *c, size_t n, nb_error *err);

/* The kernel energy.csv's potential comes from (output.potential for N = n: a kernel's
 * name, or "auto" from the kernel's energy_potential_auto_n up), or NULL when it is the
 * exact pairwise sum. */
const nb_kernel *nb_config_potential_kernel(const nb_config *c, size_t n);

/* What the initial-condition generator is given: type, n, seed, G and the types' keys. */
nb_ics_params nb_config_ics_params(const nb_config *c);

/* What the kernel is given: G, softening, threads and the kernel-owned keys. */
nb_kernel_params nb_config_kernel_params(const nb_config *c);

/* 1 when the run has physical units (length, mass and velocity scales), 0 for N-body
 * units without a scale. */
int nb_config_has_units(const nb_config *c);

/* One line describing the units for people and for tools/plot_*.py, e.g.
 * "length 3.0856775814913673e+21 cm (kpc), mass ... g (Msun), velocity 100000 cm/s (km/s),
 * time ... s, G = 4.3009...e-06" or "N-body (no physical scale), G = 1". Returns buf. */
char *nb_config_units_line(const nb_config *c, char *buf, size_t size);

/* Number of steps the run takes: t_end / dt rounded to the nearest integer. */
long nb_config_steps(const nb_config *c);

#endif
