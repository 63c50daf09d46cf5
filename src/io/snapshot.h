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
     * UnitMass_in_g, UnitVelocity_in_cm_per_s; 0 (N-body units): not written (and what
     * nb_snapshot_read finds there) */
    double unit_length_in_cm, unit_mass_in_g, unit_velocity_in_cm_per_s;
    char kernel[32];
    char version[32];    /* program version that wrote it */
    char run_id[40];     /* the run's identity (io/rundir.h); "" in snapshots older than it */
    char timestep[16];   /* integrator.timestep that wrote it; "" in older snapshots: fixed */
    long force_evaluations; /* particle force evaluations since the original start */
    char *parameters;    /* effective parameter-file text; malloc'd by nb_snapshot_read */
} nb_snapshot_meta;

/* ---- The layout's tables (io/snapshot_fields.c): the writer, both readers, `nbody info`,
 * snapdiff and docs/DESIGN.md's layout section all follow them. */

/* How a dataset or attribute is stored (the HDF5 types are in snapshot_h5.c). */
typedef enum nb_snapshot_type {
    NB_SNAP_F64,    /* little-endian IEEE double; read from any float (attributes: or integer) */
    NB_SNAP_U64,    /* little-endian uint64; read from any integer type, negatives refused */
    NB_SNAP_I64,    /* little-endian int64, a long in memory (attributes) */
    NB_SNAP_I32,    /* little-endian int32, an int32_t array (fields); read from any integer */
    NB_SNAP_STRING  /* fixed-length UTF-8 string, a char array in memory (attributes) */
} nb_snapshot_type;

/* Whether a reader needs a dataset or attribute. */
typedef enum nb_snapshot_need {
    NB_SNAP_REQUIRED, /* missing: the file is refused */
    NB_SNAP_OPTIONAL, /* missing: the default stays (nb_particles_alloc's, or the reader's) */
    NB_SNAP_IGNORED   /* not read */
} nb_snapshot_need;

/* What the reader accepts. Datasets: FINITE, POSITIVE (finite > 0); integers ANY (what
 * the type holds: a U64 field refuses negatives) or NONNEG. Attributes: numbers ANY (not NaN), FINITE,
 * POSITIVE, NONNEG (finite >= 0; integers 0 to max); strings ANY, NONEMPTY or TOKEN (1 or
 * more of NB_RUN_ID_CHARS). */
typedef enum nb_snapshot_range {
    NB_SNAP_ANY, NB_SNAP_FINITE, NB_SNAP_POSITIVE, NB_SNAP_NONNEG, NB_SNAP_NONEMPTY,
    NB_SNAP_TOKEN
} nb_snapshot_range;

/* The most rows of nb_snapshot_fields (the reader keeps a dataset per field). */
#define NB_SNAPSHOT_MAX_FIELDS 16

/* One per-particle dataset /PartTypeT/NAME in the group of every particle type T present:
 * that type's N_T rows (the store's rows of type T, which are adjacent: the store is in
 * ascending type order) of cols columns; column k is the nb_particles array at byte offset
 * member[k] (its accessor: nb_snapshot_field_column). */
typedef struct nb_snapshot_field {
    const char *name;          /* "Coordinates" */
    nb_snapshot_type type;     /* F64 (double arrays), U64 (uint64_t) or I32 (int32_t) */
    int cols;                  /* 1: shape (N,); 3: shape (N, 3) */
    size_t member[3];          /* offsetof(nb_particles, ARRAY) of each column */
    const char *unit;          /* the unit's dimension in the run's units */
    nb_snapshot_range values;  /* what every value must be */
    nb_snapshot_need restart;  /* in nb_snapshot_read */
    nb_snapshot_need ic;       /* in nb_snapshot_read_particles and _ic */
} nb_snapshot_field;

extern const nb_snapshot_field nb_snapshot_fields[];
extern const size_t nb_snapshot_n_fields;

/* The group of particle type t (0 .. NB_NTYPES-1), "PartType<t>", in buf. Returns buf. */
const char *nb_snapshot_group(int t, char *buf, size_t size);

/* How many particles of each type p holds, into count; -1 when p is not in ascending type
 * order (or holds a type outside 0 .. NB_NTYPES-1), else 0. The rows of type t are then
 * [first, first + count[t]) with first the sum of the counts before t. */
int nb_snapshot_type_counts(const nb_particles *p, size_t count[NB_NTYPES]);

/* GADGET's /Header MassTable: for each type whose particles all have the same mass (the
 * same bits), that mass; 0 for a type with several masses or none. count as above. */
void nb_snapshot_mass_table(const nb_particles *p, const size_t count[NB_NTYPES],
                            double mass_table[NB_NTYPES]);

/* Column k (0 .. cols-1) of field f in p: a double *, uint64_t * or int32_t *, as
 * f->type says. */
void *nb_snapshot_field_column(const nb_particles *p, const nb_snapshot_field *f, int k);

/* One /Integrator attribute: the nb_snapshot_meta member at byte offset member, of size
 * bytes (a long for I64, a double for F64, a char array for STRING). */
typedef struct nb_snapshot_attr {
    const char *name;
    nb_snapshot_type type;
    size_t member, size;
    nb_snapshot_range range;
    long long max;             /* I64: the largest value accepted */
    nb_snapshot_need restart;  /* in nb_snapshot_read */
    int identity;              /* 1: names the run, not its state: comparisons of two
                                  runs' bits (snapdiff) leave it out */
} nb_snapshot_attr;

extern const nb_snapshot_attr nb_snapshot_attrs[];
extern const size_t nb_snapshot_n_attrs;

/* The member of meta that a describes. */
void *nb_snapshot_attr_value(const nb_snapshot_meta *meta, const nb_snapshot_attr *a);

/* a's value in meta as text: %ld, %.17g, or the string; buf, always terminated. */
const char *nb_snapshot_attr_format(const nb_snapshot_meta *meta, const nb_snapshot_attr *a,
                                    char *buf, size_t size);

/* "float64", "uint64", "int64", "int32", "string". */
const char *nb_snapshot_type_name(nb_snapshot_type t);
/* Bytes of one value in memory (0 for strings). */
size_t nb_snapshot_type_size(nb_snapshot_type t);

/* Writes p and meta to path: to "path.tmp" first, renamed over path only once complete
 * and closed, so path is never a partial file. Each particle type present gets its group
 * /PartTypeT (p must be in ascending type order), with /Header NumPart_* and MassTable as
 * GADGET-4 sets them. compression: 0 = none, 1-9 = gzip level (with the shuffle filter);
 * Fletcher32 checksums always. The chunks are encoded on `threads` threads (0: the OpenMP
 * default); the file's data are the same bits for any count. Failures: NB_ERR_RUNTIME, path untouched, no .tmp left. */
int nb_snapshot_write(const char *path, const nb_particles *p, const nb_snapshot_meta *meta,
                      int compression, int threads, nb_error *err);

/* The distributed run's write (docs/mpi.md), called by every rank with the same arguments:
 * rank 0 writes every row with nb_snapshot_write (the default), or, with parallel HDF5 and
 * NBODY_COLLECTIVE_IO=1 in the environment, a collective write into one file, each rank its
 * own rows [r0, r1) of the store (the rows tile [0, n) in rank order; within each type's
 * datasets, the part of [r0, r1) of that type), then rank 0
 * renames it into place. The same file as nb_snapshot_write's, the same atomicity; the
 * ranks agree on the status (one message, every rank's return value). */
int nb_snapshot_write_rows(const char *path, const nb_particles *p, size_t r0, size_t r1,
                           const nb_snapshot_meta *meta, int compression, int threads,
                           nb_error *err);

/* Reads one of our snapshots: particles (allocated here) and meta. Validates groups,
 * datasets, shapes, types, Header/dataset N agreement, checksums and finiteness; each
 * problem is NB_ERR_INPUT with "FILE: DATASET: what was wrong, what was expected". */
int nb_snapshot_read(const char *path, nb_particles *p, nb_snapshot_meta *meta,
                     nb_error *err);

/* Reads particles from any GADGET-style HDF5 file (ours, or one written with h5py): for
 * every collisionless type T (1..5) that /Header NumPart_ThisFile counts,
 * /PartTypeT/Coordinates, optional Velocities (else zero), Masses or Header MassTable[T],
 * optional ParticleIDs (else the row's index in the store, 0..N-1), in ascending type
 * order. Gas (PartType0) is refused: nbody has no hydrodynamics. Same validation and
 * errors as nb_snapshot_read. */
int nb_snapshot_read_particles(const char *path, nb_particles *p, nb_error *err);

/* What a file read as initial conditions says that the particles alone do not carry, so
 * that the run can say what it ignores. */
typedef struct nb_snapshot_ic_info {
    int has_time;        /* /Header Time, finite */
    double time;
    int has_units;       /* /Header UnitLength_in_cm, UnitMass_in_g, UnitVelocity_in_cm_per_s */
    double unit_length_in_cm, unit_mass_in_g, unit_velocity_in_cm_per_s;
    int has_velocities;  /* every type's Velocities (else some particles are at rest) */
    char no_velocities[160]; /* the missing ones: "/PartType2/Velocities, /PartType3/..." */
} nb_snapshot_ic_info;

/* nb_snapshot_read_particles that also fills *info; with gas = 1 (initial_conditions.gas =
 * "collisionless") PartType0 is read too, as collisionless particles of type 0. */
int nb_snapshot_read_ic(const char *path, int gas, nb_particles *p, nb_snapshot_ic_info *info,
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
