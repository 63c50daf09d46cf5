/* A new run's particles: the memory they need checked first, then generated or read from
 * an initial-conditions file (with a note on what of the file is not used). */
#include "app/setup.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/comm.h"
#include "physics/ics.h"
#include "io/snapshot.h"

/* Refuses, before allocating, more particles than the machine can hold: touching more
 * memory than there is gets the process killed without a word. A file's N is bounded by
 * the data in the file. */
int nb_setup_check_memory(const nb_config *c, nb_error *err)
{
    if (nb_ics_find(c->ic_type)->reads)
        return NB_OK;
    /* every rank of a distributed run holds all particles, and those on one node share
     * its memory (collective: every rank gets here) */
    int ranks = nb_comm_node_ranks();
    double need = (double)c->n * 11.0 * sizeof(double) * ranks, have = HUGE_VAL;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        have = (double)pages * (double)page;
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (double)rl.rlim_cur < have)
        have = (double)rl.rlim_cur;
    if (need > have)
        return nb_fail(err, NB_ERR_INPUT,
                       "%s: initial_conditions.n = %ld needs %.3g GB for the particles alone%s, "
                       "more than the %.3g GB of memory this process may use", c->source, c->n,
                       need / 1e9, ranks > 1 ? " (every rank on this node holds them all)" : "",
                       have / 1e9);
    return NB_OK;
}

static int same_scale(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fabs(b);
}

/* One line on stderr naming what of an initial-conditions file the run does not use: its
 * time (a new run starts at t = 0), unit attributes other than the run's (the numbers
 * are taken as they are, not converted), missing velocities (the particles start at
 * rest). A note, not an error. */
static void note_ignored(const nb_config *c, const nb_snapshot_ic_info *in)
{
    char line[1024] = "", cm[32], g[32], cms[32];
    size_t len = 0;
    if (in->has_time && in->time != 0)
        len += (size_t)snprintf(line + len, sizeof line - len, "%s/Header Time = %.9g is not "
                                "used (a new run starts at t = 0)", len ? "; " : "", in->time);
    if (in->has_units && len < sizeof line &&
        !(nb_config_has_units(c) && same_scale(in->unit_length_in_cm, c->length_in_cm) &&
          same_scale(in->unit_mass_in_g, c->mass_in_g) &&
          same_scale(in->unit_velocity_in_cm_per_s, c->velocity_in_cm_per_s)))
        len += (size_t)snprintf(line + len, sizeof line - len, "%sits units (UnitLength_in_cm "
                                "%s, UnitMass_in_g %s, UnitVelocity_in_cm_per_s %s) are not "
                                "used: the numbers are taken as they are, in the run's units "
                                "(%s)", len ? "; " : "",
                                nb_config_format_double(cm, sizeof cm, in->unit_length_in_cm),
                                nb_config_format_double(g, sizeof g, in->unit_mass_in_g),
                                nb_config_format_double(cms, sizeof cms,
                                                        in->unit_velocity_in_cm_per_s),
                                nb_config_has_units(c) ? "the units section" : "N-body units");
    if (!in->has_velocities && len < sizeof line)
        len += (size_t)snprintf(line + len, sizeof line - len, "%sit has no %s (the "
                                "particles start at rest)", len ? "; " : "", in->no_velocities);
    if (len)
        fprintf(stderr, "nbody: note: %s: initial_conditions.file %s: %s\n", c->source,
                c->ic_file, line);
}

int nb_setup_particles(const nb_config *c, nb_particles *p, nb_error *err)
{
    if (nb_ics_find(c->ic_type)->reads) { /* the configuration check found the type */
        nb_snapshot_ic_info info;
        int rc = nb_snapshot_read_ic(c->ic_file, !strcmp(c->ic_gas, "collisionless"), p, &info,
                                     err);
        if (rc && err) { /* say which setting named the file */
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            nb_fail(err, rc, "%s: initial_conditions.file: %s", c->source, why);
        }
        if (!rc)
            note_ignored(c, &info);
        return rc;
    }
    nb_ics_params ip = nb_config_ics_params(c);
    return nb_ics_generate_components(&ip, 1, p, err);
}
