# Test programs and scripts; included by Makefile.am. Each check_*.c is its own program.
# Pattern:
#   check_PROGRAMS += tests/unit/check_foo
#   TESTS += tests/unit/check_foo
#   tests_unit_check_foo_SOURCES = tests/unit/check_foo.c tests/unit/kernel_reference.h
#   tests_unit_check_foo_CFLAGS = $(TEST_CFLAGS)
#   tests_unit_check_foo_LDADD = $(TEST_LIBS)        # or $(TEST_IO_LIBS) for config/snapshot tests
# (kernel_reference.h: long-double reference sums, for the kernel tests that use them)


check_PROGRAMS += tests/unit/check_config
TESTS += tests/unit/check_config
tests_unit_check_config_SOURCES = tests/unit/check_config.c
tests_unit_check_config_CFLAGS = $(TEST_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_unit_check_config_LDADD = $(TEST_IO_LIBS)

check_PROGRAMS += tests/unit/check_rng tests/unit/check_physics
TESTS += tests/unit/check_rng tests/unit/check_physics
tests_unit_check_rng_SOURCES = tests/unit/check_rng.c
tests_unit_check_rng_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_rng_LDADD = $(TEST_LIBS)
tests_unit_check_physics_SOURCES = tests/unit/check_physics.c
tests_unit_check_physics_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_physics_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/e2e/snapdiff
tests_e2e_snapdiff_SOURCES = tests/e2e/snapdiff.c
tests_e2e_snapdiff_CFLAGS = $(TEST_CFLAGS)
tests_e2e_snapdiff_LDADD = $(TEST_IO_LIBS)

# energy.csv's potential: auto's choice, its error on W against a long-double sum, the header
check_PROGRAMS += tests/unit/check_energy_potential
TESTS += tests/unit/check_energy_potential
tests_unit_check_energy_potential_SOURCES = tests/unit/check_energy_potential.c
tests_unit_check_energy_potential_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_energy_potential_LDADD = $(TEST_IO_LIBS)

dist_check_SCRIPTS += tests/e2e/e2e_run.sh tests/e2e/e2e_restart.sh
EXTRA_DIST += tests/e2e/e2e_lib.sh
TESTS += tests/e2e/e2e_run.sh tests/e2e/e2e_restart.sh

dist_check_SCRIPTS += tests/e2e/e2e_tools.sh tests/e2e/e2e_configs.sh
TESTS += tests/e2e/e2e_tools.sh tests/e2e/e2e_configs.sh

# every tool in tools/: one script per optional dependency, skipped (77) without it, run
# with what configure found (a Python that imports the modules, gnuplot)
dist_check_SCRIPTS += tests/e2e/e2e_tools_shell.sh tests/e2e/e2e_tools_gnuplot.sh \
	tests/e2e/e2e_tools_scipy.sh tests/e2e/e2e_tools_numba.sh tests/e2e/e2e_tools_pytreegrav.sh
TESTS += tests/e2e/e2e_tools_shell.sh tests/e2e/e2e_tools_gnuplot.sh \
	tests/e2e/e2e_tools_scipy.sh tests/e2e/e2e_tools_numba.sh tests/e2e/e2e_tools_pytreegrav.sh
AM_TESTS_ENVIRONMENT += \
	PYTHON_SCIPY='$(PYTHON_SCIPY)'; export PYTHON_SCIPY; \
	PYTHON_NUMBA='$(PYTHON_NUMBA)'; export PYTHON_NUMBA; \
	PYTHON_YT='$(PYTHON_YT)'; export PYTHON_YT; \
	GNUPLOT='$(GNUPLOT)'; export GNUPLOT;

check_PROGRAMS += tests/unit/check_kernels
TESTS += tests/unit/check_kernels
tests_unit_check_kernels_SOURCES = tests/unit/check_kernels.c tests/unit/kernel_reference.h
tests_unit_check_kernels_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_kernels_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/unit/check_potential
TESTS += tests/unit/check_potential
tests_unit_check_potential_SOURCES = tests/unit/check_potential.c tests/unit/kernel_reference.h
tests_unit_check_potential_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_potential_LDADD = $(TEST_LIBS)

# The snapshot tests damage files with HDF5 calls, hence HDF5_CFLAGS/HDF5_LIBS.
check_PROGRAMS += tests/unit/check_snapshot tests/unit/check_snapshot_damaged
TESTS += tests/unit/check_snapshot tests/unit/check_snapshot_damaged
tests_unit_check_snapshot_SOURCES = tests/unit/check_snapshot.c tests/unit/snapshot_testutil.c \
	tests/unit/snapshot_testutil.h
tests_unit_check_snapshot_CFLAGS = $(TEST_CFLAGS) $(HDF5_CFLAGS)
tests_unit_check_snapshot_LDADD = $(TEST_IO_LIBS) $(HDF5_LIBS)
tests_unit_check_snapshot_damaged_SOURCES = tests/unit/check_snapshot_damaged.c \
	tests/unit/snapshot_testutil.c tests/unit/snapshot_testutil.h
tests_unit_check_snapshot_damaged_CFLAGS = $(TEST_CFLAGS) $(HDF5_CFLAGS)
tests_unit_check_snapshot_damaged_LDADD = $(TEST_IO_LIBS) $(HDF5_LIBS)
check_PROGRAMS += tests/unit/check_snapshot_chunks
TESTS += tests/unit/check_snapshot_chunks
tests_unit_check_snapshot_chunks_SOURCES = tests/unit/check_snapshot_chunks.c \
	tests/unit/snapshot_testutil.c tests/unit/snapshot_testutil.h
tests_unit_check_snapshot_chunks_CFLAGS = $(TEST_CFLAGS) $(HDF5_CFLAGS)
tests_unit_check_snapshot_chunks_LDADD = $(TEST_IO_LIBS) $(HDF5_LIBS)
check_PROGRAMS += tests/unit/check_snapshot_tables tests/unit/check_snapshot_types
TESTS += tests/unit/check_snapshot_tables tests/unit/check_snapshot_types
tests_unit_check_snapshot_types_SOURCES = tests/unit/check_snapshot_types.c \
	tests/unit/snapshot_testutil.c tests/unit/snapshot_testutil.h
tests_unit_check_snapshot_types_CFLAGS = $(TEST_CFLAGS) $(HDF5_CFLAGS)
tests_unit_check_snapshot_types_LDADD = $(TEST_IO_LIBS) $(HDF5_LIBS)
tests_unit_check_snapshot_tables_SOURCES = tests/unit/check_snapshot_tables.c \
	tests/unit/snapshot_testutil.c tests/unit/snapshot_testutil.h
tests_unit_check_snapshot_tables_CFLAGS = $(TEST_CFLAGS) $(HDF5_CFLAGS)
tests_unit_check_snapshot_tables_LDADD = $(TEST_IO_LIBS) $(HDF5_LIBS)

check_PROGRAMS += tests/unit/check_kdtree
TESTS += tests/unit/check_kdtree
tests_unit_check_kdtree_SOURCES = tests/unit/check_kdtree.c
tests_unit_check_kdtree_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_kdtree_LDADD = $(TEST_LIBS)

check_PROGRAMS += tests/unit/check_knn
TESTS += tests/unit/check_knn
tests_unit_check_knn_SOURCES = tests/unit/check_knn.c tests/unit/kernel_reference.h
tests_unit_check_knn_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_knn_LDADD = $(TEST_LIBS)

# Robustness: bad parameter files and snapshots, faults while running, fuzzing.
check_PROGRAMS += tests/e2e/make_bad_snapshots tests/e2e/fsize_exec
tests_e2e_make_bad_snapshots_SOURCES = tests/e2e/make_bad_snapshots.c
tests_e2e_make_bad_snapshots_CFLAGS = $(AM_CFLAGS) $(HDF5_CFLAGS)
tests_e2e_make_bad_snapshots_LDADD = $(HDF5_LIBS)
tests_e2e_fsize_exec_SOURCES = tests/e2e/fsize_exec.c
dist_check_SCRIPTS += tests/e2e/e2e_bad_configs.sh tests/e2e/e2e_bad_snapshots.sh tests/e2e/e2e_faults.sh \
	tests/e2e/e2e_fuzz.sh
TESTS += tests/e2e/e2e_bad_configs.sh tests/e2e/e2e_bad_snapshots.sh tests/e2e/e2e_faults.sh \
	tests/e2e/e2e_fuzz.sh
# particle types: a three-type file, GADGET's NumPart/MassTable, restarts, gas
dist_check_SCRIPTS += tests/e2e/e2e_types.sh
TESTS += tests/e2e/e2e_types.sh
EXTRA_DIST += tests/data/bad_configs tests/fuzz tests/data/lsan.supp
# For --enable-sanitizers: leaks inside libgomp, HDF5 and libconfig are not nbody's; an
# impossible allocation returns NULL as malloc does (HDF5 asks for one when a damaged
# header claims a huge object, and copes); UBSan stops at its first report.
AM_TESTS_ENVIRONMENT += \
	LSAN_OPTIONS='suppressions=$(abs_top_srcdir)/tests/data/lsan.supp:print_suppressions=0'; \
	export LSAN_OPTIONS; ASAN_OPTIONS='allocator_may_return_null=1'; export ASAN_OPTIONS; \
	UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1'; export UBSAN_OPTIONS;
# tests/e2e/e2e_fuzz.sh builds the fuzzers here
clean-local: clean-fuzz
clean-fuzz:
	rm -rf tests/fuzz-build
.PHONY: clean-fuzz

# SIGKILL at arbitrary moments: no unreadable final-named snapshot, restart bit for bit
dist_check_SCRIPTS += tests/e2e/e2e_crash.sh
TESTS += tests/e2e/e2e_crash.sh

# run directories: one consistent history per directory; stops during set-up
dist_check_SCRIPTS += tests/e2e/e2e_rundir.sh tests/e2e/e2e_history.sh
TESTS += tests/e2e/e2e_rundir.sh tests/e2e/e2e_history.sh

# FIFOs, planted links, odd names, oversized files, near-miss options (under `timeout`)
dist_check_SCRIPTS += tests/e2e/e2e_hostile.sh
TESTS += tests/e2e/e2e_hostile.sh

# physical units: config, energy.csv, /Header, tools
dist_check_SCRIPTS += tests/e2e/e2e_units.sh
TESTS += tests/e2e/e2e_units.sh

dist_check_SCRIPTS += tests/e2e/e2e_components.sh
TESTS += tests/e2e/e2e_components.sh

# yt reading snapshots: units, the worked example's snippet (skipped without yt)
dist_check_SCRIPTS += tests/e2e/e2e_yt.sh
TESTS += tests/e2e/e2e_yt.sh

# snapshots at chosen times: the schedule, across restarts, bad schedules
dist_check_SCRIPTS += tests/e2e/e2e_schedule.sh
TESTS += tests/e2e/e2e_schedule.sh

# docs/worked-example.md: its commands run and print what it quotes
dist_check_SCRIPTS += tests/e2e/e2e_worked_example.sh
TESTS += tests/e2e/e2e_worked_example.sh

check_PROGRAMS += tests/unit/check_tree
TESTS += tests/unit/check_tree
tests_unit_check_tree_SOURCES = tests/unit/check_tree.c tests/unit/kernel_reference.h
tests_unit_check_tree_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_tree_LDADD = $(TEST_LIBS)

# the tree's relative opening test against a direct sum, lists, threads, first pass
check_PROGRAMS += tests/unit/check_tree_relative
TESTS += tests/unit/check_tree_relative
tests_unit_check_tree_relative_SOURCES = tests/unit/check_tree_relative.c \
	tests/unit/kernel_reference.h
tests_unit_check_tree_relative_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_tree_relative_LDADD = $(TEST_LIBS)

# tools/tree_accuracy.sh (the relative opening test's error table) at small N
dist_check_SCRIPTS += tests/e2e/e2e_tree_accuracy.sh
TESTS += tests/e2e/e2e_tree_accuracy.sh

# tree kernel: key errors, thread-count independence and restart bit for bit, end to end
dist_check_SCRIPTS += tests/e2e/e2e_tree.sh
TESTS += tests/e2e/e2e_tree.sh

dist_check_SCRIPTS += tests/e2e/e2e_adaptive.sh
TESTS += tests/e2e/e2e_adaptive.sh

# MPI end to end (skipped unless built --with-mpi): 1, 2 and 3 ranks
dist_check_SCRIPTS += tests/e2e/e2e_mpi.sh
TESTS += tests/e2e/e2e_mpi.sh

# the Hernquist sphere (physics/ics_hernquist.c): its distribution function, density,
# virial ratio, Jeans dispersions and Lagrangian radii in a run
check_PROGRAMS += tests/unit/check_hernquist
TESTS += tests/unit/check_hernquist
tests_unit_check_hernquist_SOURCES = tests/unit/check_hernquist.c
tests_unit_check_hernquist_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_hernquist_LDADD = $(TEST_LIBS)

# King (1966) models (physics/ics_king.c): concentration and profile against an independent
# integration and a published table, sampled density and speeds, virial ratio, scaling
check_PROGRAMS += tests/unit/check_king
TESTS += tests/unit/check_king
tests_unit_check_king_SOURCES = tests/unit/check_king.c
tests_unit_check_king_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_king_LDADD = $(TEST_LIBS)

# individual time steps (physics/timestep.c): the fixed leapfrog's bits in bin 0, the
# active lists, Kepler e = 0.9 against a fixed step, restart bit for bit, max_bins
check_PROGRAMS += tests/unit/check_timestep
TESTS += tests/unit/check_timestep
tests_unit_check_timestep_SOURCES = tests/unit/check_timestep.c
tests_unit_check_timestep_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_timestep_LDADD = $(TEST_LIBS)

# the tree's inner loops on every instruction-set path this CPU runs, each forced
check_PROGRAMS += tests/unit/check_tree_isa
TESTS += tests/unit/check_tree_isa
tests_unit_check_tree_isa_SOURCES = tests/unit/check_tree_isa.c
tests_unit_check_tree_isa_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_tree_isa_LDADD = $(TEST_LIBS)

# e2e_rundir's fault injection: an LD_PRELOAD library acting at a chosen rename, unlink or
# flock, built only for make check (by hand: libtool here builds static libraries only)
check_DATA = tests/e2e/nbfault.so
CLEANFILES = tests/e2e/nbfault.so
EXTRA_DIST += tests/e2e/fault_preload.c
tests/e2e/nbfault.so: tests/e2e/fault_preload.c
	$(CC) $(WARN_CFLAGS) -fPIC -shared -o $@ $(srcdir)/tests/e2e/fault_preload.c -ldl

check_PROGRAMS += tests/e2e/strip_run_id
tests_e2e_strip_run_id_SOURCES = tests/e2e/strip_run_id.c
tests_e2e_strip_run_id_CFLAGS = $(AM_CFLAGS) $(HDF5_CFLAGS)
tests_e2e_strip_run_id_LDADD = $(HDF5_LIBS)

# what a run prints about itself (issue 23): progress, step warnings, the continuing
# command, energy.csv's numbers; the run-time behaviour end to end, and nbody-mpirun's Ctrl-C
check_PROGRAMS += tests/unit/check_runinfo
TESTS += tests/unit/check_runinfo
tests_unit_check_runinfo_SOURCES = tests/unit/check_runinfo.c
tests_unit_check_runinfo_CFLAGS = $(TEST_CFLAGS) $(LIBCONFIG_CFLAGS)
tests_unit_check_runinfo_LDADD = $(TEST_IO_LIBS)
dist_check_SCRIPTS += tests/e2e/e2e_ux.sh tests/e2e/e2e_ux_mpirun.sh
TESTS += tests/e2e/e2e_ux.sh tests/e2e/e2e_ux_mpirun.sh

# mass spectra (physics/imf.c): Kroupa and Salpeter against their integrals, and their use
# in generated initial conditions; the scales of every generated type
check_PROGRAMS += tests/unit/check_imf tests/unit/check_ics_scales
TESTS += tests/unit/check_imf tests/unit/check_ics_scales
tests_unit_check_imf_SOURCES = tests/unit/check_imf.c
tests_unit_check_imf_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_imf_LDADD = $(TEST_LIBS)
tests_unit_check_ics_scales_SOURCES = tests/unit/check_ics_scales.c
tests_unit_check_ics_scales_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_ics_scales_LDADD = $(TEST_LIBS)

# every ```sh block of README.md and docs/*.md runs (the convention: doc_blocks.awk, DESIGN.md
# "Documentation"), and every relative link in them resolves (doc_links.sh, also run on the
# installed documents by installcheck)
dist_check_SCRIPTS += tests/e2e/e2e_docs.sh
EXTRA_DIST += tests/e2e/doc_blocks.awk tests/e2e/doc_links.sh
TESTS += tests/e2e/e2e_docs.sh
AM_TESTS_ENVIRONMENT += DOCS_INSTALLED='$(nobase_dist_doc_DATA)'; export DOCS_INSTALLED;

check_PROGRAMS += tests/unit/check_restart_forces
TESTS += tests/unit/check_restart_forces
tests_unit_check_restart_forces_SOURCES = tests/unit/check_restart_forces.c
tests_unit_check_restart_forces_CFLAGS = $(TEST_CFLAGS)
tests_unit_check_restart_forces_LDADD = $(TEST_IO_LIBS)
