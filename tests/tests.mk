# Test programs and scripts; included by Makefile.am. Each check_*.c is its own program.
# Pattern:
#   check_PROGRAMS += tests/check_foo
#   TESTS += tests/check_foo
#   tests_check_foo_SOURCES = tests/check_foo.c tests/testutil.h
#   tests_check_foo_CFLAGS = $(TEST_CFLAGS)
#   tests_check_foo_LDADD = $(TEST_LIBS)        # or $(TEST_IO_LIBS) for config/snapshot tests

