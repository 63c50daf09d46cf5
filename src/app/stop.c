/* Stop requests: a signal handler that only records the signal; the run loop reads it once
 * per step and stops at a safe point. */
#include "app/stop.h"

#include <string.h>

static const int stop_signals[NB_STOP_NSIGNALS] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1};

/* The one piece of process-wide state a stop needs: a handler cannot be handed a context. */
static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig)
{
    stop_signal = sig;
}

void nb_stop_catch(nb_stop_signals *saved)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    for (size_t k = 0; k < NB_STOP_NSIGNALS; k++)
        sigaction(stop_signals[k], &sa, &saved->old[k]);
}

void nb_stop_restore(const nb_stop_signals *saved)
{
    for (size_t k = 0; k < NB_STOP_NSIGNALS; k++)
        sigaction(stop_signals[k], &saved->old[k], NULL);
}

int nb_stop_requested(void)
{
    return stop_signal;
}
