/* The HDF5 helpers that the snapshot writer and reader share: quiet error stacks, the
 * innermost HDF5 message, file-access properties, the tables' HDF5 types; and freeing
 * snapshot metadata. */
#include "io/snapshot.h"
#include "io/snapshot_h5.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nb_snapshot_quiet_begin(nb_snapshot_quiet *q)
{
    /* HDF5 1.10 leaves a file whose H5Fclose failed (a full disk at the final flush)
     * half destroyed, and its atexit clean-up then crashes on it: skip that clean-up, so
     * a failed write ends in our message and exit 1. This is the first HDF5 call of every
     * public function, and does nothing once the library has started. */
    H5dont_atexit();
    H5Eget_auto2(H5E_DEFAULT, &q->func, &q->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

void nb_snapshot_quiet_end(const nb_snapshot_quiet *q)
{
    H5Eset_auto2(H5E_DEFAULT, q->func, q->data);
}

typedef struct detail_buf {
    char *buf;
    size_t size;
} detail_buf;

static herr_t innermost(unsigned n, const H5E_error2_t *e, void *data)
{
    detail_buf *d = data;
    if (n != 0 || !e->desc || !e->desc[0])
        return 0;
    /* A failed read or write reads "file write failed: time = ...\n, filename = ...,
     * errno = 28, error message = 'No space left on device', buf = ...": keep what failed
     * and the system's reason, on one line. */
    const char *why = strstr(e->desc, "error message = '"), *time = strstr(e->desc, ": time = ");
    if (why && time) {
        why += strlen("error message = '");
        const char *end = strchr(why, '\'');
        snprintf(d->buf, d->size, "%.*s: %.*s", (int)(time - e->desc), e->desc,
                 end ? (int)(end - why) : (int)strlen(why), why);
    } else {
        snprintf(d->buf, d->size, "%s", e->desc);
    }
    for (char *c = d->buf; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    return 0;
}

const char *nb_snapshot_h5_detail(char *buf, size_t size)
{
    detail_buf d = {buf, size};
    buf[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &d);
    if (!buf[0])
        snprintf(buf, size, "HDF5 reported an error");
    return buf;
}

hid_t nb_snapshot_fapl(int for_write)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0)
        return -1;
#if H5_VERSION_GE(1, 10, 2)
    const H5F_libver_t format = H5F_LIBVER_V110;
#else
    const H5F_libver_t format = H5F_LIBVER_LATEST; /* 1.10.0 and 1.10.1: the same */
#endif
    if ((for_write && H5Pset_libver_bounds(fapl, format, format) < 0) ||
        H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
        H5Pclose(fapl);
        return -1;
    }
#if (H5_VERS_MAJOR == 1 && H5_VERS_MINOR == 10 && H5_VERS_RELEASE >= 7) || \
    H5_VERSION_GE(1, 12, 1)
    /* Lock when the file system can, but do not fail where it cannot (NFS, Lustre). */
    H5Pset_file_locking(fapl, 1, 1);
#endif
    return fapl;
}

hid_t nb_snapshot_h5_ftype(nb_snapshot_type t)
{
    return t == NB_SNAP_U64   ? H5T_STD_U64LE
           : t == NB_SNAP_I64 ? H5T_STD_I64LE
           : t == NB_SNAP_I32 ? H5T_STD_I32LE
                              : H5T_IEEE_F64LE;
}

hid_t nb_snapshot_h5_mtype(nb_snapshot_type t)
{
    /* I64 values are longs in memory (snapshot.h) */
    return t == NB_SNAP_U64   ? H5T_NATIVE_UINT64
           : t == NB_SNAP_I64 ? H5T_NATIVE_LONG
           : t == NB_SNAP_I32 ? H5T_NATIVE_INT32
                              : H5T_NATIVE_DOUBLE;
}

void nb_snapshot_meta_free(nb_snapshot_meta *meta)
{
    free(meta->parameters);
    meta->parameters = NULL;
}
