# Test programs and scripts; included by Makefile.am. Each check_*.c is its own program.
# Pattern:
#   check_PROGRAMS += tests/check_foo
#   TESTS += tests/check_foo
#   tests_check_foo_SOURCES = tests/check_foo.c tests/testutil.h
#   tests_check_foo_CFLAGS = $(TEST_CFLAGS)
#   tests_check_foo_LDADD = $(TEST_LIBS)        # or $(TEST_IO_LIBS) for config/snapshot tests


check_PROGRAMS += tests/check_config
TESTS += tests/check_config
tests_check_config_SOURCES = tests/check_config.c
tests_check_config_CFLAGS = $(TEST_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_check_config_LDADD = $(TEST_IO_LIBS)

check_PROGRAMS += tests/check_rng tests/check_physics
TESTS += tests/check_rng tests/check_physics
tests_check_rng_SOURCES = tests/check_rng.c
tests_check_rng_CFLAGS = $(TEST_CFLAGS)
tests_check_rng_LDADD = $(TEST_LIBS)
tests_check_physics_SOURCES = tests/check_physics.c
tests_check_physics_CFLAGS = $(TEST_CFLAGS)
tests_check_physics_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/snapdiff
tests_snapdiff_SOURCES = tests/snapdiff.c
tests_snapdiff_CFLAGS = $(TEST_CFLAGS)
tests_snapdiff_LDADD = $(TEST_IO_LIBS)

dist_check_SCRIPTS += tests/e2e_run.sh tests/e2e_restart.sh
EXTRA_DIST += tests/e2e_lib.sh
TESTS += tests/e2e_run.sh tests/e2e_restart.sh

dist_check_SCRIPTS += tests/e2e_tools.sh tests/e2e_configs.sh
TESTS += tests/e2e_tools.sh tests/e2e_configs.sh

check_PROGRAMS += tests/check_kernels
TESTS += tests/check_kernels
tests_check_kernels_SOURCES = tests/check_kernels.c tests/kernel_reference.h
tests_check_kernels_CFLAGS = $(TEST_CFLAGS)
tests_check_kernels_LDADD = $(TEST_LIBS)

# The snapshot tests damage files with HDF5 calls, hence HDF5_CFLAGS/HDF5_LIBS.
check_PROGRAMS += tests/check_snapshot tests/check_snapshot_damaged
TESTS += tests/check_snapshot tests/check_snapshot_damaged
tests_check_snapshot_SOURCES = tests/check_snapshot.c tests/snapshot_testutil.c \
	tests/snapshot_testutil.h
tests_check_snapshot_CFLAGS = $(TEST_CFLAGS) $(HDF5_CFLAGS)
tests_check_snapshot_LDADD = $(TEST_IO_LIBS) $(HDF5_LIBS)
tests_check_snapshot_damaged_SOURCES = tests/check_snapshot_damaged.c \
	tests/snapshot_testutil.c tests/snapshot_testutil.h
tests_check_snapshot_damaged_CFLAGS = $(TEST_CFLAGS) $(HDF5_CFLAGS)
tests_check_snapshot_damaged_LDADD = $(TEST_IO_LIBS) $(HDF5_LIBS)

check_PROGRAMS += tests/check_kdtree
TESTS += tests/check_kdtree
tests_check_kdtree_SOURCES = tests/check_kdtree.c
tests_check_kdtree_CFLAGS = $(TEST_CFLAGS)
tests_check_kdtree_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/check_knn
TESTS += tests/check_knn
tests_check_knn_SOURCES = tests/check_knn.c tests/kernel_reference.h
tests_check_knn_CFLAGS = $(TEST_CFLAGS)
tests_check_knn_LDADD = $(TEST_LIBS)

# Robustness: bad parameter files and snapshots, faults while running, fuzzing.
check_PROGRAMS += tests/make_bad_snapshots tests/fsize_exec
tests_make_bad_snapshots_SOURCES = tests/make_bad_snapshots.c
tests_make_bad_snapshots_CFLAGS = $(AM_CFLAGS) $(HDF5_CFLAGS)
tests_make_bad_snapshots_LDADD = $(HDF5_LIBS)
tests_fsize_exec_SOURCES = tests/fsize_exec.c
dist_check_SCRIPTS += tests/e2e_bad_configs.sh tests/e2e_bad_snapshots.sh tests/e2e_faults.sh \
	tests/e2e_fuzz.sh
TESTS += tests/e2e_bad_configs.sh tests/e2e_bad_snapshots.sh tests/e2e_faults.sh \
	tests/e2e_fuzz.sh
EXTRA_DIST += tests/bad_configs tests/fuzz tests/lsan.supp
# For --enable-sanitizers: leaks inside libgomp, HDF5 and libconfig are not nbody's; an
# impossible allocation returns NULL as malloc does (HDF5 asks for one when a damaged
# header claims a huge object, and copes); UBSan stops at its first report.
AM_TESTS_ENVIRONMENT += \
	LSAN_OPTIONS='suppressions=$(abs_top_srcdir)/tests/lsan.supp:print_suppressions=0'; \
	export LSAN_OPTIONS; ASAN_OPTIONS='allocator_may_return_null=1'; export ASAN_OPTIONS; \
	UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1'; export UBSAN_OPTIONS;
# tests/e2e_fuzz.sh builds the fuzzers here
clean-local: clean-fuzz
clean-fuzz:
	rm -rf tests/fuzz-build
.PHONY: clean-fuzz

# SIGKILL at arbitrary moments: no unreadable final-named snapshot, restart bit for bit
dist_check_SCRIPTS += tests/e2e_crash.sh
TESTS += tests/e2e_crash.sh
