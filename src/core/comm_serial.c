/* The communication layer of the plain build: one rank, every collective a no-op, so the
 * serial program runs unchanged and needs no MPI. The MPI build (NB_WITH_MPI) compiles
 * comm_mpi.c instead and this file to nothing. */
#include "core/comm.h"

#ifndef NB_WITH_MPI

#include <stdlib.h>

void nb_comm_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
}

void nb_comm_finalize(void) {}
int nb_comm_active(void) { return 0; }
int nb_comm_rank(void) { return 0; }
int nb_comm_size(void) { return 1; }
int nb_comm_root(void) { return 1; }
int nb_comm_node_ranks(void) { return 1; }

void nb_comm_block(size_t n, size_t *i0, size_t *i1)
{
    *i0 = 0;
    *i1 = n;
}

int nb_comm_allgather(double *a, size_t n, size_t i0, size_t i1, nb_error *err)
{
    (void)a;
    (void)n;
    (void)i0;
    (void)i1;
    (void)err;
    return NB_OK;
}

int nb_comm_agree(int rc, nb_error *err)
{
    (void)err;
    return rc;
}

int nb_comm_share(int rc, nb_error *err)
{
    (void)err;
    return rc;
}

int nb_comm_any(int flag) { return flag; }

int nb_comm_compare(uint64_t digest, int *mine, char *ranks, size_t size)
{
    (void)digest;
    *mine = 0;
    if (size)
        ranks[0] = '\0';
    return 0;
}

void nb_comm_bcast(void *buf, size_t len)
{
    (void)buf;
    (void)len;
}

void nb_comm_barrier(void) {}

void nb_comm_abort(int code)
{
    exit(code);
}

double nb_comm_bytes(void) { return 0.0; }

#else
typedef int nb_comm_serial_unused; /* ISO C wants a translation unit to declare something */
#endif
