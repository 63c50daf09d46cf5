/* The run loop and the set-up that new runs and restarts share: the output directory
 * (io/rundir), the output schedule, checkpoints on signals and the wall-clock limit; and a
 * new run (a restart's own set-up: restart_run.c). */
#include "app/simulation.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/agree.h"
#include "app/restart.h"
#include "app/setup.h"
#include "app/simulation_run.h"
#include "app/stepper.h"
#include "app/stop.h"
#include "core/comm.h"
#include "physics/diagnostics.h"
#include "io/energylog.h"
#include "physics/ics.h"
#include "gravity/force.h"
#include "gravity/potential.h"
#include "app/progress.h"
#include "app/runinfo.h"
#include "io/rundir.h"
#include "io/snapshot.h"

/* t has reached the requested time T: t >= T, to within a millionth of a step, so that
 * T = 0.3 is reached at step 30 of dt = 0.01 although 30 * 0.01 < 0.3 in doubles. */
static int reached(double t, double T, double dt)
{
    return t >= T - 1e-6 * dt;
}

/* The regular schedule: every snapshot_every steps, and the first step whose time reaches
 * each of snapshot_times and each multiple of snapshot_interval. A function of the step
 * and the time line (time = time_origin + (step - step_origin) * dt) alone, nothing
 * counted in memory, so a restart continues the same schedule. */
int nb_sim_on_schedule(const nb_config *c, long step, long step_origin, double time_origin,
                       double dt)
{
    if (step == 0)
        return 1;
    if (c->snapshot_every > 0 && step % c->snapshot_every == 0)
        return 1;
    if (step <= step_origin) /* no previous step on this time line to compare with */
        return 0;
    double now = time_origin + (double)(step - step_origin) * dt;
    double before = time_origin + (double)(step - 1 - step_origin) * dt;
    for (int k = 0; k < c->snapshot_times.n; k++) {
        double T = c->snapshot_times.t[k];
        if (reached(now, T, dt) && !reached(before, T, dt))
            return 1;
    }
    double iv = c->snapshot_interval, eps = 1e-6 * dt;
    return iv > 0 && floor((now + eps) / iv) > floor((before + eps) / iv);
}

static int snapshot_due(const nb_sim *s)
{
    return s->step == s->end_step ||
           nb_sim_on_schedule(&s->c, s->step, s->step_origin, s->time_origin, s->c.dt);
}

static int write_snapshot(nb_sim *s, nb_error *err)
{
    nb_snapshot_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.step = s->step;
    meta.time = s->time;
    meta.dt = s->c.dt;
    meta.step_origin = s->step_origin;
    meta.time_origin = s->time_origin;
    meta.output_index = s->next_output;
    meta.e0 = s->e0;
    meta.G = s->c.G;
    meta.softening = s->c.softening;
    meta.unit_length_in_cm = s->c.length_in_cm;
    meta.unit_mass_in_g = s->c.mass_in_g;
    meta.unit_velocity_in_cm_per_s = s->c.velocity_in_cm_per_s;
    snprintf(meta.kernel, sizeof meta.kernel, "%s", s->c.kernel);
    snprintf(meta.version, sizeof meta.version, "%s", NB_VERSION);
    snprintf(meta.run_id, sizeof meta.run_id, "%s", s->run_id);
    snprintf(meta.timestep, sizeof meta.timestep, "%s", s->c.timestep);
    meta.force_evaluations = (long)nb_stepper_evaluations(&s->st);
    meta.parameters = nb_config_format(&s->c);
    char path[NB_PATH_MAX + 64];
    nb_snapshot_path(path, sizeof path, s->c.output_dir, s->c.snapshot_base, s->next_output);
    int rc = meta.parameters ? NB_OK
                             : nb_fail(err, NB_ERR_RUNTIME, "out of memory formatting the parameters");
    size_t r0, r1;
    nb_comm_block(s->p.n, &r0, &r1);
    double t0 = nb_wall_seconds();
    if (!nb_comm_active())
        rc = rc ? rc : nb_snapshot_write(path, &s->p, &meta, s->c.compression, s->c.threads,
                                         err);
    else if (!(rc = nb_comm_agree(rc, err))) /* every rank its rows, one file */
        rc = nb_snapshot_write_rows(path, &s->p, r0, r1, &meta, s->c.compression,
                                    s->c.threads, err);
    free(meta.parameters);
    struct stat st;
    if (rc == NB_OK && nb_comm_root() && stat(path, &st) == 0) {
        s->snaps++;
        s->snap_bytes += (double)st.st_size;
        s->snap_seconds += nb_wall_seconds() - t0;
    }
    if (rc == NB_OK)
        s->next_output++;
    return rc;
}

/* run.checkpoint_every_seconds: a checkpoint when that much wall time has passed since
 * the last snapshot. Rank 0's clock decides for all ranks (they write one file together).
 * A checkpoint takes the number of the next regular snapshot, which replaces it in place
 * (docs/DESIGN.md, "Run directories"), as a stop's does; it changes no particle's bits. */
static int checkpoint_due(nb_sim *s)
{
    if (!(s->c.checkpoint_every_seconds > 0))
        return 0;
    int due = nb_comm_root() &&
              nb_wall_seconds() - s->last_save >= s->c.checkpoint_every_seconds;
    nb_comm_bcast(&due, sizeof due);
    return due;
}

static int write_checkpoint(nb_sim *s, nb_error *err)
{
    int rc = write_snapshot(s, err);
    if (rc == NB_OK)
        s->next_output--;
    return rc;
}

/* energy.csv's potential kernel, if not the exact sum (output.potential), with the own
 * parameters its energy_potential hook chooses (for "auto", a tree's small opening angle),
 * and its scratch: a force of its own, never the run's. */
static int potential_init(nb_sim *s, nb_error *err)
{
    const nb_kernel *pk = nb_config_potential_kernel(&s->c, s->p.n);
    if (!pk)
        return NB_OK;
    nb_kernel_params kp = nb_config_kernel_params(&s->c);
    nb_kernel_energy_params(pk, s->c.potential, &kp, NULL, 0);
    int rc = nb_force_init(&s->pot_force, pk->name, &kp, s->p.n, err);
    for (int k = 0; k < 4 && !rc; k++)
        if (!(s->scratch[k] = nb_alloc_doubles(s->p.n ? s->p.n : 1)))
            rc = nb_fail(err, NB_ERR_RUNTIME, "out of memory for the %s potential's "
                         "scratch (%zu particles)", pk->name, s->p.n);
    return rc;
}

/* The potential energy for energy.csv: the exact pair sum, or (output.potential) a kernel's
 * per-particle potentials, W = 1/2 sum m_i phi_i, added in index order. That kernel runs
 * on a view of the particles whose accelerations go to scratch, so the run's own
 * accelerations (and with them its bits) never depend on the energy log. */
static int potential_energy(nb_sim *s, double *W, nb_error *err)
{
    if (!s->pot_force.kernel) {
        return nb_potential_energy_ranks(&s->p, s->c.G, s->c.softening, s->c.threads, W,
                                         err);
    }
    nb_particles view = s->p;
    view.ax = s->scratch[0];
    view.ay = s->scratch[1];
    view.az = s->scratch[2];
    int rc = nb_force_compute(&s->pot_force, &view, s->scratch[3], err);
    if (rc)
        return rc;
    double w = 0.0;
    for (size_t i = 0; i < s->p.n; i++)
        w += s->p.m[i] * s->scratch[3][i];
    *W = 0.5 * w;
    return NB_OK;
}

static int log_energy(nb_sim *s, nb_error *err)
{
    nb_diag d;
    double W;
    int rc = potential_energy(s, &W, err);
    if (rc)
        return rc;
    nb_diagnostics_with_potential(&s->p, W, &d);
    if (s->step == 0 && s->e0 == 0.0)
        s->e0 = d.total;
    s->last_rel_error = nb_diagnostics_rel_error(d.total, s->e0);
    return ROOT_ONLY(nb_energylog_append(&s->log, s->step, s->time, &d, s->e0,
                                         nb_wall_seconds() - s->wall0,
                                         nb_stepper_evaluations(&s->st), err) ||
                     nb_stepper_log_bins(&s->st, &s->bins, s->step, s->time, err)
                     ? err->code : NB_OK);
}

static int loop(nb_sim *s, nb_error *err)
{
    const nb_config *c = &s->c;
    int rc = NB_OK;
    while (s->step < s->end_step) {
        rc = nb_stepper_advance(&s->st, &s->p, err);
        if (rc)
            break;
        s->step++;
        s->time = s->time_origin + (double)(s->step - s->step_origin) * c->dt;
        size_t bad = nb_particles_find_nonfinite(&s->p);
        if (bad < s->p.n) {
            rc = nb_fail(err, NB_ERR_RUNTIME,
                         "step %ld (t=%.9g): particle %llu (index %zu) has a non-finite "
                         "position, velocity or acceleration; stopping (earlier snapshots are "
                         "intact; a smaller integrator.dt or a larger gravity.softening may help)",
                         s->step, s->time, (unsigned long long)s->p.id[bad], bad);
            break;
        }
        if (s->step % c->diagnostics_every == 0 || s->step == s->end_step)
            if ((rc = log_energy(s, err)))
                break;
        int saved = snapshot_due(s);
        if (saved)
            rc = write_snapshot(s, err);
        else if ((saved = checkpoint_due(s)))
            rc = write_checkpoint(s, err);
        if (rc)
            break;
        if (saved)
            s->last_save = nb_wall_seconds();
        nb_stepper_bin_range(&s->st, &s->progress.bin_lo, &s->progress.bin_hi);
        nb_progress_update(&s->progress, s->step, s->end_step, s->time, s->last_rel_error, 0);
        int out_of_time = c->max_wall_seconds > 0 &&
                          nb_wall_seconds() - s->wall0 >= c->max_wall_seconds;
        /* any rank's signal or clock stops every rank at this same step */
        if (nb_comm_any(nb_stop_requested() || out_of_time) && s->step < s->end_step) {
            if (!saved && (rc = write_snapshot(s, err)))
                break;
            nb_progress_done(&s->progress);
            char again[NB_PATH_MAX + 64];
            nb_runinfo_continue_command(again, sizeof again, c->output_dir);
            rc = nb_fail(err, NB_STOPPED, "stopped at step %ld (t=%.9g) by %s; wrote a restart "
                         "snapshot in %s; continue with: %s", s->step, s->time,
                         nb_stop_requested() ? "a signal" : "run.max_wall_seconds",
                         c->output_dir, again);
            break;
        }
    }
    if (rc == NB_OK)
        nb_progress_update(&s->progress, s->step, s->end_step, s->time, s->last_rel_error, 1);
    nb_progress_done(&s->progress);
    if (nb_comm_root()) {
        nb_stepper_report(&s->st, &s->p, stderr);
        if (s->progress.enabled)
            nb_runinfo_snapshots(s->snaps, s->snap_bytes, s->snap_seconds,
                                 nb_wall_seconds() - s->wall0, stderr);
        if (rc == NB_OK || rc == NB_STOPPED)
            nb_runinfo_check_energy(c, s->last_rel_error, stderr);
    }
    return rc;
}

void nb_sim_free(nb_sim *s)
{
    nb_energylog_close(&s->log, NULL);
    nb_energylog_close(&s->bins, NULL);
    nb_stepper_free(&s->st);
    nb_force_free(&s->force);
    nb_force_free(&s->pot_force);
    for (int k = 0; k < 4; k++)
        free(s->scratch[k]);
    nb_particles_free(&s->p);
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    nb_snapshot_meta_free(&s->meta);
}

/* What the output directory may hold: a new run needs it free of run files (or
 * --overwrite); a restart writes only into its own run's directory (the run id of its
 * energy.csv, io/rundir.h: s->own), one free of run files, or with --overwrite another's.
 * Checked before anything is written, and again under the lock. */
static int check_dir_contents(nb_sim *s, const nb_run_options *o, nb_error *err)
{
    const nb_config *c = &s->c;
    char found[64] = "";
    int here = s->restart && nb_rundir_same(c->output_dir, s->snap_dir);
    if (s->restart && nb_rundir_owner(c->output_dir, s->run_id, here, &s->own, found,
                                      sizeof found, err))
        return err->code;
    if (o->overwrite || s->own)
        return NB_OK;
    int files = nb_rundir_count(c->output_dir, c->snapshot_base, err);
    if (files < 0)
        return err->code;
    if (files == 0)
        return NB_OK;
    /* a run still going there is what to say first (this process holds no lock yet) */
    if (s->lock_fd < 0 && nb_rundir_busy(c->output_dir, err))
        return err->code;
    if (here)
        return nb_fail(err, NB_ERR_INPUT,
                       "%s: run id %s, but %s/energy.csv is run %s's: the snapshot was copied "
                       "or linked there from another run; restart it into a new directory "
                       "(--set 'run.output_dir=\"NEW\"'), or pass --overwrite to replace "
                       "that run's files", s->snap, s->run_id, c->output_dir, found);
    if (s->restart)
        return nb_fail(err, NB_ERR_INPUT,
                       "%s: run.output_dir: '%s' holds another run's files (energy.csv, "
                       "snapshots); a restart writes only into its own run's directory ('%s') "
                       "or an empty one; pass --overwrite to replace them", c->source,
                       c->output_dir, s->snap_dir);
    return nb_fail(err, NB_ERR_INPUT,
                   "%s: run.output_dir: '%s' already holds an earlier run's files "
                   "(energy.csv, snapshots); pass --overwrite to replace them, or choose "
                   "another run.output_dir", c->source, c->output_dir);
}

/* A stop during a restart's set-up, before it has written anything: the directory is left
 * as it was (one the restart created is removed again, with its lock file), so the same
 * restart can simply be run again. */
static int stopped_in_setup(nb_sim *s, int missing, nb_error *err)
{
    if (nb_comm_root() && missing)
        nb_rundir_uncreate(s->c.output_dir, missing);
    return nb_fail(err, NB_STOPPED, "stopped at step %ld (t=%.9g) by a signal during the "
                   "restart's set-up, before anything was written: %s was left as it was%s; "
                   "restart from %s again", s->step, s->time, s->c.output_dir,
                   missing ? " (not created)" : "", s->snap);
}

/* The set-up a new run and a restart share, once the configuration and the particles are
 * known: kernel, output directory (checked, locked, checked again), first force, energy
 * log, and for a new run its step-0 row and snapshot; then the loop. */
int nb_sim_start(nb_sim *s, const nb_run_options *o, nb_error *err)
{
    const nb_config *c = &s->c;
    char key[NB_PATH_MAX + 32], path[NB_PATH_MAX + 32];
    snprintf(key, sizeof key, "%s: run.output_dir", c->source);
    int missing = 0, rc;
    /* everything that can be wrong with the input is found before anything is written */
    if ((rc = nb_config_check_kernel(c, s->p.n, err)) ||
        (rc = ROOT_ONLY(nb_rundir_check(c->output_dir, key, &missing, err) ||
                        check_dir_contents(s, o, err) ? err->code : NB_OK)))
        return rc;
    nb_kernel_params kp = nb_config_kernel_params(c);
    rc = nb_force_init(&s->force, c->kernel, &kp, s->p.n, err);
    if (!rc)
        rc = nb_stepper_init(&s->st, c, &s->force, s->p.n, err);
    if (!rc)
        rc = potential_init(s, err);
    if ((rc = nb_comm_agree(rc, err)))
        return rc;
    /* another run may have written there between the check and the lock: check again
     * (a restart into the snapshot's own directory holds its lock already, taken before it
     * chose its snapshot: nb_simulation_restart, restart_run.c) */
    if ((rc = ROOT_ONLY((s->lock_fd < 0 &&
                         (nb_rundir_lock(c->output_dir, key, &s->lock_fd, err) ||
                          nb_rundir_recover(c->output_dir, err))) ||
                        check_dir_contents(s, o, err) ||
                        (o->overwrite && !s->restart &&
                         nb_rundir_clear(c->output_dir, c->snapshot_base, NULL, err))
                        ? err->code : NB_OK)))
        return rc;
    if (!o->quiet && nb_comm_root()) /* once the input is known good and the directory ours */
        nb_runinfo_summary(c, s->p.n, s->step, s->end_step, s->restart ? s->snap : NULL,
                           stderr);
    snprintf(path, sizeof path, "%s/energy.csv", c->output_dir);
    if (s->restart) {
        /* the directory is changed only once the set-up has nothing left that may fail or
         * be stopped */
        int adaptive_snap = !strcmp(s->meta.timestep, "adaptive");
        int how = s->same_forces ? NB_STEPPER_RESTART_SAME_FORCES : NB_STEPPER_RESTART;
        if ((rc = nb_comm_agree(nb_stepper_begin(&s->st, &s->p, how,
                                                 adaptive_snap ? s->p.bin : NULL,
                                                 (uint64_t)s->meta.force_evaluations, s->snap,
                                                 err), err)))
            return rc;
        if (nb_comm_any(nb_stop_requested()))
            return stopped_in_setup(s, missing, err);
        char name[sizeof s->snap];
        snprintf(name, sizeof name, "%s", s->snap);
        nb_restart_dir rd = {c, s->step, s->meta.output_index, s->time, s->p.n, s->run_id,
                             s->own, o->overwrite,
                             nb_rundir_same(c->output_dir, s->snap_dir) ? basename(name) : NULL};
        if ((rc = ROOT_ONLY(nb_restart_open_dir(&rd, &s->log, s->st.adaptive ? &s->bins : NULL,
                                                err))))
            return rc;
    } else if ((rc = nb_stepper_begin(&s->st, &s->p, NB_STEPPER_NEW, NULL, 0, c->source, err)) ||
               (rc = ROOT_ONLY(nb_energylog_create(&s->log, path, c, s->p.n, s->run_id, err) ||
                               nb_stepper_create_bins(&s->st, &s->bins, c, s->p.n, s->run_id,
                                                      err) ? err->code : NB_OK)) ||
               (rc = log_energy(s, err)) || (rc = write_snapshot(s, err))) {
        return rc;
    }
    if (nb_comm_any(nb_stop_requested())) { /* during set-up: restartable from here */
        nb_runinfo_continue_command(path, sizeof path, c->output_dir);
        return nb_fail(err, NB_STOPPED, "stopped at step %ld (t=%.9g) by a signal during "
                       "set-up; %s holds a restart snapshot; continue with: %s", s->step,
                       s->time, c->output_dir, path);
    }
    if (nb_comm_root()) /* p holds the accelerations at the start */
        nb_runinfo_check_step(c, &s->p, stderr);
    s->last_rel_error = NAN; /* the progress line shows no error before a row measures one */
    s->last_save = nb_wall_seconds();
    nb_progress_init(&s->progress, o->quiet, s->step);
    s->progress.bins = s->st.adaptive;
    nb_stepper_bin_range(&s->st, &s->progress.bin_lo, &s->progress.bin_hi);
    return loop(s, err);
}

int nb_simulation_run(const nb_config *c, const nb_run_options *o, nb_error *err)
{
    nb_sim s;
    memset(&s, 0, sizeof s);
    s.c = *c;
    s.lock_fd = -1;
    s.wall0 = nb_wall_seconds();
    s.end_step = nb_config_steps(c);
    if (nb_comm_root()) /* the run's identity: one for all ranks, written by all */
        nb_rundir_new_id(s.run_id, sizeof s.run_id);
    nb_comm_bcast(s.run_id, sizeof s.run_id);
    nb_stop_signals saved;
    nb_stop_catch(&saved);
    int rc = nb_setup_check_memory(c, err);
    if (!rc)
        rc = nb_setup_particles(c, &s.p, err);
    if (!(rc = nb_comm_agree(rc, err)) && !(rc = nb_agree_particles(&s.p, NULL, err)))
        rc = nb_sim_start(&s, o, err);
    nb_stop_restore(&saved);
    nb_sim_free(&s);
    return rc;
}
