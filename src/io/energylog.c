/* The energy log: a CSV that gnuplot, pandas and matplotlib read as it is. Its columns are
 * one table (COLUMNS): a column is one row there. */
#include "io/energylog.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What one row is made of: the columns take their values from here. */
typedef struct row_values {
    double step, time, rel_energy_error, wall_seconds, force_evaluations;
    nb_diag d;
} row_values;

#define ROW(f) offsetof(row_values, f)
#define DIAG(f) (offsetof(row_values, d) + offsetof(nb_diag, f))

/* energy.csv's columns, in order: name, format, and where in row_values the value is.
 * 17 significant digits, so a continued run's rows compare exactly; steps are at most 1e15
 * (below 2^53), so "%.0f" prints them exactly as integers. */
static const struct column {
    const char *name, *format;
    size_t at;
} COLUMNS[] = {
    {"step", "%.0f", ROW(step)},
    {"time", "%.17g", ROW(time)},
    {"kinetic", "%.17g", DIAG(kinetic)},
    {"potential", "%.17g", DIAG(potential)},
    {"total", "%.17g", DIAG(total)},
    {"rel_energy_error", "%.17g", ROW(rel_energy_error)},
    {"px", "%.17g", DIAG(px)},
    {"py", "%.17g", DIAG(py)},
    {"pz", "%.17g", DIAG(pz)},
    {"lx", "%.17g", DIAG(lx)},
    {"ly", "%.17g", DIAG(ly)},
    {"lz", "%.17g", DIAG(lz)},
    {"virial_ratio", "%.17g", DIAG(virial_ratio)},
    {"wall_seconds", "%.3f", ROW(wall_seconds)},
    {"force_evaluations", "%.0f", ROW(force_evaluations)},
};
#define N_COLUMNS (sizeof COLUMNS / sizeof COLUMNS[0])

size_t nb_energylog_columns(char *buf, size_t size)
{
    size_t len = 0;
    if (size)
        buf[0] = '\0';
    for (size_t k = 0; k < N_COLUMNS && len < size; k++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? "," : "", COLUMNS[k].name);
    return N_COLUMNS;
}

/* The column row, on its own line. */
static void put_column_row(FILE *f)
{
    char row[512];
    nb_energylog_columns(row, sizeof row);
    fprintf(f, "%s\n", row);
}

/* Opens path for writing as a stream without following a link at its name: the log of
 * one run must never be written through a link into another's. flags: O_TRUNC, O_APPEND
 * or O_EXCL. */
static FILE *open_log(const char *path, int flags)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags, 0644);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, (flags & O_APPEND) ? "a" : "w");
    if (!f) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return f;
}

/* Writes s to f with control characters and backslashes escaped (\n, \x01, \\): a
 * newline in a path or name would end the "#" comment line and start a data row. */
static void put_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '\\')
            fputs("\\\\", f);
        else if (ch == '\n')
            fputs("\\n", f);
        else if (ch < 0x20 || ch == 0x7f)
            fprintf(f, "\\x%02x", ch);
        else
            fputc(ch, f);
    }
}

/* The header lines "# KEY: VALUE" that describe the physics of the rows; a restart that
 * changes one states its new value in its block ("# restart KEY: VALUE"). */
enum { HDR_N, HDR_KERNEL, HDR_SOFTENING, HDR_DT, HDR_G, HDR_UNITS, HDR_POTENTIAL, HDR_COUNT };
static const char *const hdr_keys[HDR_COUNT] = {"n", "kernel", "softening", "dt", "G",
                                                 "units", "potential"};
typedef char hdr_values[HDR_COUNT][512];

static void header_values(const nb_config *c, size_t n, hdr_values v)
{
    snprintf(v[HDR_N], sizeof v[0], "%zu", n);
    snprintf(v[HDR_KERNEL], sizeof v[0], "%s", c->kernel);
    nb_config_format_double(v[HDR_SOFTENING], sizeof v[0], c->softening);
    nb_config_format_double(v[HDR_DT], sizeof v[0], c->dt);
    nb_config_format_double(v[HDR_G], sizeof v[0], c->G);
    nb_config_units_line(c, v[HDR_UNITS], sizeof v[0]);
    /* the method and its error on W (the floor under rel_energy_error), as the run uses it */
    nb_kernel_params kp = nb_config_kernel_params(c);
    char desc[sizeof v[0] - 32];
    nb_kernel_energy_params(nb_config_potential_kernel(c, n), c->potential, &kp, desc,
                            sizeof desc);
    snprintf(v[HDR_POTENTIAL], sizeof v[0], "%s, whatever the force kernel", desc);
}

/* Creates a log (energy.csv, timebins.csv: what) with the header and column row. */
static int create_log(nb_energylog *log, const char *path, const char *what,
                      const nb_config *c, size_t n, const char *run_id, const char *columns,
                      nb_error *err)
{
    snprintf(log->path, sizeof log->path, "%s", path);
    log->f = open_log(path, O_TRUNC);
    if (!log->f)
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot create the %s: %s", path, what,
                       strerror(errno));
    fprintf(log->f, "# nbody %s %s\n# config: ", NB_VERSION, what);
    put_escaped(log->f, c->source);
    fputs("\n# name: ", log->f);
    put_escaped(log->f, c->name);
    fprintf(log->f, "\n# run_id: %s\n", run_id);
    hdr_values v;
    header_values(c, n, v);
    for (int k = 0; k < HDR_COUNT; k++)
        fprintf(log->f, "# %s: %s\n", hdr_keys[k], v[k]);
    fprintf(log->f, "%s\n", columns);
    if (fflush(log->f) != 0) {
        int e = errno;
        fclose(log->f);
        log->f = NULL;
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot write: %s", path, strerror(e));
    }
    return NB_OK;
}

int nb_energylog_create(nb_energylog *log, const char *path, const nb_config *c, size_t n,
                        const char *run_id, nb_error *err)
{
    char row[512];
    nb_energylog_columns(row, sizeof row);
    return create_log(log, path, "energy log", c, n, run_id, row, err);
}

void nb_timebins_columns(int max_bins, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "step,time");
    for (int k = 0; k <= max_bins && len < size; k++)
        len += (size_t)snprintf(buf + len, size - len, ",bin%d", k);
}

int nb_timebins_create(nb_energylog *log, const char *path, const nb_config *c, size_t n,
                       const char *run_id, nb_error *err)
{
    char row[1024];
    nb_timebins_columns(c->max_bins, row, sizeof row);
    return create_log(log, path, "time-bin log", c, n, run_id, row, err);
}

int nb_timebins_append(nb_energylog *log, long step, double time, const uint64_t *counts,
                       int nbins, nb_error *err)
{
    fprintf(log->f, "%ld,%.17g", step, time);
    for (int k = 0; k < nbins; k++)
        fprintf(log->f, ",%llu", (unsigned long long)counts[k]);
    fputc('\n', log->f);
    if (fflush(log->f) != 0 || ferror(log->f))
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot write the time-bin log: %s", log->path,
                       strerror(errno));
    return NB_OK;
}

/* The step of a data row, or -1 for comments and the column row. */
static long row_step(const char *line)
{
    if (line[0] < '0' || line[0] > '9')
        return -1;
    return strtol(line, NULL, 10);
}

/* Opens the log a restart continues, to read, without following a link and without
 * blocking on a FIFO. */
static FILE *open_existing(const char *path, nb_error *err)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        nb_fail(err, NB_ERR_INPUT, "%s: not a regular file, expected the energy log to "
                "continue", path);
        return NULL;
    }
    FILE *in = fd < 0 ? NULL : fdopen(fd, "r");
    if (!in) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        nb_fail(err, NB_ERR_INPUT, "%s: cannot open the energy log to continue it: %s", path,
                e == ELOOP ? "it is a symbolic link, expected a regular file" : strerror(e));
    }
    return in;
}

/* "KEY: VALUE\n" after prefix in line: the value (newline cut) when line is prefix + one
 * of the header keys, with *key its index; else NULL. */
static char *header_line(char *line, const char *prefix, int *key)
{
    size_t pl = strlen(prefix);
    if (strncmp(line, prefix, pl))
        return NULL;
    for (int k = 0; k < HDR_COUNT; k++) {
        size_t kl = strlen(hdr_keys[k]);
        if (!strncmp(line + pl, hdr_keys[k], kl) && !strncmp(line + pl + kl, ": ", 2)) {
            *key = k;
            line[strcspn(line, "\n")] = '\0';
            return line + pl + kl + 2;
        }
    }
    return NULL;
}

int nb_energylog_run_id(const char *path, char *id, size_t size, nb_error *err)
{
    FILE *in = open_existing(path, err);
    if (!in)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    int found = 0;
    while (!found && getline(&line, &cap, in) > 0) {
        if (!strncmp(line, "# run_id: ", 10)) {
            line[strcspn(line, "\r\n")] = '\0';
            snprintf(id, size, "%s", line + 10);
            found = 1;
        } else if (row_step(line) >= 0) { /* the header is over: a log older than run ids */
            double total;
            if (row_step(line) == 0 &&
                sscanf(line, "%*[^,],%*[^,],%*[^,],%*[^,],%lf", &total) == 1) {
                nb_energylog_legacy_id(total, id, size);
                found = 1;
            }
            break;
        }
    }
    free(line);
    fclose(in);
    return found;
}

void nb_energylog_legacy_id(double e0, char *id, size_t size)
{
    unsigned long long bits;
    memcpy(&bits, &e0, sizeof bits);
    snprintf(id, size, "e0-%016llx", bits);
}

/* Where the log being read stands: the header's values, overridden by the restart blocks
 * kept so far, and whether the current block (if any) is dropped. */
typedef struct log_state {
    hdr_values v;
    int drop_block;
    int has_run_id;
} log_state;

/* The column row of a log whose columns this version extends (an energy.csv without
 * force_evaluations, a timebins.csv with fewer bins): writes the current row instead, so
 * the continued rows have their names (the older rows lack the last values). 1 when it
 * did. */
static int newer_columns(const char *line, const nb_energylog_restart *r, FILE *out)
{
    char row[1024];
    if (r->columns)
        snprintf(row, sizeof row, "%s", r->columns);
    else
        nb_energylog_columns(row, sizeof row);
    size_t len = strcspn(line, "\r\n");
    if (len >= strlen(row) || strncmp(line, row, len) || row[len] != ',')
        return 0;
    fprintf(out, "%s\n", row);
    return 1;
}

/* Copies one line of the old log into out when it belongs to the history kept up to the
 * restart at step (rows up to keep_step; restart blocks of earlier restarts), tracking
 * what the header says. */
static void keep_line(char *line, const nb_energylog_restart *r, log_state *st, FILE *out)
{
    long s = row_step(line);
    if (s >= 0) {
        if (s <= r->keep_step)
            fputs(line, out);
        return;
    }
    long at;
    int key;
    char *val;
    if (sscanf(line, "# restart: step %ld", &at) == 1) {
        st->drop_block = at >= r->step; /* a restart of the history set aside */
    } else if (!strncmp(line, "# restart ", 10)) {
        if (!st->drop_block && (val = header_line(line, "# restart ", &key))) {
            snprintf(st->v[key], sizeof st->v[key], "%s", val);
            fprintf(out, "# restart %s: %s\n", hdr_keys[key], val);
            return;
        }
    } else {
        st->drop_block = 0;
        if ((val = header_line(line, "# ", &key))) {
            snprintf(st->v[key], sizeof st->v[key], "%s", val);
            fprintf(out, "# %s: %s\n", hdr_keys[key], val);
            return;
        }
        if (!strncmp(line, "# run_id: ", 10))
            st->has_run_id = 1;
        if (!strncmp(line, "step,", 5) && !st->has_run_id) /* adopt one (legacy log) */
            fprintf(out, "# run_id: %s\n", r->run_id);
        if (!strncmp(line, "step,", 5) && newer_columns(line, r, out))
            return;
    }
    if (!st->drop_block)
        fputs(line, out);
}

int nb_energylog_prepare_resume(const char *path, const nb_energylog_restart *r,
                                const char *copy_to, nb_error *err)
{
    FILE *in = open_existing(path, err);
    if (!in)
        return err->code;
    char tmp[NB_PATH_MAX + 64];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    /* a stale temporary from a crash, or a link planted in its place: remove the name
     * (never what a link points to), then create the file exclusively */
    FILE *out = NULL, *copy = NULL;
    if (unlink(tmp) == 0 || errno == ENOENT)
        out = open_log(tmp, O_EXCL);
    if (!out || (copy_to && !(copy = open_log(copy_to, O_EXCL)))) {
        int e = errno;
        fclose(in);
        if (out) {
            fclose(out);
            remove(tmp);
        }
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot write: %s", out ? copy_to : tmp,
                       strerror(e));
    }
    log_state st;
    memset(&st, 0, sizeof st);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int header_seen = 0;
    while ((len = getline(&line, &cap, in)) > 0) {
        if (copy)
            fputs(line, copy);
        if (line[len - 1] != '\n')
            break; /* a torn last line from a crash: drop it */
        header_seen |= strncmp(line, "step,", 5) == 0;
        keep_line(line, r, &st, out);
    }
    free(line);
    fclose(in);
    if (!header_seen && r->columns)
        fprintf(out, "%s\n", r->columns);
    else if (!header_seen)
        put_column_row(out);
    fprintf(out, "# restart: step %ld time %.17g\n", r->step, r->time);
    hdr_values now;
    header_values(r->c, r->n, now);
    for (int k = 0; k < HDR_COUNT; k++)
        if (strcmp(now[k], st.v[k]))
            fprintf(out, "# restart %s: %s\n", hdr_keys[k], now[k]);
    /* fsynced: once a journal names it (io/rundir.h), it replaces the log */
    int bad = ferror(out) | (fflush(out) != 0) | (fsync(fileno(out)) != 0);
    bad |= fclose(out) != 0;
    if (copy && (ferror(copy) | (fclose(copy) != 0))) {
        remove(tmp);
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot write: %s", copy_to, strerror(errno));
    }
    if (bad) {
        int e = errno;
        remove(tmp);
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot write: %s", tmp, strerror(e));
    }
    return NB_OK;
}

int nb_energylog_open(nb_energylog *log, const char *path, nb_error *err)
{
    snprintf(log->path, sizeof log->path, "%s", path);
    log->f = open_log(path, O_APPEND);
    if (!log->f)
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot append: %s", path, strerror(errno));
    return NB_OK;
}

int nb_energylog_append(nb_energylog *log, long step, double time, const nb_diag *d,
                        double e0, double wall_seconds, uint64_t force_evaluations,
                        nb_error *err)
{
    row_values v = {(double)step, time, nb_diagnostics_rel_error(d->total, e0), wall_seconds,
                    (double)force_evaluations, *d};
    for (size_t k = 0; k < N_COLUMNS; k++) {
        if (k)
            fputc(',', log->f);
        fprintf(log->f, COLUMNS[k].format, *(const double *)((const char *)&v + COLUMNS[k].at));
    }
    fputc('\n', log->f);
    if (fflush(log->f) != 0 || ferror(log->f))
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot write the energy log: %s", log->path,
                       strerror(errno));
    return NB_OK;
}

int nb_energylog_close(nb_energylog *log, nb_error *err)
{
    if (!log->f)
        return NB_OK;
    int rc = fclose(log->f);
    log->f = NULL;
    if (rc != 0)
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot close the energy log: %s", log->path,
                       strerror(errno));
    return NB_OK;
}
