/* nbody.h: the public C API of libnbody (docs/api.md): particle sets from the caller's
 * arrays, the force kernels by name, snapshots, the version. Handles are opaque. */
#ifndef NBODY_H
#define NBODY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes: every function that can fail returns one (0 = success). */
#define NBODY_OK 0
#define NBODY_ERR_RUNTIME 1 /* out of memory, an I/O failure, a non-finite result */
#define NBODY_ERR_INPUT 2   /* a bad argument, parameter, kernel name or file */

/* Where a failing call puts its status and its one-line message (the library never
 * prints and never exits). Every err argument may be NULL. */
typedef struct nbody_error {
    int code;
    char message[1024];
} nbody_error;

/* The version of this header's API (incremented when a function is added or changed). */
#define NBODY_API_VERSION 2

/* "0.1.0": the library's package version. */
const char *nbody_version(void);
/* Its three numbers; any pointer may be NULL. */
void nbody_version_numbers(int *major, int *minor, int *patch);

/* ---- Particle sets: a copy of the caller's arrays in the library's layout. */
typedef struct nbody_particles nbody_particles;

/* A set of n >= 1 particles. pos: n rows of x, y, z (an (n, 3) C-order array); vel: the
 * same (NULL: at rest); mass: n finite masses > 0; ids: NULL for 0 .. n-1; types: GADGET
 * types 0..5 in ascending order (NULL: all 1). The arrays are copied. */
int nbody_particles_create(nbody_particles **out, size_t n, const double *pos,
                           const double *vel, const double *mass, const uint64_t *ids,
                           const uint8_t *types, nbody_error *err);
void nbody_particles_free(nbody_particles *p);
size_t nbody_particles_count(const nbody_particles *p);
/* Replaces positions, velocities and/or masses (NULL: unchanged), checked as in create. */
int nbody_particles_update(nbody_particles *p, const double *pos, const double *vel,
                           const double *mass, nbody_error *err);
/* Copies the set out into the caller's arrays (n rows each; NULL: skipped). acc: the
 * accelerations of the last compute (or those a snapshot holds). */
void nbody_particles_get(const nbody_particles *p, double *pos, double *vel, double *acc,
                         double *mass, uint64_t *ids, uint8_t *types);

/* ---- Gravity: one force kernel with its parameters. */
typedef struct nbody_gravity nbody_gravity;

/* "direct, parallel, knn, tree": the kernels that nbody_gravity_create accepts. */
const char *nbody_kernel_names(void);

/* Kernel `kernel` with its defaults: G = 1, softening 0, threads 0 (OpenMP's default),
 * the kernel's own parameters as in the parameter file's gravity section. */
int nbody_gravity_create(nbody_gravity **out, const char *kernel, nbody_error *err);
void nbody_gravity_free(nbody_gravity *g);
/* Sets a parameter: "G" (> 0), "softening" (Plummer length >= 0), "threads" (>= 0), or a
 * kernel-owned key of the parameter file's gravity section ("opening_angle", alias
 * "theta"; "leaf_size"; "opening", a choice key: here the index of its name, 0 geometric,
 * 1 relative, whose previous force is the set's accelerations from its last compute;
 * "force_accuracy"; "neighbours", alias "k"). */
int nbody_gravity_set(nbody_gravity *g, const char *name, double value, nbody_error *err);
int nbody_gravity_get(const nbody_gravity *g, const char *name, double *value,
                      nbody_error *err);
/* A choice key ("opening") by the name the parameter file takes: "geometric" or
 * "relative". An unknown key, a number key or an unknown name: NBODY_ERR_INPUT, the
 * message naming the key, the value and the accepted names. */
int nbody_gravity_set_choice(nbody_gravity *g, const char *name, const char *value,
                             nbody_error *err);
/* The name of a choice key's value into value[0 .. size), NUL-terminated (16 bytes hold
 * every name; "" on failure). A number key, or a name longer than size - 1:
 * NBODY_ERR_INPUT. */
int nbody_gravity_get_choice(const nbody_gravity *g, const char *name, char *value,
                             size_t size, nbody_error *err);

/* The accelerations (acc: rows of ax, ay, az) and, when pot is not NULL, the potentials
 * (G sum_j -m_j / sqrt(r_ij^2 + softening^2), j != i) of the targets: particles
 * targets[0 .. nt-1] (distinct indices, rows in list order), or all particles in index
 * order when targets is NULL. The sources are all particles of p. A target's values do
 * not depend on which other targets are listed, nor on the thread count. */
int nbody_gravity_compute(nbody_gravity *g, nbody_particles *p, const uint32_t *targets,
                          size_t nt, double *acc, double *pot, nbody_error *err);

/* ---- Snapshots: the HDF5 files that nbody writes (docs/DESIGN.md, layout). */
typedef struct nbody_snapshot nbody_snapshot;

/* Reads an nbody snapshot, or the particles of any GADGET-style HDF5 file (then only
 * time and the units come from its /Header, the rest is as in nbody_snapshot_create). */
int nbody_snapshot_read(nbody_snapshot **out, const char *path, nbody_error *err);
/* A snapshot of a copy of p: step 0, time 0, dt 1, G 1, softening 0, kernel "direct",
 * timestep "fixed", no units (N-body units), no parameter text. */
int nbody_snapshot_create(nbody_snapshot **out, const nbody_particles *p, nbody_error *err);
void nbody_snapshot_free(nbody_snapshot *s);
/* Its particles (owned by s, valid until nbody_snapshot_free; they may be changed). */
nbody_particles *nbody_snapshot_particles(nbody_snapshot *s);
/* Numeric attributes: the /Integrator attributes (step, time, dt, step_origin,
 * time_origin, output_index, E0, G, softening, force_evaluations, ...) and the units'
 * UnitLength_in_cm, UnitMass_in_g, UnitVelocity_in_cm_per_s (0: N-body units). */
int nbody_snapshot_get(const nbody_snapshot *s, const char *name, double *value,
                       nbody_error *err);
int nbody_snapshot_set(nbody_snapshot *s, const char *name, double value, nbody_error *err);
/* String attributes: kernel, version, run_id, timestep, and "parameters" (the run's
 * parameter-file text). NULL for an unknown name; the text belongs to s. */
const char *nbody_snapshot_string(const nbody_snapshot *s, const char *name);
int nbody_snapshot_set_string(nbody_snapshot *s, const char *name, const char *value,
                              nbody_error *err);
/* Writes s to path (through path.tmp, renamed once complete); compression 0 = none,
 * 1 .. 9 = gzip level. */
int nbody_snapshot_write(const nbody_snapshot *s, const char *path, int compression,
                         nbody_error *err);

#ifdef __cplusplus
}
#endif

#endif
