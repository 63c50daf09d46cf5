#!/bin/sh
# The Python package's yt checks (tests/python/test_yt.py): Snapshot.to_yt in physical and
# N-body units. Skipped (77) without a Python that imports numpy and yt.
. "$SRCDIR/tests/python/python_lib.sh"
if ! "$PYTHON_NUMPY" -c 'import yt' >/dev/null 2>&1; then
    echo "SKIP: $PYTHON_NUMPY does not import yt (apt-get install python3-yt)"
    exit 77
fi
nb_pytests test_yt.py
