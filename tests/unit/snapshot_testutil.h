/* Shared by the snapshot tests (check_snapshot.c, check_snapshot_damaged.c): scratch
 * directories, reproducible particle data, and HDF5 editing helpers for making damaged
 * files. Like those tests, and unlike the program outside src/snapshot*.c, it uses HDF5. */
#ifndef NB_SNAPSHOT_TESTUTIL_H
#define NB_SNAPSHOT_TESTUTIL_H

#include <check.h>
#include <hdf5.h>
#include <stdint.h>
#include <string.h>

#include "io/snapshot.h"

/* Each test works in its own fresh directory root, inside base (made and removed by
 * snaptest_main, so nothing is left in /tmp even when tests fail). */
extern char root[96];
void make_root(void);
void remove_root(void);
/* root/name, in one of 4 static slots, so a test can hold a few paths at once. */
const char *in_root(int slot, const char *name);
int exists(const char *path);

/* Particles with finite values over the whole double range (subnormals, -0, huge),
 * positive masses and arbitrary 64-bit ids, the same for the same (n, seed). */
void fill(nb_particles *p, size_t n, uint64_t seed);
extern const char PARAMS[];
nb_snapshot_meta make_meta(long step);
/* Writes fill(n, seed) and make_meta(step), asserting success. */
void write_ok(const char *path, size_t n, uint64_t seed, long step, int compression);

#define SAME(a, b, bytes, what) ck_assert_msg(memcmp(a, b, bytes) == 0, "%s differs", what)
void assert_same_particles(const nb_particles *a, const nb_particles *b, int with_acc);

/* Expects NB_ERR_INPUT from the readers named (FULL: nb_snapshot_read, PARTICLES:
 * nb_snapshot_read_particles) with one line that starts with the file and contains want.
 * NB_SHOW_ERRORS=1 in the environment prints each message, to review the wording. */
enum { FULL = 1, PARTICLES = 2, BOTH = 3 };
void expect_reject(const char *path, const char *want, int readers);

/* Copies src to dst, keeping only the first keep bytes (all if keep < 0). */
void copy_file(const char *src, const char *dst, long keep);
/* Copies good to bad and opens the copy for editing with HDF5. */
hid_t edit_copy(const char *good, const char *bad);
/* (Re)creates attribute name of object obj with n values (0: a scalar). */
void set_attr(hid_t f, const char *obj, const char *name, hid_t ftype, hid_t mtype, hsize_t n,
              const void *v);

/* Runs the suite in a fresh base directory with HDF5's error printing off (the tests
 * break files with HDF5 calls that fail on purpose); the exit status for main. */
int snaptest_main(Suite *s);

#endif
