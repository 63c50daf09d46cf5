/* What the ranks of a distributed run check at start-up (docs/mpi.md): the same command
 * line, the same resolved configuration and the same initial particles as rank 0. */
#ifndef NB_AGREE_H
#define NB_AGREE_H

#include "core/error.h"
#include "core/particles.h"
#include "io/config.h"
#include "io/snapshot.h"

/* Each is collective (every rank calls it at the same point) and a no-op without MPI or
 * with one rank. It returns NB_OK on every rank, or NB_ERR_INPUT on every rank with one
 * message naming the ranks that differ from rank 0 and the first thing that differs, so
 * a mismatched launch exits 2 before anything is written, instead of hanging in a
 * collective or writing snapshots that belong to no run. */

/* argv[1..] (argv[0], the program's path, may differ between nodes) and the environment
 * that changes the ranks' collective calls (NBODY_COLLECTIVE_IO): called first, before
 * any other collective, since ranks running different commands would wait forever. */
int nb_agree_command(int argc, char **argv, nb_error *err);

/* The configuration as nb_config_format writes it: the message names the first key
 * that differs. */
int nb_agree_config(const nb_config *c, nb_error *err);

/* The particles' bytes (positions, velocities, masses, ids) and, for a restart (meta not
 * NULL), the snapshot's integrator state: compared by 64-bit digests. */
int nb_agree_particles(const nb_particles *p, const nb_snapshot_meta *meta, nb_error *err);

#endif
