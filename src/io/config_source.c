/* The text libconfig is given (io/config_source.h): read whole with a size cap and without
 * blocking, refused with a NUL byte inside, linted, and the same for every @include. */
#include "io/config_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/config.h"
#include "io/config_lint.h"

/* libconfig's own limit on @include nesting */
#define INCLUDE_MAX_DEPTH 10

static const char *not_regular(mode_t m)
{
    if (S_ISDIR(m))
        return "is a directory";
    if (S_ISFIFO(m))
        return "not a regular file (a FIFO)";
    if (S_ISSOCK(m))
        return "not a regular file (a socket)";
    if (S_ISCHR(m) || S_ISBLK(m))
        return "not a regular file (a device)";
    return "not a regular file";
}

/* A NUL byte in the len bytes of buf: libconfig's parse stops there, so the text after it
 * would be ignored without a word. Returns its 1-based line (what: the column), or 0. */
static int nul_byte(const char *buf, size_t len, char *what, size_t size)
{
    const char *nul = memchr(buf, '\0', len);
    if (!nul)
        return 0;
    int line = 1;
    const char *line_start = buf;
    for (const char *s = buf; s < nul; s++)
        if (*s == '\n') {
            line++;
            line_start = s + 1;
        }
    snprintf(what, size, "a NUL byte (column %d): libconfig would ignore the text after it "
             "(expected a text file without NUL bytes)", (int)(nul - line_start) + 1);
    return line;
}

/* Reads a parameter file whole into *out (malloc'd, NUL-terminated). Opened without
 * blocking and checked before any read: a FIFO would block forever, a device never end. On
 * failure returns -1 (what: the system's reason), -2 (what: not a regular file, too large)
 * or -3 (what: a NUL byte, on line *line). */
static int read_param_file(const char *path, char **out, int *line, char *what, size_t size)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(what, size, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(what, size, "%s", strerror(errno));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode) || st.st_size > NB_PARAM_MAX_BYTES) {
        if (S_ISREG(st.st_mode))
            snprintf(what, size, "%.1f MB, larger than the 1 MB limit for a parameter file",
                     (double)st.st_size / (1024.0 * 1024.0));
        else
            snprintf(what, size, "%s (expected a parameter file)", not_regular(st.st_mode));
        close(fd);
        return -2;
    }
    size_t len = 0, cap = st.st_size > 0 && st.st_size <= NB_PARAM_MAX_BYTES ?
                              (size_t)st.st_size + 2 : 4096;
    char *buf = malloc(cap);
    int too_big = 0;
    for (;;) {
        if (!buf) {
            snprintf(what, size, "out of memory");
            break;
        }
        if (len + 1 >= cap) {
            char *more = realloc(buf, cap * 2);
            if (!more) {
                free(buf);
                buf = NULL;
                continue;
            }
            buf = more;
            cap *= 2;
        }
        ssize_t k = read(fd, buf + len, cap - len - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            snprintf(what, size, "%s", strerror(errno));
            free(buf);
            buf = NULL;
            break;
        }
        len += (size_t)k;
        if (len > NB_PARAM_MAX_BYTES) {
            too_big = 1;
            /* st_size may have been smaller (a file still growing) */
            long long total = st.st_size > (off_t)len ? (long long)st.st_size : (long long)len;
            snprintf(what, size, "%.1f MB, larger than the 1 MB limit for a parameter file",
                     (double)total / (1024.0 * 1024.0));
            free(buf);
            buf = NULL;
            break;
        }
        if (k == 0) {
            buf[len] = '\0';
            break;
        }
    }
    close(fd);
    if (buf && (*line = nul_byte(buf, len, what, size)) > 0) {
        free(buf);
        return -3;
    }
    *out = buf;
    return buf ? 0 : too_big ? -2 : -1;
}

/* One file being checked before libconfig reads it, for the @include walk. */
typedef struct include_walk {
    const char *dir;  /* libconfig's include_dir: every @include is taken relative to it */
    const char *file; /* the file being scanned */
    int depth;
    nb_error *err;
} include_walk;

static int check_param_text(const char *text, const char *file, const char *from,
                            const char *dir, int depth, nb_error *err);

static int check_include(int line, const char *name, size_t len, int malformed, void *ctx)
{
    const include_walk *w = ctx;
    if (malformed)
        return nb_fail(w->err, NB_ERR_INPUT, "%s:%d: @include: expected a file name in double "
                       "quotes without backslashes", w->file, line);
    if (w->depth >= INCLUDE_MAX_DEPTH)
        return nb_fail(w->err, NB_ERR_INPUT, "%s:%d: @include '%.*s': nested more than %d deep "
                       "(does a file include itself?)", w->file, line, (int)len, name,
                       INCLUDE_MAX_DEPTH);
    /* libconfig 1.5 puts include_dir in front of every name, absolute ones too */
    char path[NB_PATH_MAX], from[NB_PATH_MAX + 32], what[256];
    if ((size_t)snprintf(path, sizeof path, "%s%s%.*s", w->dir ? w->dir : "",
                         w->dir ? "/" : "", (int)len, name) >= sizeof path)
        return nb_fail(w->err, NB_ERR_INPUT, "%s:%d: @include: the path is too long", w->file,
                       line);
    char *text;
    int nul_line;
    int got = read_param_file(path, &text, &nul_line, what, sizeof what);
    if (got == -3)
        return nb_fail(w->err, NB_ERR_INPUT, "%s:%d: %s (in a file included from %s:%d)", path,
                       nul_line, what, w->file, line);
    if (got == -1)
        return nb_fail(w->err, NB_ERR_INPUT, "%s:%d: syntax error: cannot open include file "
                       "'%s': %s", w->file, line, path, what);
    if (got)
        return nb_fail(w->err, NB_ERR_INPUT, "%s:%d: @include '%s': %s", w->file, line, path,
                       what);
    snprintf(from, sizeof from, "%s:%d", w->file, line);
    int rc = check_param_text(text, path, from, w->dir, w->depth + 1, w->err);
    free(text);
    return rc;
}

/* Lints text (of file, included from "FILE:LINE" or NULL), then every file it
 * @includes, as libconfig will read them. */
static int check_param_text(const char *text, const char *file, const char *from,
                            const char *dir, int depth, nb_error *err)
{
    char what[256];
    int line = nb_config_lint(text, what, sizeof what);
    if (line)
        return nb_fail(err, NB_ERR_INPUT, "%s:%d: %s%s%s%s", file, line, what,
                       from ? " (in a file included from " : "", from ? from : "",
                       from ? ")" : "");
    include_walk w = {dir, file, depth, err};
    return nb_config_each_include(text, check_include, &w);
}

int nb_config_source_file(const char *path, const char *include_dir, char **text,
                          nb_error *err)
{
    char what[256];
    int nul_line;
    int got = read_param_file(path, text, &nul_line, what, sizeof what);
    if (got == -3)
        return nb_fail(err, NB_ERR_INPUT, "%s:%d: %s", path, nul_line, what);
    if (got)
        return nb_fail(err, NB_ERR_INPUT, "%s: %s%s", path,
                       got == -1 ? "cannot read the parameter file: " : "", what);
    /* every file libconfig is about to read is checked first: it misreads some text
     * silently, and hangs on a FIFO */
    int rc = check_param_text(*text, path, NULL, include_dir, 0, err);
    if (rc) {
        free(*text);
        *text = NULL;
    }
    return rc;
}

/* An @include in a snapshot's /Parameters would make a restart read whatever file of the
 * machine it names. */
static int refuse_include(int line, const char *name, size_t len, int malformed, void *ctx)
{
    (void)malformed;
    void **a = ctx;
    return nb_fail(a[1], NB_ERR_INPUT, "%s:%d: @include '%.*s': not allowed here, expected "
                   "the parameters themselves", (const char *)a[0], line,
                   (int)(len > 200 ? 200 : len), name);
}

int nb_config_source_string(const char *text, const char *name, nb_error *err)
{
    size_t len = strlen(text);
    if (len > NB_PARAM_MAX_BYTES)
        return nb_fail(err, NB_ERR_INPUT, "%s: %.1f MB, larger than the 1 MB limit for a "
                       "parameter file", name, (double)len / (1024.0 * 1024.0));
    void *ctx[2] = {(void *)name, err};
    int rc = nb_config_each_include(text, refuse_include, ctx);
    if (!rc)
        rc = check_param_text(text, name, NULL, NULL, 0, err);
    return rc;
}
