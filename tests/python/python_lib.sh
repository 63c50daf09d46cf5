# Shared by the Python test scripts (sourced): the package and library of the build tree,
# and nb_pytests FILE... (pytest if the interpreter has it, else runner.py).
set -u
: "${NBODY:?NBODY must name the nbody binary}"
: "${SRCDIR:?SRCDIR must name the source tree}"
if [ -z "${PYTHON_NUMPY:-}" ]; then
    echo "SKIP: configure found no Python with numpy (PYTHON_NUMPY is empty)"
    exit 77
fi
if [ -n "${SAN_CFLAGS:-}" ]; then
    echo "SKIP: a sanitized libnbody cannot be loaded into $PYTHON_NUMPY"
    exit 77
fi
PYTHONPATH="$SRCDIR/python${PYTHONPATH:+:$PYTHONPATH}"
NBODY_LIBRARY="$(dirname "$NBODY")/.libs/libnbody.so.0"
PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH NBODY_LIBRARY PYTHONDONTWRITEBYTECODE NBODY
nb_pytests() {
    tmp=$(mktemp -d /tmp/nbody_py.XXXXXX)
    files=""
    for f in "$@"; do files="$files $SRCDIR/tests/python/$f"; done
    # shellcheck disable=SC2086
    if "$PYTHON_NUMPY" -c 'import pytest' >/dev/null 2>&1; then
        (cd "$tmp" && "$PYTHON_NUMPY" -m pytest -q -p no:cacheprovider \
            --basetemp="$tmp/pytest" $files)
        rc=$?
        [ "$rc" -eq 5 ] && rc=77 # nothing collected
    else
        (cd "$tmp" && PYTHONPATH="$SRCDIR/tests/python:$PYTHONPATH" \
            "$PYTHON_NUMPY" "$SRCDIR/tests/python/runner.py" $files)
        rc=$?
    fi
    rm -rf "$tmp"
    exit "$rc"
}
