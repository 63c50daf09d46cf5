/* The run loop and everything around it that touches the output directory: locking,
 * refusing to clobber an earlier run, the output schedule, checkpoints and restarts. */
#include "app/simulation.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "physics/diagnostics.h"
#include "io/energylog.h"
#include "physics/ics.h"
#include "physics/integrator.h"
#include "gravity/kernels.h"
#include "app/progress.h"
#include "io/snapshot.h"

/* Set by the signal handler, read once per step: the one piece of process-wide state
 * the loop needs, since a handler cannot be handed a context. */
static volatile sig_atomic_t stop_signal = 0;

static void on_signal(int sig)
{
    stop_signal = sig;
}

typedef struct sim {
    nb_config c;
    nb_particles p;
    nb_force force;
    nb_energylog log;
    long step, end_step, next_output;
    long step_origin;   /* time = time_origin + (step - step_origin) * dt: no accumulated */
    double time_origin; /* rounding, and the same bits after a restart */
    double time, e0, last_rel_error, wall0;
    int lock_fd;
    nb_progress progress;
} sim;

static int is_run_file(const char *name)
{
    size_t len = strlen(name);
    if (!strcmp(name, "energy.csv") || !strcmp(name, "energy.csv.tmp"))
        return 1;
    return !strncmp(name, "snapshot_", 9) &&
           ((len > 3 && !strcmp(name + len - 3, ".h5")) ||
            (len > 7 && !strcmp(name + len - 7, ".h5.tmp")));
}

/* Counts (and with remove set, deletes) an earlier run's files in dir. */
static int run_files(const char *dir, int remove_them, nb_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int count = 0;
    struct dirent *e;
    char path[NB_PATH_MAX + 300];
    while ((e = readdir(d))) {
        if (!is_run_file(e->d_name))
            continue;
        count++;
        if (remove_them) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            if (unlink(path) != 0) {
                int er = errno;
                closedir(d);
                return -nb_fail(err, NB_ERR_RUNTIME, "%s: cannot remove: %s", path,
                                strerror(er));
            }
        }
    }
    closedir(d);
    return count;
}

/* Takes an exclusive lock on dir/.nbody.lock for the life of the run, so two runs never
 * write into one directory at once. */
static int lock_dir(const char *dir, int *fd_out, nb_error *err)
{
    char path[NB_PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/.nbody.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return nb_fail(err, NB_ERR_INPUT, "%s: cannot create the lock file: %s", path,
                       strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return nb_fail(err, NB_ERR_INPUT,
                       "%s: another nbody process is running in this directory (lock held on %s)",
                       dir, path);
    }
    *fd_out = fd;
    return NB_OK;
}

/* Checks run.output_dir without writing anything. *exists tells whether to mkdir. */
static int check_output_dir(const nb_config *c, int overwrite, int *exists, nb_error *err)
{
    const char *dir = c->output_dir;
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return nb_fail(err, NB_ERR_INPUT, "%s: run.output_dir: '%s' exists and is not a directory",
                           c->source, dir);
        if (access(dir, W_OK | X_OK) != 0)
            return nb_fail(err, NB_ERR_INPUT, "%s: run.output_dir: '%s' is not writable", c->source,
                           dir);
        if (!overwrite && run_files(dir, 0, err) > 0)
            return nb_fail(err, NB_ERR_INPUT,
                           "%s: run.output_dir: '%s' already holds an earlier run's files "
                           "(energy.csv, snapshots); pass --overwrite to replace them, or choose "
                           "another run.output_dir", c->source, dir);
        *exists = 1;
        return NB_OK;
    }
    char parent[NB_PATH_MAX];
    snprintf(parent, sizeof parent, "%s", dir);
    char *pd = dirname(parent);
    if (stat(pd, &st) != 0 || !S_ISDIR(st.st_mode))
        return nb_fail(err, NB_ERR_INPUT,
                       "%s: run.output_dir: parent directory '%s' of '%s' does not exist "
                       "(create it first)", c->source, pd, dir);
    if (access(pd, W_OK | X_OK) != 0)
        return nb_fail(err, NB_ERR_INPUT, "%s: run.output_dir: cannot create '%s': '%s' is not writable",
                       c->source, dir, pd);
    *exists = 0;
    return NB_OK;
}

/* Refuses, before allocating, more particles than the machine can hold: touching more
 * memory than there is gets the process killed without a word. A file's N is bounded by
 * the data in the file. */
static int check_memory(const nb_config *c, nb_error *err)
{
    if (!strcmp(c->ic_type, "file"))
        return NB_OK;
    double need = (double)c->n * 11.0 * sizeof(double), have = HUGE_VAL;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        have = (double)pages * (double)page;
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (double)rl.rlim_cur < have)
        have = (double)rl.rlim_cur;
    if (need > have)
        return nb_fail(err, NB_ERR_INPUT,
                       "%s: initial_conditions.n = %ld needs %.3g GB for the particles alone, "
                       "more than the %.3g GB of memory this process may use", c->source, c->n,
                       need / 1e9, have / 1e9);
    return NB_OK;
}

static int snapshot_due(const sim *s)
{
    if (s->step == s->end_step)
        return 1;
    return s->c.snapshot_every > 0 && s->step % s->c.snapshot_every == 0;
}

static int write_snapshot(sim *s, nb_error *err)
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
    snprintf(meta.kernel, sizeof meta.kernel, "%s", s->c.kernel);
    snprintf(meta.version, sizeof meta.version, "%s", NB_VERSION);
    meta.parameters = nb_config_format(&s->c);
    if (!meta.parameters)
        return nb_fail(err, NB_ERR_RUNTIME, "out of memory formatting the parameters");
    char path[NB_PATH_MAX + 64];
    nb_snapshot_path(path, sizeof path, s->c.output_dir, s->next_output);
    int rc = nb_snapshot_write(path, &s->p, &meta, s->c.compression, err);
    free(meta.parameters);
    if (rc == NB_OK)
        s->next_output++;
    return rc;
}

static int log_energy(sim *s, nb_error *err)
{
    nb_diag d;
    nb_diagnostics_compute(&s->p, s->c.G, s->c.softening, s->c.threads, &d);
    if (s->step == 0 && s->e0 == 0.0)
        s->e0 = d.total;
    s->last_rel_error = nb_diagnostics_rel_error(d.total, s->e0);
    return nb_energylog_append(&s->log, s->step, s->time, &d, s->e0,
                               nb_wall_seconds() - s->wall0, err);
}

static int loop(sim *s, nb_error *err)
{
    const nb_config *c = &s->c;
    int rc = NB_OK;
    while (s->step < s->end_step) {
        rc = nb_integrator_step(&s->p, &s->force, c->dt, NULL, err);
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
        if (snapshot_due(s) && (rc = write_snapshot(s, err)))
            break;
        nb_progress_update(&s->progress, s->step, s->end_step, s->time, s->last_rel_error, 0);
        int out_of_time = c->max_wall_seconds > 0 &&
                          nb_wall_seconds() - s->wall0 >= c->max_wall_seconds;
        if ((stop_signal || out_of_time) && s->step < s->end_step) {
            if (!snapshot_due(s) && (rc = write_snapshot(s, err)))
                break;
            nb_progress_done(&s->progress);
            rc = nb_fail(err, NB_STOPPED,
                         "stopped at step %ld (t=%.9g) by %s; wrote a restart snapshot in %s",
                         s->step, s->time, stop_signal ? "a signal" : "run.max_wall_seconds",
                         c->output_dir);
            break;
        }
    }
    if (rc == NB_OK)
        nb_progress_update(&s->progress, s->step, s->end_step, s->time, s->last_rel_error, 1);
    nb_progress_done(&s->progress);
    return rc;
}

/* Runs the loop with SIGINT/SIGTERM turned into a checkpoint request. */
static int run_with_signals(sim *s, nb_error *err)
{
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    int rc = loop(s, err);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc;
}

static void sim_free(sim *s)
{
    nb_energylog_close(&s->log, NULL);
    nb_force_free(&s->force);
    nb_particles_free(&s->p);
    if (s->lock_fd >= 0)
        close(s->lock_fd);
}

static int make_particles(const nb_config *c, nb_particles *p, nb_error *err)
{
    if (!strcmp(c->ic_type, "file")) {
        int rc = nb_snapshot_read_particles(c->ic_file, p, err);
        if (rc && err) { /* say which setting named the file */
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            nb_fail(err, rc, "%s: initial_conditions.file: %s", c->source, why);
        }
        return rc;
    }
    nb_ics_params ip = nb_config_ics_params(c);
    return nb_ics_generate(&ip, p, err);
}

int nb_simulation_run(const nb_config *c, const nb_run_options *o, nb_error *err)
{
    sim s;
    memset(&s, 0, sizeof s);
    s.c = *c;
    s.lock_fd = -1;
    s.wall0 = nb_wall_seconds();
    int exists = 0, rc;
    char path[NB_PATH_MAX + 32];

    /* everything that can be wrong with the input is found before anything is written */
    if ((rc = check_output_dir(c, o->overwrite, &exists, err)) || (rc = check_memory(c, err)))
        return rc;
    if ((rc = make_particles(c, &s.p, err)))
        goto out;
    if ((rc = nb_config_check_kernel(c, s.p.n, err)))
        goto out;
    nb_kernel_params kp = nb_config_kernel_params(c);
    if ((rc = nb_force_init(&s.force, c->kernel, &kp, s.p.n, err)))
        goto out;

    if (!exists && mkdir(c->output_dir, 0755) != 0 && errno != EEXIST) {
        rc = nb_fail(err, NB_ERR_INPUT, "%s: run.output_dir: cannot create '%s': %s", c->source,
                     c->output_dir, strerror(errno));
        goto out;
    }
    if ((rc = lock_dir(c->output_dir, &s.lock_fd, err)))
        goto out;
    if (o->overwrite && run_files(c->output_dir, 1, err) < 0) {
        rc = err->code;
        goto out;
    }

    s.end_step = nb_config_steps(c);
    if ((rc = nb_force_compute(&s.force, &s.p, NULL, err)))
        goto out;
    snprintf(path, sizeof path, "%s/energy.csv", c->output_dir);
    if ((rc = nb_energylog_create(&s.log, path, c, s.p.n, err)))
        goto out;
    if ((rc = log_energy(&s, err)) || (rc = write_snapshot(&s, err)))
        goto out;
    nb_progress_init(&s.progress, o->quiet, 0);
    rc = run_with_signals(&s, err);
out:
    sim_free(&s);
    return rc;
}

/* Did the user ask for key on purpose? */
static int overridden(const char *key, const char *const *ov, size_t n)
{
    size_t len = strlen(key);
    for (size_t k = 0; k < n; k++)
        if (!strncmp(ov[k], key, len) && ov[k][len] == '=')
            return 1;
    return 0;
}

static int check_same_physics(const nb_config *c, const nb_snapshot_meta *m, const char *snap,
                              const char *const *ov, size_t n_ov, nb_error *err)
{
    struct { const char *key; double now, was; } keys[] = {
        {"integrator.dt", c->dt, m->dt},
        {"units.G", c->G, m->G},
        {"gravity.softening", c->softening, m->softening},
    };
    for (size_t k = 0; k < 3; k++)
        if (keys[k].now != keys[k].was && !overridden(keys[k].key, ov, n_ov))
            return nb_fail(err, NB_ERR_INPUT,
                           "%s: %s = %.17g differs from the snapshot's %.17g: the restart would "
                           "not continue the same run; to change it on purpose pass "
                           "--set %s=%.17g", c->source, keys[k].key, keys[k].now, keys[k].was,
                           keys[k].key, keys[k].now);
    (void)snap;
    return NB_OK;
}

int nb_simulation_restart(const char *target, const char *config_path,
                          const char *const *overrides, size_t n_overrides,
                          const nb_run_options *o, char *out_dir, size_t out_size,
                          nb_error *err)
{
    sim s;
    memset(&s, 0, sizeof s);
    s.lock_fd = -1;
    s.wall0 = nb_wall_seconds();
    nb_snapshot_meta meta;
    memset(&meta, 0, sizeof meta);
    char snap[NB_PATH_MAX + 64], path[NB_PATH_MAX + 32];
    struct stat st;
    int rc;

    if (stat(target, &st) != 0)
        return nb_fail(err, NB_ERR_INPUT, "%s: no such snapshot or run directory", target);
    if (S_ISDIR(st.st_mode)) {
        if ((rc = nb_snapshot_find_latest(target, snap, sizeof snap, err)))
            return rc;
    } else {
        snprintf(snap, sizeof snap, "%s", target);
    }
    if ((rc = nb_snapshot_read(snap, &s.p, &meta, err)))
        goto out;

    if (config_path) {
        rc = nb_config_load(&s.c, config_path, overrides, n_overrides, err);
    } else {
        char name[NB_PATH_MAX + 128];
        snprintf(name, sizeof name, "%s:/Parameters", snap);
        rc = nb_config_load_string(&s.c, meta.parameters ? meta.parameters : "", name,
                                   overrides, n_overrides, err);
    }
    if (rc || (rc = check_same_physics(&s.c, &meta, snap, overrides, n_overrides, err)))
        goto out;
    if (!overridden("run.output_dir", overrides, n_overrides)) {
        char dir[NB_PATH_MAX + 64];
        snprintf(dir, sizeof dir, "%s", snap);
        snprintf(s.c.output_dir, sizeof s.c.output_dir, "%s", dirname(dir));
    }
    if ((rc = nb_config_check_kernel(&s.c, s.p.n, err)))
        goto out;
    nb_kernel_params kp = nb_config_kernel_params(&s.c);
    if ((rc = nb_force_init(&s.force, s.c.kernel, &kp, s.p.n, err)))
        goto out;

    s.step = meta.step;
    s.time = meta.time;
    s.e0 = meta.e0;
    /* a new dt starts a new time origin at the snapshot */
    s.step_origin = s.c.dt == meta.dt ? meta.step_origin : meta.step;
    s.time_origin = s.c.dt == meta.dt ? meta.time_origin : meta.time;
    /* t_end may have changed; the end step is counted from the snapshot's own time */
    s.end_step = s.step + (long)llround((s.c.t_end - s.time) / s.c.dt);
    if (s.end_step <= s.step) {
        rc = nb_fail(err, NB_ERR_INPUT,
                     "%s: integrator.t_end = %.17g: the snapshot is already at t = %.17g; raise "
                     "t_end to continue", s.c.source, s.c.t_end, s.time);
        goto out;
    }
    /* a checkpoint off the regular schedule is superseded by the next regular snapshot,
     * so the directory ends up as the uninterrupted run's would */
    int on_schedule = s.c.snapshot_every > 0 ? s.step % s.c.snapshot_every == 0 : s.step == 0;
    s.next_output = meta.output_index + (on_schedule ? 1 : 0);

    int exists = 1;
    if ((rc = check_output_dir(&s.c, 1, &exists, err)))
        goto out;
    if (!exists && mkdir(s.c.output_dir, 0755) != 0 && errno != EEXIST) {
        rc = nb_fail(err, NB_ERR_INPUT, "run.output_dir: cannot create '%s': %s",
                     s.c.output_dir, strerror(errno));
        goto out;
    }
    if ((rc = lock_dir(s.c.output_dir, &s.lock_fd, err)))
        goto out;
    if ((rc = nb_force_compute(&s.force, &s.p, NULL, err)))
        goto out;
    snprintf(path, sizeof path, "%s/energy.csv", s.c.output_dir);
    /* a row at an off-schedule restart step (the end of a shorter run, a checkpoint) is
     * one the uninterrupted run would not have: drop it with the later ones */
    long keep = s.step % s.c.diagnostics_every == 0 ? s.step : s.step - 1;
    if (access(path, F_OK) == 0)
        rc = nb_energylog_resume(&s.log, path, keep, s.step, s.time, err);
    else
        rc = nb_energylog_create(&s.log, path, &s.c, s.p.n, err);
    if (rc)
        goto out;
    snprintf(out_dir, out_size, "%s", s.c.output_dir);
    nb_progress_init(&s.progress, o->quiet, s.step);
    rc = run_with_signals(&s, err);
out:
    nb_snapshot_meta_free(&meta);
    sim_free(&s);
    return rc;
}
