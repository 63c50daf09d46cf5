/* A restart's checks against its snapshot and its take-over of the run directory: the set-
 * aside of a superseded history and the continued energy log, in the order io/rundir.h
 * gives (restart.h). */
#include "app/restart.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/params.h"
#include "io/rundir.h"

int nb_restart_overridden(const char *key, const char *const *ov, size_t n)
{
    size_t len = strlen(key);
    for (size_t k = 0; k < n; k++)
        if (!strncmp(ov[k], key, len) && ov[k][len] == '=')
            return 1;
    return 0;
}

int nb_restart_new_units(const char *const *ov, size_t n)
{
    return nb_restart_overridden("units.system", ov, n) ||
           nb_restart_overridden("units.length_in_cm", ov, n) ||
           nb_restart_overridden("units.mass_in_g", ov, n) ||
           nb_restart_overridden("units.velocity_in_cm_per_s", ov, n);
}

char *nb_restart_parameters(const char *text, int new_units)
{
    const char *head = "\nunits:\n{\n", *from = new_units ? strstr(text, head) : NULL;
    const char *to = from ? strstr(from + strlen(head), "};") : NULL;
    size_t keep = from ? (size_t)(from - text) + strlen(head) : strlen(text);
    char *out = malloc(strlen(text) + 1);
    if (out) {
        memcpy(out, text, keep);
        strcpy(out + keep, to ? to : text + keep);
    }
    return out;
}

int nb_restart_written_under(const nb_snapshot_meta *m, const char *snap, nb_config *was,
                             nb_error *err)
{
    char name[NB_PATH_MAX + 128];
    snprintf(name, sizeof name, "%s:/Parameters", snap);
    return nb_config_load_string(was, m->parameters ? m->parameters : "", name, NULL, 0, err);
}

static int same_units(const nb_config *a, const nb_config *b)
{
    return a->length_in_cm == b->length_in_cm && a->mass_in_g == b->mass_in_g &&
           a->velocity_in_cm_per_s == b->velocity_in_cm_per_s;
}

/* dt, G, softening and the units: a restart continues the same physics unless asked */
static int check_same_physics(const nb_config *c, const nb_snapshot_meta *m, const nb_config *was,
                              const char *const *ov, size_t n_ov, nb_error *err)
{
    int units_set = nb_restart_new_units(ov, n_ov);
    if (was && !same_units(c, was) && !units_set) {
        char now[512], then[512];
        return nb_fail(err, NB_ERR_INPUT, "%s: the units (%s) differ from the snapshot's (%s): "
                       "the restart would read its numbers in other units; to change them on "
                       "purpose pass them with --set (units.system or units.length_in_cm, "
                       "units.mass_in_g, units.velocity_in_cm_per_s)", c->source,
                       nb_config_units_line(c, now, sizeof now),
                       nb_config_units_line(was, then, sizeof then));
    }
    struct { const char *key; double now, was; int asked; } keys[] = {
        {"integrator.dt", c->dt, m->dt, 0},
        {"units.G", c->G, m->G, units_set}, /* new units bring their G */
        {"gravity.softening", c->softening, m->softening, 0},
    };
    for (size_t k = 0; k < 3; k++)
        if (keys[k].now != keys[k].was && !keys[k].asked &&
            !nb_restart_overridden(keys[k].key, ov, n_ov))
            return nb_fail(err, NB_ERR_INPUT,
                           "%s: %s = %.17g differs from the snapshot's %.17g: the restart would "
                           "not continue the same run; to change it on purpose pass "
                           "--set %s=%.17g", c->source, keys[k].key, keys[k].now, keys[k].was,
                           keys[k].key, keys[k].now);
    return NB_OK;
}

/* A restart into the snapshot's own directory keeps the run's snapshot base: the later-
 * snapshot retirement and `restart RUNDIR` go by the names there, and a second base would
 * split its history. The base is in the snapshot's /Parameters ("snapshot" in those written
 * before the key existed); another one is for a restart into a new directory. */
static int check_same_base(const nb_config *c, const nb_config *was, nb_error *err)
{
    if (!strcmp(was->snapshot_base, c->snapshot_base))
        return NB_OK;
    return nb_fail(err, NB_ERR_INPUT, "%s: output.snapshot_base = \"%s\" differs from the "
                   "snapshot's \"%s\": a restart into the run's own directory (%s) keeps its "
                   "snapshot names; pass --set output.snapshot_base=%s, or restart into a new "
                   "directory (--set 'run.output_dir=\"NEW\"') to name them otherwise",
                   c->source, c->snapshot_base, was->snapshot_base, c->output_dir,
                   was->snapshot_base);
}

int nb_restart_same_forces(const nb_config *c, const nb_config *was)
{
    const nb_kernel *k = nb_kernel_find(c->kernel);
    if (!k || strcmp(c->kernel, was->kernel) || c->G != was->G ||
        c->softening != was->softening)
        return 0;
    const void *a = nb_kernel_own_const(&c->kp, k), *b = nb_kernel_own_const(&was->kp, k);
    for (size_t i = 0; i < k->nkeys; i++)
        if (nb_param_get(a, &k->keys[i]) != nb_param_get(b, &k->keys[i]))
            return 0;
    return 1;
}

int nb_restart_check(const nb_config *c, const nb_snapshot_meta *m, const char *snap,
                     int same_dir, int from_snapshot, const char *const *ov, size_t n_ov,
                     nb_error *err)
{
    /* parameters this version no longer reads (with --config): dt, G and softening are
     * still checked, from /Integrator */
    nb_config was;
    int have = nb_restart_written_under(m, snap, &was, err) == NB_OK;
    if (check_same_physics(c, m, have ? &was : NULL, ov, n_ov, err))
        return err->code;
    if (!same_dir || (from_snapshot && !nb_restart_overridden("output.snapshot_base", ov, n_ov)))
        return NB_OK; /* c was read from those /Parameters */
    return have ? check_same_base(c, &was, err) : err->code;
}

/* The run's own directory: set its later history aside and continue its logs (restart.h):
 * energy.csv, and timebins.csv when there is one (cut even when the restart does not
 * continue it, so that it tells the same history). */
static int take_over(const nb_restart_dir *r, const char *path, nb_energylog *log,
                     const char *bins_path, nb_energylog *bins, nb_error *err)
{
    const nb_config *c = r->c;
    nb_superseded sup;
    char copy[sizeof sup.stage + 16], bins_copy[sizeof sup.stage + 16], columns[1024];
    int rc = nb_rundir_superseded_find(c->output_dir, c->snapshot_base, r->output_index, &sup,
                                       err);
    int has_log = !(access(path, F_OK) != 0 && errno == ENOENT);
    int has_bins = !(access(bins_path, F_OK) != 0 && errno == ENOENT);
    /* a row at an off-schedule restart step (the end of a shorter run, a checkpoint) is
     * one the uninterrupted run would not have: drop it with the later ones */
    nb_energylog_restart lr = {r->step % c->diagnostics_every == 0 ? r->step : r->step - 1,
                               r->step, r->time, c, r->n, r->run_id, NULL};
    snprintf(copy, sizeof copy, "%s/energy.csv", sup.stage);
    snprintf(bins_copy, sizeof bins_copy, "%s/timebins.csv", sup.stage);
    if (!rc && has_log)
        rc = nb_energylog_prepare_resume(path, &lr, sup.count ? copy : NULL, err);
    nb_timebins_columns(c->max_bins, columns, sizeof columns);
    lr.columns = columns;
    if (!rc && has_bins)
        rc = nb_energylog_prepare_resume(bins_path, &lr, sup.count ? bins_copy : NULL, err);
    if (!rc)
        rc = nb_rundir_commit(c->output_dir, &sup, err);
    if (rc) { /* nothing committed: drop what was staged */
        nb_error ignored;
        nb_rundir_recover(c->output_dir, &ignored);
    } else if (sup.count) {
        fprintf(stderr, "nbody: restart: moved %zu later snapshot%s (%s%s%s)%s into %s\n",
                sup.count, sup.count > 1 ? "s" : "", sup.names[0], sup.count > 1 ? " .. " : "",
                sup.count > 1 ? sup.names[sup.count - 1] : "",
                has_log ? has_bins ? ", copies of energy.csv and timebins.csv"
                                   : " and a copy of energy.csv" : "", sup.dir);
    }
    nb_rundir_free_names(sup.names, sup.count);
    if (rc)
        return rc;
    rc = has_log ? nb_energylog_open(log, path, err)
                 : nb_energylog_create(log, path, c, r->n, r->run_id, err);
    if (rc || !bins)
        return rc;
    return has_bins ? nb_energylog_open(bins, bins_path, err)
                    : nb_timebins_create(bins, bins_path, c, r->n, r->run_id, err);
}

int nb_restart_open_dir(const nb_restart_dir *r, nb_energylog *log, nb_energylog *bins,
                        nb_error *err)
{
    char path[NB_PATH_MAX + 32], bins_path[NB_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/energy.csv", r->c->output_dir);
    snprintf(bins_path, sizeof bins_path, "%s/timebins.csv", r->c->output_dir);
    if (r->own)
        return take_over(r, path, log, bins_path, bins, err);
    if (r->overwrite && nb_rundir_clear(r->c->output_dir, r->c->snapshot_base, r->keep, err))
        return err->code;
    int rc = nb_energylog_create(log, path, r->c, r->n, r->run_id, err);
    if (!rc && bins)
        rc = nb_timebins_create(bins, bins_path, r->c, r->n, r->run_id, err);
    return rc;
}
