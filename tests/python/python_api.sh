#!/bin/sh
# The Python package (python/nbody) from the build tree: tests/python/test_accel.py and
# test_io.py with the Python configure found (pytest when it has it, else runner.py).
# Skipped (77) without a Python with numpy, and in a sanitized build (its library cannot be
# loaded into a Python that was not started with the sanitizer's runtime).
. "$SRCDIR/tests/python/python_lib.sh"
nb_pytests test_accel.py test_io.py
