# Shared helpers for the end-to-end test scripts (sourced, not run).
set -u
: "${NBODY:?NBODY must name the nbody binary}"
: "${SRCDIR:?SRCDIR must name the source tree}"
TMP=$(mktemp -d /tmp/nbody_e2e.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
FAILS=0
PASSES=0

pass() { PASSES=$((PASSES + 1)); echo "ok - $1"; }
# a failure also shows the end of the last command's stderr (CI keeps only the log)
fail() {
    FAILS=$((FAILS + 1))
    echo "FAIL - $1"
    [ ! -s "$TMP/err" ] || tail -n 5 "$TMP/err" | sed 's/^/#   stderr: /'
}
check() { # check NAME CONDITION-COMMAND...
    name=$1; shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}
# Runs nbody, saving stdout/stderr to $TMP/out and $TMP/err, and its status in $RC.
nb() { "$NBODY" "$@" >"$TMP/out" 2>"$TMP/err"; RC=$?; }
finish() {
    echo "$PASSES passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
}
# Data rows of an energy log without the wall_seconds column.
rows() { grep -v '^#' "$1" | grep -v '^step' | cut -d, -f1-13,15-; }
# is_png FILE: exists, starts with the PNG signature, larger than 5 kB (axes, text, a curve)
is_png() {
    [ -f "$1" ] || return 1
    [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || return 1
    [ "$(wc -c <"$1")" -gt 5000 ]
}
# skip_unless VAR WHAT: exit 77 (the whole script skipped, nothing counted as a pass) when
# configure found no VAR (a Python with some modules, gnuplot); the set-up runs first
skip_unless() {
    eval "nb_have=\${$1:-}"
    if [ -z "$nb_have" ]; then
        echo "SKIP: configure found no $2 ($1 is empty)"
        exit 77
    fi
}
# same_text A B: the lines of A and B agree, numbers (split at , : = and spaces) to $TOL
# relative, other words exactly (documents quote numbers from an AVX-512 CPU: TOL=0 there)
same_text() {
    awk -v other="$2" -v tol="$TOL" '
    function isnum(s) { return s ~ /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/ }
    {
        if ((getline o < other) <= 0) { print "missing line: " $0; bad = 1; exit }
        na = split($0, a, /[,:= ]+/); nb = split(o, b, /[,:= ]+/)
        if (na != nb) { print "differs: " $0 " | " o; bad = 1; next }
        for (k = 1; k <= na; k++) {
            if (a[k] == b[k]) continue
            if (isnum(a[k]) && isnum(b[k])) {
                d = a[k] - b[k]; d = d < 0 ? -d : d
                m = a[k] < 0 ? -a[k] : a[k]
                if (d <= tol * m) continue
            }
            print "differs: " $0 " | " o; bad = 1; break
        }
    }
    END { if ((getline o < other) > 0) { print "extra line: " o; bad = 1 } exit bad }' "$1"
}
# block N OUT_PY OUT_TEXT: document $DOC's Nth python block and the text block after it
block() {
    awk -v n="$1" -v py="$2" -v txt="$3" '
        /^```python$/ { k++; inpy = (k == n); next }
        inpy && /^```$/ { inpy = 0; want = 1; next }
        inpy { print > py; next }
        want && /^```$/ { if (intxt) { want = 0; intxt = 0 } else intxt = 1; next }
        intxt { print > txt }' "$DOC"
}

# faulty FUNCS MATCH N DO COMMAND...: runs COMMAND with tests/e2e/nbfault.so (fault_preload.c,
# LD_PRELOAD) acting (DO: kill, term, exec) before the Nth call of FUNCS on a path
# containing MATCH; status in $RC, output in $TMP/out and $TMP/err
faulty() {
    f=$1 m=$2 at=$3 act=$4
    shift 4
    LD_PRELOAD="${NBFAULT:-$(dirname "$NBODY")/tests/e2e/nbfault.so}" NB_FAULT_FUNCS=$f \
        NB_FAULT_MATCH=$m NB_FAULT_AT=$at NB_FAULT_DO=$act \
        ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
        "$@" >"$TMP/out" 2>"$TMP/err"
    RC=$?
}
