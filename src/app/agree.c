/* The start-up agreement of a distributed run's ranks (app/agree.h): digests compared with
 * rank 0's, and for a difference one message that says which ranks and what. */
#include "app/agree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/comm.h"

/* A 64-bit digest of len bytes, continuing h: eight bytes at a time through a multiply
 * and xor-shift, so that 1e6 particles take milliseconds. It tells different data apart
 * (any change of a byte changes it, but for a 2^-64 chance); it is no defence against a
 * forger, who would not need one. */
static uint64_t digest(uint64_t h, const void *buf, size_t len)
{
    const unsigned char *b = buf;
    const uint64_t k = 0x9e3779b97f4a7c15ULL;
    for (; len >= 8; b += 8, len -= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    for (; len > 0; b++, len--) {
        h = (h ^ *b) * k;
        h ^= h >> 29;
    }
    return h;
}

static uint64_t digest_n(uint64_t h, size_t len)
{
    uint64_t v = len;
    return digest(h, &v, sizeof v);
}

/* Rank 0's len bytes on every rank (malloc'd, NUL-terminated), or NULL on every rank when
 * one of them could not hold it. */
static char *root_bytes(const char *mine, size_t len, size_t *root_len)
{
    uint64_t n = len;
    nb_comm_bcast(&n, sizeof n);
    char *buf = n < SIZE_MAX ? malloc((size_t)n + 1) : NULL;
    if (nb_comm_agree(buf ? NB_OK : NB_ERR_RUNTIME, NULL)) {
        free(buf);
        return NULL;
    }
    if (nb_comm_root())
        memcpy(buf, mine, (size_t)n);
    nb_comm_bcast(buf, (size_t)n);
    buf[n] = '\0';
    *root_len = (size_t)n;
    return buf;
}

/* The numbers of the ranks that differ, "rank 1 differs" or "ranks 1, 3 differ". */
static const char *which(char *buf, size_t size, int count, const char *ranks)
{
    snprintf(buf, size, "rank%s %s differ%s", count > 1 ? "s" : "", ranks,
             count > 1 ? "" : "s");
    return buf;
}

/* The k-th of the NUL-separated items in buf[0 .. len), or NULL past the last. */
static const char *item(const char *buf, size_t len, size_t k)
{
    size_t at = 0;
    for (; k > 0 && at < len; k--)
        at += strlen(buf + at) + 1;
    return at < len ? buf + at : NULL;
}

int nb_agree_command(int argc, char **argv, nb_error *err)
{
    if (!nb_comm_active() || nb_comm_size() == 1)
        return NB_OK;
    /* item 0: the environment the collective calls depend on; then argv[1..] */
    const char *env = getenv("NBODY_COLLECTIVE_IO");
    char first[256];
    snprintf(first, sizeof first, "NBODY_COLLECTIVE_IO=%s", env ? env : "(unset)");
    size_t len = strlen(first) + 1;
    for (int i = 1; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *mine = malloc(len);
    int rc = mine ? NB_OK : nb_fail(err, NB_ERR_RUNTIME, "out of memory for the command line");
    if ((rc = nb_comm_agree(rc, err))) {
        free(mine);
        return rc;
    }
    size_t at = strlen(first) + 1;
    memcpy(mine, first, at);
    for (int i = 1; i < argc; i++) {
        size_t k = strlen(argv[i]) + 1;
        memcpy(mine + at, argv[i], k);
        at += k;
    }
    char ranks[128], who[160];
    int differs, count = nb_comm_compare(digest(digest_n(0, len), mine, len), &differs,
                                         ranks, sizeof ranks);
    size_t root_len = 0;
    char *root = count ? root_bytes(mine, len, &root_len) : NULL;
    if (differs) {
        char what[600] = "";
        for (size_t k = 0; root && !what[0]; k++) {
            const char *a = item(mine, len, k), *b = item(root, root_len, k);
            if (!a && !b)
                break;
            if (a && b && !strcmp(a, b))
                continue;
            char name[32];
            if (k == 0)
                snprintf(name, sizeof name, "the environment's");
            else
                snprintf(name, sizeof name, "argument %zu", k);
            snprintf(what, sizeof what, " (%s is %s%.200s%s on rank %d, %s%.200s%s on rank 0)",
                     name, a ? "'" : "", a ? a : "missing", a ? "'" : "", nb_comm_rank(),
                     b ? "'" : "", b ? b : "missing", b ? "'" : "");
        }
        rc = nb_fail(err, NB_ERR_INPUT, "MPI ranks disagree on the command line: %s from "
                     "rank 0%s; every rank must run the same command", which(who, sizeof who,
                     count, ranks), what);
    }
    free(root);
    free(mine);
    return nb_comm_agree(rc, err);
}

/* The line of text that starts at or before p, without its newline, into buf. */
static void line_at(char *buf, size_t size, const char *text, const char *p)
{
    while (p > text && p[-1] != '\n')
        p--;
    size_t n = strcspn(p, "\n");
    snprintf(buf, size, "%.*s", (int)(n < 200 ? n : 200), p);
}

/* What the first differing line of two configuration texts is: "section.key = value" in
 * nb_config_format's layout (a "section:" line, then "  key = value;" lines), else the
 * line itself. */
static void describe_line(char *buf, size_t size, const char *text, const char *p)
{
    char line[256], section[128] = "";
    line_at(line, sizeof line, text, p);
    for (const char *s = text; s < p;) { /* the last "name:" line before p */
        size_t n = strcspn(s, "\n");
        if (n > 1 && n < sizeof section && s[0] != ' ' && s[n - 1] == ':')
            snprintf(section, sizeof section, "%.*s", (int)(n - 1), s);
        s += n + (s[n] == '\n');
    }
    const char *t = line + strspn(line, " \t");
    size_t tl = strlen(t);
    if (tl && t[tl - 1] == ';')
        tl--;
    if (section[0] && t != line && strchr(t, '='))
        snprintf(buf, size, "%s.%.*s", section, (int)tl, t);
    else
        snprintf(buf, size, "'%s'", line);
}

int nb_agree_config(const nb_config *c, nb_error *err)
{
    if (!nb_comm_active() || nb_comm_size() == 1)
        return NB_OK;
    char *mine = nb_config_format(c);
    int rc = mine ? NB_OK : nb_fail(err, NB_ERR_RUNTIME, "out of memory formatting the "
                                    "configuration");
    if ((rc = nb_comm_agree(rc, err))) {
        free(mine);
        return rc;
    }
    size_t len = strlen(mine);
    char ranks[128], who[160];
    int differs, count = nb_comm_compare(digest(digest_n(0, len), mine, len), &differs,
                                         ranks, sizeof ranks);
    size_t root_len = 0;
    char *root = count ? root_bytes(mine, len, &root_len) : NULL;
    if (differs) {
        char what[700] = "", a[300], b[300];
        if (root) {
            size_t k = 0;
            while (mine[k] && mine[k] == root[k])
                k++;
            describe_line(a, sizeof a, mine, mine + k);
            describe_line(b, sizeof b, root, root + k);
            snprintf(what, sizeof what, " (%s on rank %d, %s on rank 0)", a, nb_comm_rank(), b);
        }
        rc = nb_fail(err, NB_ERR_INPUT, "MPI ranks disagree on the configuration: %s from rank "
                     "0%s; every rank must read the same parameter file with the same --set "
                     "options", which(who, sizeof who, count, ranks), what);
    }
    free(root);
    free(mine);
    return nb_comm_agree(rc, err);
}

/* what the particle digests cover, and N itself */
enum { PART_X, PART_V, PART_M, PART_ID, PART_STATE, PART_N, PARTS };

int nb_agree_particles(const nb_particles *p, const nb_snapshot_meta *meta, nb_error *err)
{
    if (!nb_comm_active() || nb_comm_size() == 1)
        return NB_OK;
    static const char *const names[PART_N] = {
        "positions", "velocities", "masses", "ids",
        "the snapshot's step, time, dt, time origin, output index or E0"};
    size_t n = p->n, bytes = n * sizeof(double);
    uint64_t d[PARTS] = {0};
    d[PART_X] = digest(digest(digest(0, p->x, bytes), p->y, bytes), p->z, bytes);
    d[PART_V] = digest(digest(digest(0, p->vx, bytes), p->vy, bytes), p->vz, bytes);
    d[PART_M] = digest(0, p->m, bytes);
    d[PART_ID] = digest(0, p->id, n * sizeof *p->id);
    if (meta) {
        long l[3] = {meta->step, meta->step_origin, meta->output_index};
        double v[4] = {meta->time, meta->dt, meta->time_origin, meta->e0};
        d[PART_STATE] = digest(digest(0, l, sizeof l), v, sizeof v);
    }
    d[PART_N] = n;
    char ranks[128], who[160];
    int differs, count = nb_comm_compare(digest(0, d, sizeof d), &differs, ranks,
                                         sizeof ranks);
    if (!count)
        return NB_OK;
    uint64_t root[PARTS]; /* rank 0's digests: to say which part differs */
    memcpy(root, d, sizeof d);
    nb_comm_bcast(root, sizeof root);
    int rc = NB_OK;
    if (differs) {
        char what[400] = "";
        size_t len = 0;
        if (d[PART_N] != root[PART_N])
            snprintf(what, sizeof what, "N = %llu on rank %d, %llu on rank 0",
                     (unsigned long long)d[PART_N], nb_comm_rank(),
                     (unsigned long long)root[PART_N]);
        else
            for (int k = 0; k < PART_N && len < sizeof what; k++)
                if (d[k] != root[k])
                    len += (size_t)snprintf(what + len, sizeof what - len, "%s%s",
                                            len ? ", " : "", names[k]);
        rc = nb_fail(err, NB_ERR_INPUT, "MPI ranks disagree on the initial particles%s: %s "
                     "from rank 0 (%s%s); every rank must read the same %s",
                     meta ? " and state" : "", which(who, sizeof who, count, ranks), what,
                     d[PART_N] != root[PART_N] ? "" : " differ",
                     meta ? "snapshot" : "initial conditions");
    }
    return nb_comm_agree(rc, err);
}
