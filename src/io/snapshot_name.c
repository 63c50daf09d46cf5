/* Snapshot file names (snapshot_name.h). */
#include "io/snapshot_name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nb_snapshot_base_check(const char *base, char *why, size_t size)
{
    size_t len = strlen(base);
    if (len == 0) {
        snprintf(why, size, "is empty");
        return -1;
    }
    if (len > NB_SNAPSHOT_BASE_MAX) {
        snprintf(why, size, "is %zu characters long", len);
        return -1;
    }
    /* a leading '.' hides the files from ls and globs, a leading '-' reads as an option to
     * the shell tools that get the names */
    if (base[0] == '.' || base[0] == '-') {
        snprintf(why, size, "starts with '%c'", base[0]);
        return -1;
    }
    for (size_t k = 0; k < len; k++) {
        unsigned char ch = (unsigned char)base[k];
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '_' || ch == '.' || ch == '-')
            continue;
        if (ch >= 0x20 && ch < 0x7f)
            snprintf(why, size, "contains '%c' (character %zu)", ch, k + 1);
        else
            snprintf(why, size, "contains byte 0x%02x (character %zu)", ch, k + 1);
        return -1;
    }
    return 0;
}

void nb_snapshot_path(char *buf, size_t size, const char *dir, const char *base, long index)
{
    size_t len = strlen(dir);
    const char *sep = len && dir[len - 1] == '/' ? "" : "/";
    snprintf(buf, size, "%s%s%s_%04ld.h5", dir, sep, base, index);
}

int nb_snapshot_name_parse(const char *name, nb_snapshot_name *out)
{
    size_t len = strlen(name);
    int tmp = len > 4 && !strcmp(name + len - 4, ".tmp");
    if (tmp)
        len -= 4;
    if (len < 4 || strncmp(name + len - 3, ".h5", 3) != 0)
        return 0;
    size_t digits_end = len - 3, us = digits_end;
    while (us > 0 && name[us - 1] >= '0' && name[us - 1] <= '9')
        us--;
    size_t ndigits = digits_end - us;
    if (ndigits == 0 || ndigits > 18 || us < 2 || name[us - 1] != '_')
        return 0;
    size_t blen = us - 1;
    if (blen > NB_SNAPSHOT_BASE_MAX)
        return 0;
    char base[NB_SNAPSHOT_BASE_MAX + 1], why[64];
    memcpy(base, name, blen);
    base[blen] = '\0';
    if (nb_snapshot_base_check(base, why, sizeof why) != 0)
        return 0;
    memcpy(out->base, base, blen + 1);
    out->index = strtoull(name + us, NULL, 10);
    out->tmp = tmp;
    return 1;
}

int nb_snapshot_index(const char *name, const char *base, unsigned long long *index)
{
    nb_snapshot_name n;
    if (!nb_snapshot_name_parse(name, &n) || n.tmp || strcmp(n.base, base) != 0)
        return 0;
    *index = n.index;
    return 1;
}
