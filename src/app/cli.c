/* Command-line parsing and dispatch; the only place that prints errors and picks the
 * exit status. */
#include "app/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/agree.h"
#include "app/bench.h"
#include "core/comm.h"
#include "io/config.h"
#include "app/info.h"
#include "gravity/kernels.h"
#include "app/simulation.h"

#define MAX_OVERRIDES 256

static const char usage[] =
    "usage:\n"
    "  nbody run CONFIG [--set KEY=VALUE]... [--threads N] [--quiet] [--overwrite]\n"
    "  nbody restart SNAPSHOT|RUNDIR [--config CONFIG] [--set KEY=VALUE]... [--threads N] [--quiet]\n"
    "                [--overwrite]\n"
    "  nbody info SNAPSHOT\n"
    "  nbody check-config CONFIG [--set KEY=VALUE]...\n"
    "  nbody bench [--kernel NAME]... [--n N]... [--threads N]... [--repeats R]\n"
    "  nbody --help | --version | COMMAND --help\n";

static const char help_text[] =
    "\n"
    "A gravitational N-body simulation: kick-drift-kick leapfrog, pluggable force kernels,\n"
    "HDF5 snapshots that are restart files, and an energy log (energy.csv).\n"
    "\n"
    "commands:\n"
    "  run           start a run from a libconfig parameter file (see configs/)\n"
    "  restart       continue a run bit for bit from a snapshot, or from a run directory's\n"
    "                newest complete snapshot\n"
    "  info          describe a snapshot: N, time, step, kernel, energy, parameters\n"
    "  check-config  validate a parameter file and print the effective configuration\n"
    "  bench         time the force kernels on the tutorial's gaussian set-up\n"
    "\n"
    "options:\n"
    "  --set SECTION.KEY=VALUE  override one setting, libconfig syntax (repeatable),\n"
    "                           e.g. --set gravity.softening=0.02 --set gravity.kernel=direct\n"
    "  --threads N              OpenMP threads for the kernels (same as gravity.threads)\n"
    "  --quiet                  no progress line on stderr\n"
    "  --overwrite              replace an earlier run's files in run.output_dir (restart:\n"
    "                           also another run's, when run.output_dir is not its own)\n"
    "  --config CONFIG          (restart) take settings from CONFIG instead of the snapshot\n"
    "\n"
    "exit status: 0 finished; 2 usage, configuration or input-file error (nothing written);\n"
    "3 stopped by SIGINT/SIGTERM/SIGHUP/SIGUSR1 or run.max_wall_seconds after writing a restart\n"
    "snapshot; "
    "1 any other failure.\n";

/* Each command's own --help: its usage line and what it does. */
static const char help_run[] =
    "usage: nbody run CONFIG [--set KEY=VALUE]... [--threads N] [--quiet] [--overwrite]\n"
    "\n"
    "Start a run from a libconfig parameter file (see configs/ and nbody(1)). Writes\n"
    "run.output_dir/energy.csv and BASE_NNNN.h5 snapshots (BASE: output.snapshot_base,\n"
    "default snapshot); refuses a directory holding an earlier run's files unless --overwrite.\n"
    "\n"
    "  --set SECTION.KEY=VALUE  override one setting (repeatable), e.g. --set gravity.softening=0.02\n"
    "  --threads N              OpenMP threads (same as gravity.threads; 0 = all cores)\n"
    "  --quiet                  no progress line on stderr\n"
    "  --overwrite              replace an earlier run's files in run.output_dir\n";
static const char help_restart[] =
    "usage: nbody restart SNAPSHOT|RUNDIR [--config CONFIG] [--set KEY=VALUE]... [--threads N]\n"
    "                     [--quiet] [--overwrite]\n"
    "\n"
    "Continue a run bit for bit from a snapshot, or from a run directory's newest complete\n"
    "snapshot. The settings are the snapshot's own (/Parameters) unless --config is given;\n"
    "a change of integrator.dt, units.G or gravity.softening must be given with --set.\n"
    "A restart into the run's own directory keeps its output.snapshot_base; a RUNDIR\n"
    "holding snapshots under several base names is refused (name the snapshot instead).\n"
    "\n"
    "  --config CONFIG          take the settings from CONFIG instead of the snapshot\n"
    "  --set SECTION.KEY=VALUE  override one setting (repeatable), e.g. --set integrator.t_end=2.0\n"
    "  --threads N              OpenMP threads (same as gravity.threads; 0 = all cores)\n"
    "  --quiet                  no progress line on stderr\n"
    "  --overwrite              write into another run's directory, replacing its files\n";
static const char help_info[] =
    "usage: nbody info SNAPSHOT\n"
    "\n"
    "Describe a snapshot: N, step, time, kernel, energy and its error, the parameters.\n";
static const char help_check_config[] =
    "usage: nbody check-config CONFIG [--set KEY=VALUE]...\n"
    "\n"
    "Validate a parameter file (with its overrides) and print the effective configuration,\n"
    "every key; exit 2 with one line naming file:line and key when something is wrong.\n"
    "\n"
    "  --set SECTION.KEY=VALUE  override one setting (repeatable)\n";

typedef struct cli_args {
    const char *target;      /* CONFIG or SNAPSHOT|RUNDIR */
    const char *config;      /* restart --config */
    const char *overrides[MAX_OVERRIDES];
    size_t n_overrides;
    char threads_set[64];
    int quiet, overwrite;
} cli_args;

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "nbody: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n%s", usage);
    return 2;
}

/* Whether opt is one of the space-separated words of list, exactly: "--quie" and "--"
 * are not options. */
static int in_list(const char *list, const char *opt)
{
    size_t len = strlen(opt);
    for (const char *s = list; *s;) {
        size_t k = strcspn(s, " ");
        if (k == len && !strncmp(s, opt, len))
            return 1;
        s += k;
        s += *s == ' ';
    }
    return 0;
}

/* Parses what follows the command word; allowed lists the options this command takes. */
static int parse(int argc, char **argv, const char *allowed, cli_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = NULL;
        char opt[32] = "";
        if (!strncmp(arg, "--", 2)) {
            const char *eq = strchr(arg, '=');
            size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
            if (len >= sizeof opt)
                return usage_error("unknown option '%s'", arg);
            memcpy(opt, arg, len);
            opt[len] = '\0';
            if (!in_list("--set --threads --quiet --overwrite --config", opt))
                return usage_error("unknown option '%s'", opt);
            if (!in_list(allowed, opt))
                return usage_error("option '%s' is not valid here", opt);
            int takes_value = !strcmp(opt, "--set") || !strcmp(opt, "--threads") ||
                              !strcmp(opt, "--config");
            if (takes_value) {
                if (eq)
                    val = eq + 1;
                else if (i + 1 < argc)
                    val = argv[++i];
                else
                    return usage_error("option '%s' needs a value", opt);
            } else if (eq) {
                return usage_error("option '%s' takes no value", opt);
            }
            if (!strcmp(opt, "--set")) {
                if (a->n_overrides == MAX_OVERRIDES)
                    return usage_error("too many --set options (at most %s)", "256");
                a->overrides[a->n_overrides++] = val;
            } else if (!strcmp(opt, "--threads")) {
                char *end;
                long t = strtol(val, &end, 10);
                if (*val == '\0' || *end != '\0' || t < 0 || t > 4096)
                    return usage_error("--threads: expected an integer from 0 to 4096, got '%s'",
                                       val);
                if (a->threads_set[0])
                    return usage_error("--threads given twice%s", "");
                snprintf(a->threads_set, sizeof a->threads_set, "gravity.threads=%ld", t);
            } else if (!strcmp(opt, "--config")) {
                a->config = val;
            } else if (!strcmp(opt, "--quiet")) {
                a->quiet = 1;
            } else if (!strcmp(opt, "--overwrite")) {
                a->overwrite = 1;
            }
        } else if (arg[0] == '-' && arg[1]) {
            /* a file whose name starts with '-' can be given as ./-name */
            return usage_error("unknown option '%s'", arg);
        } else if (!a->target) {
            a->target = arg;
        } else {
            return usage_error("unexpected argument '%s'", arg);
        }
    }
    if (!a->target)
        return usage_error("'%s' needs a file argument", argv[1]);
    /* --threads is one more override, applied last */
    if (a->threads_set[0]) {
        if (a->n_overrides == MAX_OVERRIDES)
            return usage_error("too many --set options (at most %s)", "256");
        a->overrides[a->n_overrides++] = a->threads_set;
    }
    return 0;
}

/* Prints the error line and maps a status to the exit code. */
static int finish(int rc, const nb_error *err)
{
    if (rc != NB_OK)
        fprintf(stderr, "nbody: %s\n", err->msg);
    return rc;
}

static int cmd_check_config(cli_args *a)
{
    nb_config c;
    nb_error err;
    nb_error_clear(&err);
    int rc = nb_config_load(&c, a->target, a->overrides, a->n_overrides, &err);
    if (rc)
        return finish(rc, &err);
    char *text = nb_config_format(&c);
    if (!text) {
        fprintf(stderr, "nbody: out of memory\n");
        return 1;
    }
    printf("# %s: valid; effective configuration (%ld steps):\n%s", a->target,
           nb_config_steps(&c), text);
    free(text);
    return 0;
}

static int cmd_run(cli_args *a)
{
    nb_config c;
    nb_error err;
    nb_error_clear(&err);
    /* every rank reads the file; a rank that cannot refuses for all (core/comm.h) */
    int rc = nb_comm_agree(nb_config_load(&c, a->target, a->overrides, a->n_overrides, &err),
                           &err);
    if (rc || (rc = nb_agree_config(&c, &err))) /* the same file on every rank */
        return finish(rc, &err);
    nb_run_options o = {.overwrite = a->overwrite, .quiet = a->quiet};
    rc = nb_simulation_run(&c, &o, &err);
    if (rc == NB_OK && !a->quiet)
        fprintf(stderr, "nbody: finished; output in %s\n", c.output_dir);
    return finish(rc, &err);
}

static int cmd_restart(cli_args *a)
{
    nb_error err;
    nb_error_clear(&err);
    nb_run_options o = {.overwrite = a->overwrite, .quiet = a->quiet};
    char dir[NB_PATH_MAX];
    int rc = nb_simulation_restart(a->target, a->config, a->overrides, a->n_overrides, &o,
                                   dir, sizeof dir, &err);
    if (rc == NB_OK && !a->quiet)
        fprintf(stderr, "nbody: finished; output in %s\n", dir);
    return finish(rc, &err);
}

static int cmd_info(cli_args *a)
{
    nb_error err;
    nb_error_clear(&err);
    return finish(nb_info_print(a->target, stdout, &err), &err);
}

int nb_cli_main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("missing command%s", "");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        printf("%s%s\nkernels: %s\n", usage, help_text, nb_kernel_names());
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("nbody %s\n", NB_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "bench")) /* bench has its own --help */
        return nb_bench_main(argc - 1, argv + 1);
    /* the commands that take a file argument, and the options each accepts */
    static const struct {
        const char *name, *options;
        int (*fn)(cli_args *);
        const char *help;
    } commands[] = {
        {"run", "--set --threads --quiet --overwrite", cmd_run, help_run},
        {"restart", "--set --threads --quiet --config --overwrite", cmd_restart, help_restart},
        {"info", "", cmd_info, help_info},
        {"check-config", "--set", cmd_check_config, help_check_config},
    };
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
        if (strcmp(cmd, commands[k].name))
            continue;
        /* --help (or -h) anywhere among the options: the command's usage, nothing run;
         * a value of another option ("--set --help") is not one */
        for (int i = 2; i < argc; i++) {
            if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
                fputs(commands[k].help, stdout);
                return 0;
            }
            if (!strcmp(argv[i], "--set") || !strcmp(argv[i], "--threads") ||
                !strcmp(argv[i], "--config"))
                i++;
        }
        cli_args a;
        int rc = parse(argc, argv, commands[k].options, &a);
        return rc ? rc : commands[k].fn(&a);
    }
    return usage_error("unknown command '%s'", cmd);
}
