/* HDF5 snapshots in the GADGET-compatible layout of docs/DESIGN.md; every snapshot is a
 * complete restart file. The snapshot module (snapshot_*.c) is the only code that includes <hdf5.h>. */
#ifndef NB_SNAPSHOT_H
#define NB_SNAPSHOT_H

#include <stddef.h>

#include "core/error.h"
#include "core/particles.h"
#include "io/snapshot_name.h"

/* The characters of a run id (/Integrator run_id). */
#define NB_RUN_ID_CHARS "0123456789abcdefghijklmnopqrstuvwxyz-"

/* Everything besides the particles that a bit-for-bit continuation needs (/Integrator
 * attributes), plus the effective configuration text (/Parameters). */
typedef struct nb_snapshot_meta {
    long step;           /* steps taken since the original start */
    double time;         /* simulated time: time_origin + (step - step_origin) * dt */
    double dt;
    long step_origin;    /* where the current dt took over (0, or a restart that changed dt), */
    double time_origin;  /* so time never accumulates rounding, and continues bit for bit */
    long output_index;   /* NNNN of BASE_NNNN.h5 */
    double e0;           /* total energy at step 0 of the original run */
    double G, softening;
    /* one unit of length, mass, velocity in cgs: GADGET's /Header UnitLength_in_cm,
     * UnitMass_in_g, UnitVelocity_in_cm_per_s; 0 (N-body units): not written */
    double unit_length_in_cm, unit_mass_in_g, unit_velocity_in_cm_per_s;
    char kernel[32];
    char version[32];    /* program version that wrote it */
    char run_id[40];     /* the run's identity (io/rundir.h); "" in snapshots older than it */
    char *parameters;    /* effective parameter-file text; malloc'd by nb_snapshot_read */
} nb_snapshot_meta;

/* Writes p and meta to path: to "path.tmp" first, renamed over path only once complete
 * and closed, so path is never a partial file. compression: 0 = none, 1-9 = gzip level
 * (with the shuffle filter); Fletcher32 checksums always. Accelerations are written as
 * /PartType1/Acceleration. Failures: NB_ERR_RUNTIME, path untouched, no .tmp left. */
int nb_snapshot_write(const char *path, const nb_particles *p, const nb_snapshot_meta *meta,
                      int compression, nb_error *err);

/* The distributed run's write (docs/mpi.md), called by every rank with the same arguments:
 * rank 0 writes every row with nb_snapshot_write (the default), or, with parallel HDF5 and
 * NBODY_COLLECTIVE_IO=1 in the environment, a collective write into one file, each rank its
 * own rows [r0, r1) of every dataset (the rows tile [0, n) in rank order), then rank 0
 * renames it into place. The same file as nb_snapshot_write's, the same atomicity; the
 * ranks agree on the status (one message, every rank's return value). */
int nb_snapshot_write_rows(const char *path, const nb_particles *p, size_t r0, size_t r1,
                           const nb_snapshot_meta *meta, int compression, nb_error *err);

/* Reads one of our snapshots: particles (allocated here) and meta. Validates groups,
 * datasets, shapes, types, Header/dataset N agreement, checksums and finiteness; each
 * problem is NB_ERR_INPUT with "FILE: DATASET: what was wrong, what was expected". */
int nb_snapshot_read(const char *path, nb_particles *p, nb_snapshot_meta *meta,
                     nb_error *err);

/* Reads particles from any GADGET-style HDF5 file (ours, or one written with h5py):
 * /PartType1/Coordinates, optional Velocities (else zero), Masses or Header MassTable[1],
 * optional ParticleIDs (else 0..N-1). Same validation and errors as nb_snapshot_read. */
int nb_snapshot_read_particles(const char *path, nb_particles *p, nb_error *err);

/* What a file read as initial conditions says that the particles alone do not carry, so
 * that the run can say what it ignores. */
typedef struct nb_snapshot_ic_info {
    int has_time;        /* /Header Time, finite */
    double time;
    int has_units;       /* /Header UnitLength_in_cm, UnitMass_in_g, UnitVelocity_in_cm_per_s */
    double unit_length_in_cm, unit_mass_in_g, unit_velocity_in_cm_per_s;
    int has_velocities;  /* /PartType1/Velocities (else the particles are at rest) */
} nb_snapshot_ic_info;

/* nb_snapshot_read_particles that also fills *info. */
int nb_snapshot_read_ic(const char *path, nb_particles *p, nb_snapshot_ic_info *info,
                        nb_error *err);

void nb_snapshot_meta_free(nb_snapshot_meta *meta);

/* 1 when path is a regular file that opens as HDF5 and holds an nbody snapshot's
 * /Integrator (its version attribute): how a snapshot of another base name is told from any
 * other HDF5 file named like one. Reads a few bytes of metadata, not the particles. */
int nb_snapshot_is_nbody(const char *path);

/* The newest snapshot in dir (highest NNNN) that reads back whole; NB_ERR_INPUT if none.
 * The base name is not known before a snapshot is read (it is in the snapshot's
 * /Parameters), so every BASE_NNNN.h5 is a candidate; names of several bases that are
 * nbody snapshots are refused as ambiguous (NB_ERR_INPUT naming them: restart from a
 * file), and a base none of whose files is one (a user's own data_0001.h5) is ignored. */
int nb_snapshot_find_latest(const char *dir, char *path, size_t size, nb_error *err);

#endif
