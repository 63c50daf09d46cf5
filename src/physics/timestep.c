/* Hierarchical power-of-two time steps (GADGET-2's and SWIFT's scheme): an integer time
 * line, kick-drift-kick over the bins, forces for the active particles only. No I/O. */
#include "physics/timestep.h"
#include "physics/integrator.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void nb_timestep_params_defaults(nb_timestep_params *tp)
{
    tp->eta = 0.025;
    tp->max_bins = 30;
    tp->heavy_ratio = 10.0;
}

int nb_timestep_init(nb_timestep *ts, size_t n, const nb_timestep_params *tp,
                     nb_error *err)
{
    memset(ts, 0, sizeof *ts);
    if (!(tp->dt > 0.0) || isinf(tp->dt))
        return nb_fail(err, NB_ERR_INPUT, "time steps: dt = %g (expected a time > 0)", tp->dt);
    if (!(tp->eta > 0.0) || isinf(tp->eta))
        return nb_fail(err, NB_ERR_INPUT, "time steps: eta = %g (expected a number > 0)",
                       tp->eta);
    if (!(tp->eps >= 0.0) || isinf(tp->eps))
        return nb_fail(err, NB_ERR_INPUT, "time steps: softening = %g (expected >= 0)",
                       tp->eps);
    if (isnan(tp->heavy_ratio))
        return nb_fail(err, NB_ERR_INPUT, "time steps: heavy_ratio is NaN (expected a number)");
    if (tp->max_bins < 0 || tp->max_bins > NB_TIMESTEP_MAX_BINS)
        return nb_fail(err, NB_ERR_INPUT, "time steps: max_bins = %d (expected 0 .. %d)",
                       tp->max_bins, NB_TIMESTEP_MAX_BINS);
    if (n > UINT32_MAX)
        return nb_fail(err, NB_ERR_INPUT, "time steps: %zu particles (at most %u)", n,
                       (unsigned)UINT32_MAX);
    ts->par = *tp;
    ts->n = n;
    ts->bin = calloc(n ? n : 1, sizeof *ts->bin);
    ts->active = malloc((n ? n : 1) * sizeof *ts->active);
    /* the potential is needed only by the unsoftened criterion */
    if (tp->eps == 0.0)
        ts->pot = nb_alloc_doubles(n ? n : 1);
    if (!ts->bin || !ts->active || (tp->eps == 0.0 && !ts->pot)) {
        nb_timestep_free(ts);
        return nb_fail(err, NB_ERR_RUNTIME, "time steps: out of memory for %zu particles", n);
    }
    return NB_OK;
}

void nb_timestep_free(nb_timestep *ts)
{
    free(ts->bin);
    free(ts->active);
    free(ts->pot);
    ts->bin = NULL;
    ts->active = NULL;
    ts->pot = NULL;
}

/* Step h_i = sqrt(2 eta L / |a_i|). With softening, L = eps (GADGET-2/4). Without, L =
 * |phi_i| / |a_i|, the distance at which the particle's potential and acceleration would
 * come from one point mass: exactly r on a Kepler orbit, where the step is then
 * sqrt(2 eta r^3 / G M), a fixed fraction of the local orbital time. The bin is the
 * shallowest whose step dt / 2^k is at most h (comparisons of exact powers of two). */
int nb_timestep_bin_wanted(const nb_timestep *ts, const nb_particles *p, size_t i)
{
    double a2 = p->ax[i] * p->ax[i] + p->ay[i] * p->ay[i] + p->az[i] * p->az[i];
    if (!(a2 > 0.0))
        return 0; /* no force: the longest step */
    double amag = sqrt(a2), h;
    if (ts->par.eps > 0.0)
        h = sqrt(2.0 * ts->par.eta * ts->par.eps / amag);
    else
        h = sqrt(2.0 * ts->par.eta * fabs(ts->pot[i])) / amag;
    int k = 0;
    while (k <= NB_TIMESTEP_MAX_BINS && ldexp(ts->par.dt, -k) > h)
        k++;
    return k; /* NaN h: 0, and the run's non-finite check reports the particle */
}

/* max_bins, counting the particle that needed more */
static int clip(nb_timestep *ts, size_t i, int want)
{
    if (want <= ts->par.max_bins)
        return want;
    ts->clipped++;
    ts->clip_index = i;
    ts->clip_tick = ts->tick;
    return ts->par.max_bins;
}

static int is_heavy(const nb_timestep *ts, const nb_particles *p, size_t i)
{
    return ts->par.heavy_ratio > 0.0 && p->m[i] >= ts->heavy_mass;
}

static int deepest(const uint64_t *count, int m)
{
    int k = m;
    while (k > 0 && !count[k])
        k--;
    return k;
}

static void kick(nb_particles *p, size_t i, double h)
{
    p->vx[i] += h * p->ax[i];
    p->vy[i] += h * p->ay[i];
    p->vz[i] += h * p->az[i];
}

/* half of bin b's step: dt / 2^(b+1), exact */
static double half_step(const nb_timestep *ts, int b)
{
    return 0.5 * ldexp(ts->par.dt, -b);
}

int nb_timestep_begin(nb_timestep *ts, nb_particles *p, nb_accel_fn accel, void *ctx,
                      const uint8_t *bins, nb_error *err)
{
    if (bins)
        for (size_t i = 0; i < ts->n; i++)
            if (bins[i] > ts->par.max_bins)
                return nb_fail(err, NB_ERR_INPUT,
                               "time steps: particle %zu is in bin %d, deeper than max_bins "
                               "= %d (expected the run's max_bins or more)",
                               i, bins[i], ts->par.max_bins);
    if (!accel && !bins)
        return nb_fail(err, NB_ERR_INPUT, "time steps: no force callback and no bins (the "
                       "criterion needs a force evaluation)");
    if (accel) {
        for (size_t i = 0; i < ts->n; i++)
            ts->active[i] = (uint32_t)i;
        int rc = accel(ctx, p, ts->active, ts->n, ts->pot, err);
        if (rc)
            return rc;
    }
    ts->tick = 0;
    double mass = 0.0;
    for (size_t i = 0; i < ts->n; i++)
        mass += p->m[i];
    ts->heavy_mass = ts->par.heavy_ratio * (mass / (double)(ts->n ? ts->n : 1));
    if (bins) {
        memcpy(ts->bin, bins, ts->n);
        return NB_OK;
    }
    uint64_t count[NB_TIMESTEP_MAX_BINS + 1] = {0};
    for (size_t i = 0; i < ts->n; i++) {
        ts->bin[i] = (uint8_t)clip(ts, i, nb_timestep_bin_wanted(ts, p, i));
        count[ts->bin[i]]++;
    }
    int deep = deepest(count, ts->par.max_bins);
    for (size_t i = 0; i < ts->n; i++)
        if (is_heavy(ts, p, i) && ts->bin[i] < deep)
            ts->bin[i] = (uint8_t)deep;
    ts->evaluations += ts->n;
    return NB_OK;
}

int nb_timestep_advance(nb_timestep *ts, nb_particles *p, nb_accel_fn accel, void *ctx,
                        nb_error *err)
{
    const int m = ts->par.max_bins;
    const uint64_t T = (uint64_t)1 << m;      /* ticks in one dt */
    const double tick_dt = ldexp(ts->par.dt, -m); /* exact */
    uint64_t count[NB_TIMESTEP_MAX_BINS + 1] = {0};
    /* every particle starts a step at the synchronised time: the opening half kicks */
    for (size_t i = 0; i < ts->n; i++) {
        count[ts->bin[i]]++;
        kick(p, i, half_step(ts, ts->bin[i]));
    }
    ts->tick = 0;
    while (ts->tick < T) {
        int deep = deepest(count, m);
        /* the next tick where a step ends: every step is aligned to its own length, so
         * it is the next multiple of the deepest occupied bin's */
        uint64_t d = T >> deep, next = (ts->tick / d + 1) * d;
        /* every particle moves on with the velocity of the middle of its own step, so
         * its position at the end of its step is its own KDK position */
        nb_integrator_drift(p, (double)(next - ts->tick) * tick_dt);
        ts->tick = next;
        size_t na = 0;
        for (size_t i = 0; i < ts->n; i++)
            if (ts->tick % (T >> ts->bin[i]) == 0)
                ts->active[na++] = (uint32_t)i;
        int rc = accel(ctx, p, ts->active, na, ts->pot, err);
        if (rc)
            return rc;
        ts->evaluations += na;
        ts->substeps++;
        for (size_t j = 0; j < na; j++) {
            size_t i = ts->active[j];
            int old = ts->bin[i];
            kick(p, i, half_step(ts, old)); /* closing half kick */
            /* a shorter step at once; a longer one only where the tick is on both grids
             * (at the synchronised time every bin is allowed) */
            int want = clip(ts, i, nb_timestep_bin_wanted(ts, p, i)), b = old;
            if (want >= old)
                b = want;
            else
                while (b > want && ts->tick % (T >> (b - 1)) == 0)
                    b--;
            count[old]--;
            count[b]++;
            ts->bin[i] = (uint8_t)b;
        }
        /* heavy particles: down to the deepest bin now occupied (a shorter step is always
         * allowed), then every active particle's opening half kick of its next step */
        deep = deepest(count, m);
        for (size_t j = 0; j < na; j++) {
            size_t i = ts->active[j];
            if (is_heavy(ts, p, i) && ts->bin[i] < deep) {
                count[ts->bin[i]]--;
                count[deep]++;
                ts->bin[i] = (uint8_t)deep;
            }
            if (ts->tick < T)
                kick(p, i, half_step(ts, ts->bin[i]));
        }
    }
    ts->tick = 0;
    return NB_OK;
}

void nb_timestep_histogram(const nb_timestep *ts, uint64_t *counts, int *lo, int *hi)
{
    for (int k = 0; k <= ts->par.max_bins; k++)
        counts[k] = 0;
    for (size_t i = 0; i < ts->n; i++)
        counts[ts->bin[i]]++;
    int l = ts->par.max_bins, h = 0;
    for (int k = 0; k <= ts->par.max_bins; k++)
        if (counts[k]) {
            if (k < l)
                l = k;
            h = k;
        }
    if (l > h)
        l = h = 0;
    if (lo)
        *lo = l;
    if (hi)
        *hi = h;
}
