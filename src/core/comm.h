/* The communication layer: the few collective operations a distributed run needs, with a
 * serial implementation (comm_serial.c, one rank) and an MPI one (comm_mpi.c, --with-mpi).
 * Nothing else in nbody includes <mpi.h>; physics and I/O call only these functions. */
#ifndef NB_COMM_H
#define NB_COMM_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* Starts MPI when the process was started by a launcher (mpirun, srun): every rank then
 * runs the same command on its share of the particles. A process started on its own, and
 * every process of the plain build, is one rank that runs exactly as the plain build. */
void nb_comm_init(int *argc, char ***argv);
void nb_comm_finalize(void);

/* 1 when this run is distributed (MPI started by nb_comm_init), even with one rank: the
 * kernels then take the per-target path whose bits do not depend on the rank count. */
int nb_comm_active(void);
int nb_comm_rank(void);
int nb_comm_size(void);
/* The ranks that share this rank's node (its memory): 1 in the plain build. */
int nb_comm_node_ranks(void);
/* rank 0: the one that prints, writes the energy log and owns the run directory */
int nb_comm_root(void);

/* This rank's block of n items: [r n / P, (r + 1) n / P). */
void nb_comm_block(size_t n, size_t *i0, size_t *i1);

/* Every rank contributes a[i0 .. i1) (its own rows) and receives everyone's, in rank
 * order, into a[0 .. n): the rows must tile [0, n) in rank order. Returns NB_OK or
 * NB_ERR_RUNTIME (err set). */
int nb_comm_allgather(double *a, size_t n, size_t i0, size_t i1, nb_error *err);

/* The ranks' worst status: every rank passes its rc (and err); all return the largest
 * code, with the message of the lowest rank that has it, so every rank stops the same way
 * and rank 0 can print the one message. */
int nb_comm_agree(int rc, nb_error *err);
/* Rank 0's status and message, on every rank: for actions only rank 0 performs. */
int nb_comm_share(int rc, nb_error *err);
/* The largest of the ranks' flags (a stop request seen by any rank stops all). */
int nb_comm_any(int flag);
/* Compares every rank's digest with rank 0's (collective): returns how many ranks differ,
 * the same number on every rank; *mine is 1 on a rank that differs, and ranks (size
 * bytes) lists them ("1, 3"; cut short with "..." when it does not fit). */
int nb_comm_compare(uint64_t digest, int *mine, char *ranks, size_t size);
/* The same bytes on every rank: rank 0's. */
void nb_comm_bcast(void *buf, size_t len);
void nb_comm_barrier(void);
/* Stops every rank at once (a fault that cannot be agreed on): never returns. */
void nb_comm_abort(int code);

/* Bytes this rank has sent and received in nb_comm_allgather since the start: for the
 * benchmark's communication figures. */
double nb_comm_bytes(void);

#endif
