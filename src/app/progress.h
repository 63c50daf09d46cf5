/* The progress line on stderr: refreshed in place on a terminal, plain periodic lines
 * otherwise, silent with --quiet. */
#ifndef NB_PROGRESS_H
#define NB_PROGRESS_H

typedef struct nb_progress {
    int enabled;
    int tty;            /* stderr is a terminal: rewrite one line with \r */
    double interval;    /* seconds between updates */
    double start, last; /* wall clock at start and at the last update */
    long first_step;    /* step the run (or restart) started from */
    long shown_step;    /* step of the last line printed, so the final one is not repeated */
    int drawn;          /* a \r line is on screen and needs a newline before other output */
    int bins;           /* adaptive time steps: the line ends with the occupied bins, */
    int bin_lo, bin_hi; /* "bins LO..HI", which the caller keeps current */
} nb_progress;

/* Monotonic wall clock in seconds. */
double nb_wall_seconds(void);

void nb_progress_init(nb_progress *pr, int quiet, long first_step);
/* Prints at most once per interval, and always when force is set; without "dE/E=" when
 * rel_energy_error is NaN (no energy row since the start has measured one). */
void nb_progress_update(nb_progress *pr, long step, long end_step, double time,
                        double rel_energy_error, int force);
/* Ends an in-place line so later messages start on a fresh line. */
void nb_progress_done(nb_progress *pr);

#endif
