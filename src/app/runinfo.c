/* The run's own lines on stderr (app/runinfo.h): summary, step warnings, how to continue. */
#include "app/runinfo.h"

#include <math.h>
#include <string.h>

#include "core/comm.h"
#include "core/format.h"
#include "core/threads.h"

/* Bytes per particle of the store (core/particles.h): ten doubles (position, velocity,
 * acceleration, mass), the id, the time bin and the type. */
#define PARTICLE_BYTES (10 * sizeof(double) + sizeof(uint64_t) + sizeof(int32_t) + 1)

static void bytes_text(char *buf, size_t size, double b)
{
    if (b < 1e6)
        snprintf(buf, size, "%.0f kB", ceil(b / 1e3));
    else if (b < 1e9)
        snprintf(buf, size, "%.3g MB", b / 1e6);
    else
        snprintf(buf, size, "%.3g GB", b / 1e9);
}

void nb_runinfo_summary(const nb_config *c, size_t n, long step, long end_step,
                        const char *from, FILE *out)
{
    char mem[32], dt[40], t_end[40];
    int ranks = nb_comm_size(), threads = nb_threads(c->threads);
    /* every rank holds all particles; the kernels' own trees and lists come on top */
    bytes_text(mem, sizeof mem, (double)n * (double)PARTICLE_BYTES);
    if (from)
        fprintf(out, "nbody: restart of '%s' from %s (step %ld)\n", c->name, from, step);
    else
        fprintf(out, "nbody: run '%s' (%s)\n", c->name, c->source);
    fprintf(out, "nbody:   N = %zu, kernel %s, %d thread%s x %d rank%s, softening %g\n", n,
            c->kernel, threads, threads == 1 ? "" : "s", ranks, ranks == 1 ? "" : "s",
            c->softening);
    fprintf(out, "nbody:   %s steps of dt = %s to t_end = %s: %ld step%s to go\n",
            c->timestep, nb_format_number(dt, sizeof dt, c->dt),
            nb_format_number(t_end, sizeof t_end, c->t_end), end_step - step,
            end_step - step == 1 ? "" : "s");
    fprintf(out, "nbody:   memory: %s for the particles%s; output in %s\n", mem,
            ranks > 1 ? " on each rank" : "", c->output_dir);
    fflush(out);
}

double nb_runinfo_shortest_time(const nb_particles *p, double eps)
{
    double amax = 0.0;
    for (size_t i = 0; i < p->n; i++) {
        double a2 = p->ax[i] * p->ax[i] + p->ay[i] * p->ay[i] + p->az[i] * p->az[i];
        if (a2 > amax)
            amax = a2;
    }
    if (!(eps > 0) || !(amax > 0))
        return INFINITY;
    return sqrt(eps / sqrt(amax));
}

int nb_runinfo_check_step(const nb_config *c, const nb_particles *p, FILE *out)
{
    double t = nb_runinfo_shortest_time(p, c->softening);
    int adaptive = !strcmp(c->timestep, "adaptive");
    /* adaptive steps go down to dt / 2^max_bins: only a deepest bin too coarse is a risk */
    double step = adaptive ? ldexp(c->dt, -c->max_bins) : c->dt;
    if (!(step > NB_RUNINFO_SAFE_FRACTION * t))
        return 0;
    char a[40], b[40];
    fprintf(out, "nbody: warning: %s %s is %.3g times the shortest dynamical time "
            "sqrt(eps / |a|) = %s of the initial state (more than %g of it): expect a large "
            "energy error; %s\n", adaptive ? "the deepest bin's step dt / 2^max_bins =" :
            "integrator.dt =", nb_format_number(a, sizeof a, step), step / t,
            nb_format_number(b, sizeof b, t), NB_RUNINFO_SAFE_FRACTION,
            adaptive ? "raise integrator.max_bins or lower integrator.dt"
                     : "lower integrator.dt, or use integrator.timestep = \"adaptive\"");
    return 1;
}

int nb_runinfo_check_energy(const nb_config *c, double rel_error, FILE *out)
{
    if (!(fabs(rel_error) > NB_RUNINFO_ENERGY_WARN))
        return 0;
    char dt[40];
    nb_format_number(dt, sizeof dt, c->dt);
    if (!strcmp(c->timestep, "adaptive"))
        fprintf(out, "nbody: warning: the relative energy error reached %+.3g (more than %g): "
                "the steps were too large; lower integrator.eta, or raise "
                "integrator.max_bins if steps were clipped\n", rel_error,
                NB_RUNINFO_ENERGY_WARN);
    else
        fprintf(out, "nbody: warning: the relative energy error reached %+.3g (more than %g): "
                "integrator.dt = %s is too large for this system; use a smaller "
                "integrator.dt, or integrator.timestep = \"adaptive\"\n", rel_error,
                NB_RUNINFO_ENERGY_WARN, dt);
    return 1;
}

void nb_runinfo_snapshots(int count, double bytes, double seconds, double wall, FILE *out)
{
    if (count <= 0)
        return;
    char size[32];
    bytes_text(size, sizeof size, bytes);
    fprintf(out, "nbody: %d snapshot%s, %s written in %.2f s (%.1f%% of the wall time), "
            "%.0f MB/s\n", count, count == 1 ? "" : "s", size, seconds,
            wall > 0 ? 100 * seconds / wall : 0.0, seconds > 0 ? bytes / seconds / 1e6 : 0.0);
}

/* s as one shell word: as it is when it is made of safe characters, else in single quotes
 * (a quote inside as '\''). */
static size_t shell_word(char *buf, size_t size, const char *s)
{
    int plain = *s != '\0';
    for (const char *k = s; *k && plain; k++)
        plain = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./-+,:@%",
                       *k) != NULL;
    if (plain)
        return (size_t)snprintf(buf, size, "%s", s);
    size_t len = 0;
    len += (size_t)snprintf(buf, size, "'");
    for (; *s && len < size; s++)
        len += (size_t)snprintf(buf + len, size - len, *s == '\'' ? "'\\''" : "%c", *s);
    if (len < size)
        len += (size_t)snprintf(buf + len, size - len, "'");
    return len;
}

void nb_runinfo_continue_command(char *buf, size_t size, const char *dir)
{
    size_t len = 0;
    if (nb_comm_size() > 1)
        len = (size_t)snprintf(buf, size, "nbody-mpirun -np %d ", nb_comm_size());
    if (len < size)
        len += (size_t)snprintf(buf + len, size - len, "nbody restart ");
    if (len < size)
        shell_word(buf + len, size - len, dir);
}
