/* The run loop's integrator: the fixed leapfrog or the hierarchy of individual steps,
 * behind one begin / advance / count interface (app/stepper.h). */
#include "app/stepper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "physics/integrator.h"

/* timestep.h's force callback: the active particles' forces from the sources at their
 * current positions. All of them active: the whole evaluation, as nb_force_compute does
 * (the same bits by the kernel contract, the list being every index in order). */
static int accel(void *ctx, nb_particles *p, const uint32_t *active, size_t nactive,
                 double *pot, nb_error *err)
{
    nb_force *f = ctx;
    int rc = nb_force_prepare(f, p, err);
    if (rc)
        return rc;
    return nb_force_evaluate(f, p, nactive == p->n ? NULL : active, nactive, pot, err);
}

int nb_stepper_init(nb_stepper *st, const nb_config *c, nb_force *f, size_t n, nb_error *err)
{
    memset(st, 0, sizeof *st);
    st->adaptive = !strcmp(c->timestep, "adaptive");
    st->dt = c->dt;
    st->force = f;
    st->reads_accel = nb_kernel_reads_accel(f->kernel, &c->kp);
    if (!st->adaptive)
        return NB_OK;
    nb_timestep_params tp;
    nb_timestep_params_defaults(&tp);
    tp.dt = c->dt;
    tp.eta = c->eta;
    tp.eps = c->softening;
    tp.max_bins = c->max_bins;
    return nb_timestep_init(&st->ts, n, &tp, err);
}

void nb_stepper_free(nb_stepper *st)
{
    if (st->adaptive)
        nb_timestep_free(&st->ts);
    memset(st, 0, sizeof *st);
}

/* p->bin from the hierarchy's bins: what a snapshot stores. */
static void copy_bins(const nb_stepper *st, nb_particles *p)
{
    for (size_t i = 0; i < p->n; i++)
        p->bin[i] = st->adaptive ? st->ts.bin[i] : 0;
}

int nb_stepper_begin(nb_stepper *st, nb_particles *p, int restart, const int32_t *bins,
                     uint64_t evaluations, const char *what, nb_error *err)
{
    int rc;
    /* the snapshot's accelerations are the force at its positions (bins from the
     * snapshot: with bins from the criterion the potential it may need is not there) */
    int keep = restart == NB_STEPPER_RESTART_SAME_FORCES && st->reads_accel &&
               (!st->adaptive || bins);
    if (!st->adaptive) {
        rc = keep ? NB_OK : nb_force_compute(st->force, p, NULL, err);
        st->evaluations = restart ? evaluations : p->n;
    } else {
        uint8_t *b = NULL;
        if (restart && bins) {
            for (size_t i = 0; i < p->n; i++)
                if (bins[i] < 0 || bins[i] > st->ts.par.max_bins) {
                    /* the row in its type's group (the store holds the groups in order) */
                    size_t first = i;
                    while (first > 0 && p->type[first - 1] == p->type[i])
                        first--;
                    return nb_fail(err, NB_ERR_INPUT, "%s: /PartType%d/TimeBin row %zu is %d, "
                                   "expected a bin from 0 to integrator.max_bins = %d (raise "
                                   "max_bins to restart it)", what, (int)p->type[i], i - first,
                                   (int)bins[i], st->ts.par.max_bins);
                }
            if (!(b = calloc(p->n ? p->n : 1, 1)))
                return nb_fail(err, NB_ERR_RUNTIME, "out of memory for %zu time bins", p->n);
            for (size_t i = 0; i < p->n; i++)
                b[i] = (uint8_t)bins[i];
        }
        /* NULL: the first force is the snapshot's accelerations, kept */
        rc = nb_timestep_begin(&st->ts, p, keep ? NULL : accel, st->force, b, err);
        free(b);
        if (restart)
            st->ts.evaluations = evaluations;
    }
    if (!rc)
        copy_bins(st, p);
    return rc;
}

int nb_stepper_advance(nb_stepper *st, nb_particles *p, nb_error *err)
{
    if (!st->adaptive) {
        st->evaluations += p->n;
        return nb_integrator_step(p, st->force, st->dt, NULL, err);
    }
    int rc = nb_timestep_advance(&st->ts, p, accel, st->force, err);
    if (!rc)
        copy_bins(st, p);
    return rc;
}

uint64_t nb_stepper_evaluations(const nb_stepper *st)
{
    return st->adaptive ? st->ts.evaluations : st->evaluations;
}

void nb_stepper_bin_range(const nb_stepper *st, int *lo, int *hi)
{
    uint64_t counts[NB_TIMESTEP_MAX_BINS + 1];
    *lo = *hi = 0;
    if (st->adaptive)
        nb_timestep_histogram(&st->ts, counts, lo, hi);
}

uint64_t nb_stepper_clipped(const nb_stepper *st)
{
    return st->adaptive ? st->ts.clipped : 0;
}

int nb_stepper_create_bins(const nb_stepper *st, nb_energylog *log, const nb_config *c,
                           size_t n, const char *run_id, nb_error *err)
{
    char path[NB_PATH_MAX + 32];
    if (!st->adaptive)
        return NB_OK;
    snprintf(path, sizeof path, "%s/timebins.csv", c->output_dir);
    return nb_timebins_create(log, path, c, n, run_id, err);
}

int nb_stepper_log_bins(const nb_stepper *st, nb_energylog *log, long step, double time,
                        nb_error *err)
{
    uint64_t counts[NB_TIMESTEP_MAX_BINS + 1];
    if (!st->adaptive || !log->f)
        return NB_OK;
    nb_timestep_histogram(&st->ts, counts, NULL, NULL);
    return nb_timebins_append(log, step, time, counts, st->ts.par.max_bins + 1, err);
}

void nb_stepper_report(const nb_stepper *st, const nb_particles *p, FILE *out)
{
    const nb_timestep *ts = &st->ts;
    if (!st->adaptive || ts->clipped == 0)
        return;
    size_t i = ts->clip_index;
    fprintf(out, "nbody: warning: %llu step%s needed a bin deeper than integrator.max_bins = %d "
            "(step dt / 2^%d) and took that bin, less accurately (the last: particle %llu, "
            "index %zu); raise integrator.max_bins or take a smaller integrator.dt\n",
            (unsigned long long)ts->clipped, ts->clipped > 1 ? "s" : "", ts->par.max_bins,
            ts->par.max_bins, i < p->n ? (unsigned long long)p->id[i] : 0ULL, i);
}
