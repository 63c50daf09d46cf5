/* Progress reporting for long runs: step, simulated time, steps/s, ETA, energy error. */
#include "app/progress.h"

#include <math.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

double nb_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void nb_progress_init(nb_progress *pr, int quiet, long first_step)
{
    pr->enabled = !quiet;
    pr->tty = isatty(STDERR_FILENO);
    pr->interval = pr->tty ? 0.5 : 10.0;
    pr->start = pr->last = nb_wall_seconds();
    pr->first_step = first_step;
    pr->drawn = 0;
    pr->shown_step = -1;
}

static void format_eta(char *buf, size_t size, double s)
{
    if (!isfinite(s) || s < 0)
        snprintf(buf, size, "?");
    else if (s < 120)
        snprintf(buf, size, "%.0fs", s);
    else if (s < 7200)
        snprintf(buf, size, "%.0fm%02.0fs", floor(s / 60), fmod(s, 60));
    else
        snprintf(buf, size, "%.0fh%02.0fm", floor(s / 3600), floor(fmod(s, 3600) / 60));
}

void nb_progress_update(nb_progress *pr, long step, long end_step, double time,
                        double rel_energy_error, int force)
{
    if (!pr->enabled)
        return;
    double now = nb_wall_seconds();
    if ((!force && now - pr->last < pr->interval) || step == pr->shown_step)
        return;
    pr->last = now;
    pr->shown_step = step;
    double rate = (double)(step - pr->first_step) / fmax(now - pr->start, 1e-9);
    char eta[32];
    format_eta(eta, sizeof eta, rate > 0 ? (double)(end_step - step) / rate : NAN);
    char bins[48] = "", de[32] = "";
    if (pr->bins)
        snprintf(bins, sizeof bins, "  bins %d..%d", pr->bin_lo, pr->bin_hi);
    if (!isnan(rel_energy_error))
        snprintf(de, sizeof de, "  dE/E=%+.3e", rel_energy_error);
    fprintf(stderr, "%sstep %ld/%ld  t=%.6g  %.3g steps/s  ETA %s%s%s%s",
            pr->tty ? "\r" : "", step, end_step, time, rate, eta, de, bins,
            pr->tty ? "\033[K" : "\n");
    fflush(stderr);
    pr->drawn = pr->tty;
}

void nb_progress_done(nb_progress *pr)
{
    if (pr->enabled && pr->drawn) {
        fputc('\n', stderr);
        pr->drawn = 0;
    }
}
