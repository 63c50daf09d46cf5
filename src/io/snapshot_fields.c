/* The snapshot layout's tables: the per-particle datasets of each /PartTypeT group and
 * /Integrator's attributes, and the per-type counts and MassTable that /Header derives from
 * the store. The writer, both readers, `nbody info` and docs/DESIGN.md follow these rows. */
#include "io/snapshot.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define P(m) offsetof(nb_particles, m)
#define M(m) offsetof(nb_snapshot_meta, m), sizeof(((nb_snapshot_meta *)0)->m)

/* In this order in each /PartTypeT group. Velocities and ParticleIDs are optional in
 * initial conditions (at rest; ids 0..N-1), Masses everywhere (/Header MassTable[T]);
 * Acceleration is not read in initial conditions. */
const nb_snapshot_field nb_snapshot_fields[] = {
    {"Coordinates", NB_SNAP_F64, 3, {P(x), P(y), P(z)}, "length", NB_SNAP_FINITE,
     NB_SNAP_REQUIRED, NB_SNAP_REQUIRED},
    {"Velocities", NB_SNAP_F64, 3, {P(vx), P(vy), P(vz)}, "velocity",
     NB_SNAP_FINITE, NB_SNAP_REQUIRED, NB_SNAP_OPTIONAL},
    /* optional in either: without it, MassTable[T] (GADGET-4 writes none for a type with a
     * MassTable entry; nbody writes both, the same bits) */
    {"Masses", NB_SNAP_F64, 1, {P(m)}, "mass", NB_SNAP_POSITIVE, NB_SNAP_OPTIONAL,
     NB_SNAP_OPTIONAL},
    {"ParticleIDs", NB_SNAP_U64, 1, {P(id)}, "none", NB_SNAP_ANY, NB_SNAP_REQUIRED,
     NB_SNAP_OPTIONAL},
    {"Acceleration", NB_SNAP_F64, 3, {P(ax), P(ay), P(az)}, "velocity^2/length",
     NB_SNAP_FINITE, NB_SNAP_REQUIRED, NB_SNAP_IGNORED},
    /* the time-step bin (integrator.timestep = "adaptive"; all 0 in fixed mode): a restart
     * continues the hierarchy bit for bit from it; older snapshots lack it */
    {"TimeBin", NB_SNAP_I32, 1, {P(bin)}, "none", NB_SNAP_NONNEG,
     NB_SNAP_OPTIONAL, NB_SNAP_IGNORED},
};
const size_t nb_snapshot_n_fields = sizeof nb_snapshot_fields / sizeof nb_snapshot_fields[0];

/* Bounds on the counters: a run reaches at most 1e15 steps (integrator steps and
 * output.snapshot_every in config.c), and an index past 1e9 would make snapshot names no
 * tool sorts (or, at INT64_MAX, wrap to a negative NNNN). step_origin is also at most step
 * (nb_snapshot_read). E0 only scales rel_energy_error: a run whose energy overflowed wrote
 * inf there, and its snapshots must still read back. */
const nb_snapshot_attr nb_snapshot_attrs[] = {
    {"step", NB_SNAP_I64, M(step), NB_SNAP_NONNEG, 1000000000000000LL, NB_SNAP_REQUIRED, 0},
    {"time", NB_SNAP_F64, M(time), NB_SNAP_FINITE, 0, NB_SNAP_REQUIRED, 0},
    {"dt", NB_SNAP_F64, M(dt), NB_SNAP_POSITIVE, 0, NB_SNAP_REQUIRED, 0},
    {"step_origin", NB_SNAP_I64, M(step_origin), NB_SNAP_NONNEG, 1000000000000000LL,
     NB_SNAP_REQUIRED, 0},
    {"time_origin", NB_SNAP_F64, M(time_origin), NB_SNAP_FINITE, 0, NB_SNAP_REQUIRED, 0},
    {"output_index", NB_SNAP_I64, M(output_index), NB_SNAP_NONNEG, 999999999LL,
     NB_SNAP_REQUIRED, 0},
    {"E0", NB_SNAP_F64, M(e0), NB_SNAP_ANY, 0, NB_SNAP_REQUIRED, 0},
    {"G", NB_SNAP_F64, M(G), NB_SNAP_POSITIVE, 0, NB_SNAP_REQUIRED, 0},
    {"softening", NB_SNAP_F64, M(softening), NB_SNAP_NONNEG, 0, NB_SNAP_REQUIRED, 0},
    {"kernel", NB_SNAP_STRING, M(kernel), NB_SNAP_NONEMPTY, 0, NB_SNAP_REQUIRED, 0},
    {"version", NB_SNAP_STRING, M(version), NB_SNAP_ANY, 0, NB_SNAP_REQUIRED, 0},
    /* the run's identity (io/rundir.h); snapshots older than run ids have none, and an
     * empty one is not written */
    {"run_id", NB_SNAP_STRING, M(run_id), NB_SNAP_TOKEN, 0, NB_SNAP_OPTIONAL, 1},
    /* integrator.timestep ("fixed", "adaptive") and the particle force evaluations so far
     * (energy.csv's force_evaluations); older snapshots: fixed, 0 */
    {"timestep", NB_SNAP_STRING, M(timestep), NB_SNAP_NONEMPTY, 0, NB_SNAP_OPTIONAL, 0},
    {"force_evaluations", NB_SNAP_I64, M(force_evaluations), NB_SNAP_NONNEG, INT64_MAX,
     NB_SNAP_OPTIONAL, 0},
};
const size_t nb_snapshot_n_attrs = sizeof nb_snapshot_attrs / sizeof nb_snapshot_attrs[0];

/* A long holds an I64 attribute (steps up to 1e15). */
_Static_assert(sizeof(long) >= 8, "I64 attributes are longs: a 64-bit long is needed");

const char *nb_snapshot_group(int t, char *buf, size_t size)
{
    snprintf(buf, size, "PartType%d", t);
    return buf;
}

int nb_snapshot_type_counts(const nb_particles *p, size_t count[NB_NTYPES])
{
    for (int t = 0; t < NB_NTYPES; t++)
        count[t] = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (p->type[i] >= NB_NTYPES || (i > 0 && p->type[i] < p->type[i - 1]))
            return -1;
        count[p->type[i]]++;
    }
    return 0;
}

void nb_snapshot_mass_table(const nb_particles *p, const size_t count[NB_NTYPES],
                            double mass_table[NB_NTYPES])
{
    size_t first = 0;
    for (int t = 0; t < NB_NTYPES; t++) {
        mass_table[t] = 0;
        /* the same bits, so that MassTable reads back as every particle's mass exactly */
        int same = count[t] > 0;
        for (size_t i = first + 1; same && i < first + count[t]; i++)
            same = !memcmp(&p->m[i], &p->m[first], sizeof(double));
        if (same)
            mass_table[t] = p->m[first];
        first += count[t];
    }
}

void *nb_snapshot_field_column(const nb_particles *p, const nb_snapshot_field *f, int k)
{
    /* read as the pointer type it is */
    const char *at = (const char *)p + f->member[k];
    if (f->type == NB_SNAP_U64)
        return *(uint64_t *const *)at;
    if (f->type == NB_SNAP_I32)
        return *(int32_t *const *)at;
    return *(double *const *)at;
}

void *nb_snapshot_attr_value(const nb_snapshot_meta *meta, const nb_snapshot_attr *a)
{
    return (char *)meta + a->member;
}

const char *nb_snapshot_attr_format(const nb_snapshot_meta *meta, const nb_snapshot_attr *a,
                                    char *buf, size_t size)
{
    const void *v = nb_snapshot_attr_value(meta, a);
    switch (a->type) {
    case NB_SNAP_I64: snprintf(buf, size, "%ld", *(const long *)v); break;
    case NB_SNAP_F64: snprintf(buf, size, "%.17g", *(const double *)v); break;
    case NB_SNAP_STRING: snprintf(buf, size, "%.*s", (int)a->size, (const char *)v); break;
    default: snprintf(buf, size, "?"); break;
    }
    return buf;
}

const char *nb_snapshot_type_name(nb_snapshot_type t)
{
    switch (t) {
    case NB_SNAP_F64: return "float64";
    case NB_SNAP_U64: return "uint64";
    case NB_SNAP_I64: return "int64";
    case NB_SNAP_I32: return "int32";
    case NB_SNAP_STRING: return "string";
    }
    return "?";
}

size_t nb_snapshot_type_size(nb_snapshot_type t)
{
    return t == NB_SNAP_STRING ? 0 : t == NB_SNAP_I32 ? 4 : 8;
}
