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
    double step, time, rel_energy_error, wall_seconds;
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

int nb_energylog_create(nb_energylog *log, const char *path, const nb_config *c, size_t n,
                        nb_error *err)
{
    snprintf(log->path, sizeof log->path, "%s", path);
    char eps[32], dt[32], g[32], units[512];
    const nb_kernel *pk = nb_config_potential_kernel(c, n);
    log->f = open_log(path, O_TRUNC);
    if (!log->f)
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot create the energy log: %s", path,
                       strerror(errno));
    fprintf(log->f, "# nbody %s energy log\n# config: ", NB_VERSION);
    put_escaped(log->f, c->source);
    fputs("\n# name: ", log->f);
    put_escaped(log->f, c->name);
    fprintf(log->f,
            "\n"
            "# n: %zu\n"
            "# kernel: %s\n"
            "# softening: %s\n"
            "# dt: %s\n"
            "# G: %s\n"
            "# units: %s\n"
            "# potential: %s, whatever the force kernel\n",
            n, c->kernel,
            nb_config_format_double(eps, sizeof eps, c->softening),
            nb_config_format_double(dt, sizeof dt, c->dt),
            nb_config_format_double(g, sizeof g, c->G),
            nb_config_units_line(c, units, sizeof units),
            pk ? pk->energy_potential : "exact softened pairwise sum");
    put_column_row(log->f);
    if (fflush(log->f) != 0) {
        int e = errno;
        fclose(log->f);
        log->f = NULL;
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot write: %s", path, strerror(e));
    }
    return NB_OK;
}

/* The step of a data row, or -1 for comments and the column row. */
static long row_step(const char *line)
{
    if (line[0] < '0' || line[0] > '9')
        return -1;
    return strtol(line, NULL, 10);
}

int nb_energylog_resume(nb_energylog *log, const char *path, long keep_step, long step,
                        double time, const char *copy_to, nb_error *err)
{
    snprintf(log->path, sizeof log->path, "%s", path);
    log->f = NULL;
    /* O_NONBLOCK, then a check: a FIFO in its place would block the restart forever */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        return nb_fail(err, NB_ERR_INPUT, "%s: not a regular file, expected the energy log "
                       "to continue", path);
    }
    FILE *in = fd < 0 ? NULL : fdopen(fd, "r");
    if (!in) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return nb_fail(err, NB_ERR_INPUT, "%s: cannot open the energy log to continue it: %s",
                       path, e == ELOOP ? "it is a symbolic link, expected a regular file" :
                       strerror(e));
    }
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
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int header_seen = 0;
    while ((len = getline(&line, &cap, in)) > 0) {
        if (copy)
            fputs(line, copy);
        if (line[len - 1] != '\n')
            break; /* a torn last line from a crash: drop it */
        long s = row_step(line);
        if (s < 0) {
            header_seen |= strncmp(line, "step,", 5) == 0;
            fputs(line, out);
        } else if (s <= keep_step) {
            fputs(line, out);
        }
    }
    free(line);
    fclose(in);
    if (!header_seen)
        put_column_row(out);
    fprintf(out, "# restart: step %ld time %.17g\n", step, time);
    int bad = ferror(out);
    bad |= fclose(out) != 0;
    if (copy && (ferror(copy) | (fclose(copy) != 0))) {
        remove(tmp);
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot write: %s", copy_to, strerror(errno));
    }
    if (bad || rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot rewrite the energy log: %s", path,
                       strerror(e));
    }
    log->f = open_log(path, O_APPEND);
    if (!log->f)
        return nb_fail(err, NB_ERR_RUNTIME, "%s: cannot append: %s", path, strerror(errno));
    return NB_OK;
}

int nb_energylog_append(nb_energylog *log, long step, double time, const nb_diag *d,
                        double e0, double wall_seconds, nb_error *err)
{
    row_values v = {(double)step, time, nb_diagnostics_rel_error(d->total, e0), wall_seconds,
                    *d};
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
