/* Stop requests: the signals that ask a run to write a restart snapshot and exit 3. */
#ifndef NB_STOP_H
#define NB_STOP_H

#include <signal.h>

/* SIGINT, SIGTERM, SIGHUP and SIGUSR1. SIGUSR1 is the one Open MPI's mpirun forwards to
 * the ranks without aborting the job (tools/nbody-mpirun), and the one batch systems are
 * usually asked to send before a time limit (Slurm's --signal=USR1@120). */
#define NB_STOP_NSIGNALS 4

typedef struct nb_stop_signals {
    struct sigaction old[NB_STOP_NSIGNALS];
} nb_stop_signals;

/* From the very start of a command, so a stop during set-up (generating particles, the
 * first force or potential) is honoured at the next safe point too: clears any earlier
 * request and installs the handlers, saving the old ones in saved. */
void nb_stop_catch(nb_stop_signals *saved);
/* Puts the old handlers back. */
void nb_stop_restore(const nb_stop_signals *saved);
/* The signal that asked for a stop since nb_stop_catch, or 0. */
int nb_stop_requested(void);

#endif
