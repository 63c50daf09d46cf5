/* The communication layer of the MPI build (--with-mpi): MPI_COMM_WORLD, one rank per
 * process, OpenMP threads inside a rank make no MPI calls (MPI_THREAD_FUNNELED). */
#include "core/comm.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

static int active, rank, size = 1;
static double bytes;

/* A launcher tells its processes who they are through the environment: Open MPI's mpirun
 * (OMPI_COMM_WORLD_SIZE), PMIx (srun --mpi=pmix, PMIX_RANK), PMI-1/2 (PMI_RANK). Without
 * one the process is alone and runs as the plain build does (no MPI start-up cost, the
 * plain build's bits); NBODY_MPI=1 starts MPI anyway (a singleton). */
static int launched(void)
{
    const char *force = getenv("NBODY_MPI");
    if (force && *force)
        return strcmp(force, "0") != 0;
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK") ||
           getenv("PMI_SIZE");
}

void nb_comm_init(int *argc, char ***argv)
{
    if (active || !launched())
        return;
    int provided;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "nbody: MPI could not start\n");
        exit(1);
    }
    /* errors come back as codes, so a failed collective is reported, not fatal */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    active = 1;
}

void nb_comm_finalize(void)
{
    if (active)
        MPI_Finalize();
    active = 0;
}

int nb_comm_active(void) { return active; }
int nb_comm_rank(void) { return rank; }
int nb_comm_size(void) { return size; }
int nb_comm_root(void) { return rank == 0; }

int nb_comm_node_ranks(void)
{
    if (!active)
        return 1;
    MPI_Comm node;
    int n = 1;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL,
                            &node) == MPI_SUCCESS) {
        MPI_Comm_size(node, &n);
        MPI_Comm_free(&node);
    }
    return n;
}

void nb_comm_block(size_t n, size_t *i0, size_t *i1)
{
    /* in 128 bits: r * n must not overflow for any n */
    *i0 = (size_t)(((unsigned __int128)n * (unsigned)rank) / (unsigned)size);
    *i1 = (size_t)(((unsigned __int128)n * (unsigned)(rank + 1)) / (unsigned)size);
}

int nb_comm_allgather(double *a, size_t n, size_t i0, size_t i1, nb_error *err)
{
    if (!active || size == 1)
        return NB_OK;
    /* every rank's rows: counts differ by at most one for blocks, more for other splits */
    int64_t mine[2] = {(int64_t)i0, (int64_t)i1};
    int64_t *all = malloc(2 * (size_t)size * sizeof *all);
    int *counts = malloc(2 * (size_t)size * sizeof *counts);
    int rc = NB_OK;
    if (!all || !counts) {
        rc = nb_fail(err, NB_ERR_RUNTIME, "out of memory for the rank table");
        goto out;
    }
    if (MPI_Allgather(mine, 2, MPI_INT64_T, all, 2, MPI_INT64_T, MPI_COMM_WORLD) !=
        MPI_SUCCESS) {
        rc = nb_fail(err, NB_ERR_RUNTIME, "MPI_Allgather of the row table failed");
        goto out;
    }
    int *displs = counts + size;
    for (int r = 0; r < size; r++) {
        int64_t c = all[2 * r + 1] - all[2 * r];
        if (all[2 * r] != (r ? all[2 * r - 1] : 0) || c < 0 || c > INT_MAX ||
            (r == size - 1 && all[2 * r + 1] != (int64_t)n) || all[2 * r] > INT_MAX) {
            rc = nb_fail(err, NB_ERR_RUNTIME,
                         "internal: rank rows do not tile [0, %zu) in rank order (or exceed "
                         "MPI's int counts)", n);
            goto out;
        }
        counts[r] = (int)c;
        displs[r] = (int)all[2 * r];
    }
    if (MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, a, counts, displs, MPI_DOUBLE,
                       MPI_COMM_WORLD) != MPI_SUCCESS) {
        rc = nb_fail(err, NB_ERR_RUNTIME, "MPI_Allgatherv failed");
        goto out;
    }
    /* sent: our rows to each other rank; received: everyone else's rows */
    bytes += (double)(i1 - i0) * sizeof(double) * (size - 1) +
             (double)(n - (i1 - i0)) * sizeof(double);
out:
    free(all);
    free(counts);
    return rc;
}

int nb_comm_agree(int rc, nb_error *err)
{
    if (!active || size == 1)
        return rc;
    int worst = rc, who;
    MPI_Allreduce(&rc, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (worst == NB_OK)
        return NB_OK;
    int me = rc == worst ? rank : size;
    MPI_Allreduce(&me, &who, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    nb_error tmp;
    nb_error *e = err ? err : &tmp;
    if (rank != who)
        e->code = worst;
    MPI_Bcast(e->msg, (int)sizeof e->msg, MPI_CHAR, who, MPI_COMM_WORLD);
    e->msg[sizeof e->msg - 1] = '\0';
    e->code = worst;
    return worst;
}

int nb_comm_share(int rc, nb_error *err)
{
    if (!active || size == 1)
        return rc;
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rc == NB_OK)
        return NB_OK;
    nb_error tmp;
    nb_error *e = err ? err : &tmp;
    MPI_Bcast(e->msg, (int)sizeof e->msg, MPI_CHAR, 0, MPI_COMM_WORLD);
    e->msg[sizeof e->msg - 1] = '\0';
    e->code = rc;
    return rc;
}

int nb_comm_any(int flag)
{
    if (!active || size == 1)
        return flag;
    int any = flag;
    MPI_Allreduce(&flag, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return any;
}

int nb_comm_compare(uint64_t digest, int *mine, char *ranks, size_t cap)
{
    *mine = 0;
    if (cap)
        ranks[0] = '\0';
    if (!active || size == 1)
        return 0;
    uint64_t root = digest;
    MPI_Bcast(&root, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    *mine = digest != root;
    /* a flag from each rank; at start-up, so the P ints cost nothing */
    int *all = malloc((size_t)size * sizeof *all), count = 0;
    if (!all) { /* the count alone, without the list */
        MPI_Allreduce(mine, &count, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
        if (count && cap)
            snprintf(ranks, cap, "...");
        return count;
    }
    MPI_Allgather(mine, 1, MPI_INT, all, 1, MPI_INT, MPI_COMM_WORLD);
    size_t len = 0;
    int cut = 0;
    for (int r = 0; r < size; r++) {
        if (!all[r])
            continue;
        char one[32];
        size_t k = (size_t)snprintf(one, sizeof one, "%s%d", count++ ? ", " : "", r);
        if (!cut && len + k + sizeof ", ..." <= cap) {
            memcpy(ranks + len, one, k + 1);
            len += k;
        } else if (!cut && len + sizeof ", ..." <= cap) {
            memcpy(ranks + len, ", ...", sizeof ", ...");
            cut = 1;
        }
    }
    free(all);
    return count;
}

void nb_comm_bcast(void *buf, size_t len)
{
    if (active && size > 1)
        MPI_Bcast(buf, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD);
}

void nb_comm_barrier(void)
{
    if (active && size > 1)
        MPI_Barrier(MPI_COMM_WORLD);
}

void nb_comm_abort(int code)
{
    if (active)
        MPI_Abort(MPI_COMM_WORLD, code);
    exit(code);
}

double nb_comm_bytes(void) { return bytes; }
