/* A restart's set-up: the snapshot to continue from, its parameters (with the overrides),
 * the restart's checks, its time line and output numbering; then the run goes on through
 * the set-up and loop a new run shares (simulation.c, simulation_run.h). */
#include "app/simulation.h"

#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/agree.h"
#include "app/restart.h"
#include "app/simulation_run.h"
#include "app/stop.h"
#include "io/rundir.h"

int nb_simulation_restart(const char *target, const char *config_path,
                          const char *const *overrides, size_t n_overrides,
                          const nb_run_options *o, char *out_dir, size_t out_size,
                          nb_error *err)
{
    nb_sim s;
    memset(&s, 0, sizeof s);
    s.lock_fd = -1;
    s.wall0 = nb_wall_seconds();
    s.restart = 1;
    char *snap = s.snap;
    struct stat st;
    nb_stop_signals saved;
    nb_stop_catch(&saved);
    int rc;
    char lock[sizeof s.snap + 16] = ""; /* a lock file this restart created */

    if (stat(target, &st) != 0) {
        rc = nb_fail(err, NB_ERR_INPUT, "%s: no such snapshot or run directory", target);
        goto out;
    }
    /* lock first: a restart into the snapshot's own directory holds its lock before it
     * chooses and reads the snapshot, so no other run changes them in between (and an
     * interrupted restart's set-aside is finished first, io/rundir.h) */
    if (!nb_restart_overridden("run.output_dir", overrides, n_overrides)) {
        char dir[sizeof s.snap];
        snprintf(dir, sizeof dir, "%s", target);
        const char *d = S_ISDIR(st.st_mode) ? target : dirname(dir);
        snprintf(lock, sizeof lock, "%s/.nbody.lock", d);
        struct stat ls;
        if (lstat(lock, &ls) == 0)
            lock[0] = '\0';
        if ((rc = ROOT_ONLY(nb_rundir_lock(d, d, &s.lock_fd, err) ||
                            nb_rundir_recover(d, err) ? err->code : NB_OK)))
            goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        if ((rc = nb_snapshot_find_latest(target, snap, sizeof s.snap, err)))
            goto out;
    } else {
        snprintf(snap, sizeof s.snap, "%s", target);
    }
    if ((rc = nb_snapshot_read(snap, &s.p, &s.meta, err)))
        goto out;
    const nb_snapshot_meta *meta = &s.meta;

    if (config_path) {
        rc = nb_config_load(&s.c, config_path, overrides, n_overrides, err);
    } else {
        char name[NB_PATH_MAX + 128], *text = nb_restart_parameters(
            meta->parameters ? meta->parameters : "",
            nb_restart_new_units(overrides, n_overrides));
        snprintf(name, sizeof name, "%s:/Parameters", snap);
        rc = text ? nb_config_load_string(&s.c, text, name, overrides, n_overrides, err)
                  : nb_fail(err, NB_ERR_RUNTIME, "out of memory reading %s", name);
        free(text);
    }
    if (rc)
        goto out;
    char snap_copy[sizeof s.snap];
    snprintf(snap_copy, sizeof snap_copy, "%s", snap);
    snprintf(s.snap_dir, sizeof s.snap_dir, "%s", dirname(snap_copy));
    if (!nb_restart_overridden("run.output_dir", overrides, n_overrides)) {
        size_t len = strlen(s.snap_dir);
        if (len >= sizeof s.c.output_dir) {
            rc = nb_fail(err, NB_ERR_INPUT, "%s: directory name too long", snap);
            goto out;
        }
        memcpy(s.c.output_dir, s.snap_dir, len + 1);
    }
    if ((rc = nb_restart_check(&s.c, meta, snap, nb_rundir_same(s.c.output_dir, s.snap_dir),
                               !config_path, overrides, n_overrides, err)))
        goto out;
    /* the run goes on under its own identity (one derived from E0 for snapshots older
     * than run ids: the same for every snapshot and the energy log of one history) */
    if (meta->run_id[0])
        snprintf(s.run_id, sizeof s.run_id, "%s", meta->run_id);
    else
        nb_energylog_legacy_id(meta->e0, s.run_id, sizeof s.run_id);

    s.step = meta->step;
    s.time = meta->time;
    s.e0 = meta->e0;
    /* a new dt starts a new time origin at the snapshot */
    s.step_origin = s.c.dt == meta->dt ? meta->step_origin : meta->step;
    s.time_origin = s.c.dt == meta->dt ? meta->time_origin : meta->time;
    /* t_end may have changed; the end step is counted from the snapshot's own time, which
     * must lie on its own time line (a damaged one could ask for any number of steps),
     * and it may not go past step 1e15, the steps a parameter file may ask for (config.c's
     * t_end / dt) and the last a snapshot may hold (snapshot_read.c) */
    double line = meta->time_origin + (double)(meta->step - meta->step_origin) * meta->dt;
    double steps = (s.c.t_end - s.time) / s.c.dt;
    if (!(fabs(s.time - line) <= 1e-6 * meta->dt + 1e-12 * fabs(line))) {
        rc = nb_fail(err, NB_ERR_INPUT, "%s: /Integrator time = %.17g is off the snapshot's "
                     "time line, time_origin + (step - step_origin) * dt = %.17g: the snapshot "
                     "is damaged", snap, s.time, line);
        goto out;
    }
    if (steps > 1e15 - (double)s.step) {
        rc = nb_fail(err, NB_ERR_INPUT, "%s: integrator.t_end = %.17g is %.3g steps of dt = %g "
                     "after the snapshot's t = %.17g (step %ld), past the 1e15 steps a run may "
                     "take", s.c.source, s.c.t_end, steps, s.c.dt, s.time, s.step);
        goto out;
    }
    s.end_step = s.step + (steps < 0 ? 0 : (long)llround(steps));
    if (s.end_step <= s.step) {
        rc = nb_fail(err, NB_ERR_INPUT,
                     "%s: integrator.t_end = %.17g: the snapshot is already at t = %.17g; raise "
                     "t_end to continue", s.c.source, s.c.t_end, s.time);
        goto out;
    }
    /* A regular snapshot of the run that wrote it (on its schedule, or its last, at its
     * t_end) stays, whatever the restart's schedule: the next one gets the next number. A
     * checkpoint (a stop's, off that schedule and before that end) is superseded by the
     * next regular snapshot, so the directory ends up as the uninterrupted run's would.
     * Judged under the parameters and time line that wrote it; unknown: regular. */
    nb_config was;
    nb_error ignored;
    int unknown = nb_restart_written_under(meta, snap, &was, &ignored);
    s.same_forces = !unknown && nb_restart_same_forces(&s.c, &was);
    int regular = unknown ||
                  nb_sim_on_schedule(&was, s.step, meta->step_origin, meta->time_origin,
                                     meta->dt) ||
                  llround((was.t_end - meta->time) / meta->dt) <= 0;
    s.next_output = meta->output_index + (regular ? 1 : 0);
    snprintf(out_dir, out_size, "%s", s.c.output_dir);
    /* every rank refuses or starts together (each read the same files) */
    if (!(rc = nb_comm_agree(NB_OK, err)) && !(rc = nb_agree_config(&s.c, err)) &&
        !(rc = nb_agree_particles(&s.p, meta, err)))
        rc = nb_sim_start(&s, o, err);
    goto done;
out:
    rc = nb_comm_agree(rc, err);
done:
    if (rc == NB_ERR_INPUT && lock[0] && s.lock_fd >= 0) /* bad input: nothing written */
        unlink(lock);
    nb_stop_restore(&saved);
    nb_sim_free(&s);
    return rc;
}
