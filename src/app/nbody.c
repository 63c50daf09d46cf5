/* nbody: the program's entry point; everything else lives in the libraries. Under an MPI
 * launcher every rank runs the same command (core/comm.h); rank 0 alone speaks. */
#include <stdio.h>

#include "app/agree.h"
#include "app/cli.h"
#include "core/comm.h"

int main(int argc, char **argv)
{
    nb_comm_init(&argc, &argv);
    /* one voice: the ranks agree on every status and message, and rank 0 prints it */
    if (!nb_comm_root()) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) {
            /* nothing to do: the rank then speaks too */
        }
    }
    /* Ranks running different commands would wait forever in each other's collectives
     * (run's against info's none): they agree on the command line first, for every
     * command, and refuse together. */
    nb_error err;
    nb_error_clear(&err);
    int rc = nb_agree_command(argc, argv, &err);
    if (rc)
        fprintf(stderr, "nbody: %s\n", err.msg);
    else
        rc = nb_cli_main(argc, argv);
    /* A failed run (every rank agreed on it) leaves without MPI_Finalize: parallel HDF5
     * 1.10 shuts itself down inside MPI_Finalize and crashes there on a file whose close
     * failed (a full disk). mpirun still reports the ranks' status. */
    if (nb_comm_active() && rc == NB_ERR_RUNTIME)
        return rc;
    nb_comm_finalize();
    return rc;
}
