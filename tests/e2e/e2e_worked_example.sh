#!/bin/sh
# End to end: docs/worked-example.md reproduces. Runs the document's commands (sections 1,
# 3 and 4) from a scratch directory and compares what they print with what the document
# quotes: energy.csv's header and first rows, nbody info, the restart comment, the final
# dE/E, the "same rows" of the restart, and (with Python) the h5py snippet's output (the yt
# snippet's: e2e_yt.sh).
# On a CPU with AVX-512, as the document's, everything compares exactly; elsewhere numbers
# compare to 1e-6 relative (the document allows another CPU to differ in the last digits).
. "$SRCDIR/tests/e2e/e2e_lib.sh"
DOC="$SRCDIR/docs/worked-example.md"
TOL=1e-6
grep -qw avx512f /proc/cpuinfo 2>/dev/null && TOL=0

cd "$TMP" || exit 1
mkdir configs outputs && cp "$SRCDIR/configs/quickstart.cfg" configs/

# 1. Run
"$NBODY" run configs/quickstart.cfg --overwrite >"$TMP/out" 2>"$TMP/err"
check "1. the run exits 0" [ $? -eq 0 ]
want=$(sed -n 's/^step 1000\/1000 .*\(dE\/E=[-0-9.e]*\)$/\1/p' "$DOC" | head -1)
check "1. the run ends with the document's $want" grep -q "^step 1000/1000 .*$want\$" "$TMP/err"
check "1. and says where its output is" \
    grep -qx "nbody: finished; output in outputs/quickstart" "$TMP/err"
check "1. five snapshots" [ "$(ls outputs/quickstart | grep -c '^snapshot_000[0-4].h5$')" -eq 5 ]
# the header the document quotes, from "# nbody ... energy log" to the column row
# (the run id is each run's own: only its form is compared)
sed -n '/^# nbody .* energy log$/,/^step,time,/p' "$DOC" |
    sed 's/^# run_id: [0-9a-f]\{32\}$/# run_id: ID/' >"$TMP/doc_header"
sed -n '1,/^step,time,/p' outputs/quickstart/energy.csv |
    sed 's/^# run_id: [0-9a-f]\{32\}$/# run_id: ID/' >"$TMP/header"
check "1. energy.csv's header is the document's" cmp -s "$TMP/doc_header" "$TMP/header"
# the first two rows, up to the document's "..."
grep -E '^(0|10),[-0-9.e]+,.*,\.\.\.$' "$DOC" | sed 's/,\.\.\.$//' >"$TMP/doc_rows"
for r in 0 10; do
    grep "^$r," outputs/quickstart/energy.csv | cut -d, -f1-6
done >"$TMP/rows"
check "1. energy.csv's first rows are the document's" same_text "$TMP/doc_rows" "$TMP/rows"
cp outputs/quickstart/energy.csv uninterrupted.csv

# 3. nbody info, the lines the document quotes (file: .. rel_energy_error:)
"$NBODY" info outputs/quickstart/snapshot_0004.h5 >"$TMP/info"
sed -n '/^file: /,/^rel_energy_error: /p' "$DOC" |
    sed 's/^run_id: *[0-9a-f]\{32\}$/run_id: ID/' >"$TMP/doc_info"
sed -n '/^file: /,/^rel_energy_error: /p' "$TMP/info" |
    sed 's/^run_id: *[0-9a-f]\{32\}$/run_id: ID/' >"$TMP/info_part"
check "3. nbody info prints what the document quotes" same_text "$TMP/doc_info" "$TMP/info_part"

# 4. Stop at t = 0.5, restart to t = 1: the same rows
"$NBODY" run configs/quickstart.cfg --overwrite --set integrator.t_end=0.5 >"$TMP/out" 2>"$TMP/err"
check "4. the shortened run exits 0" [ $? -eq 0 ]
want=$(sed -n 's/^step 500\/500 .*\(dE\/E=[-0-9.e]*\)$/\1/p' "$DOC" | head -1)
check "4. it ends with the document's $want" grep -q "^step 500/500 .*$want\$" "$TMP/err"
"$NBODY" restart outputs/quickstart --set integrator.t_end=1.0 >"$TMP/out" 2>"$TMP/err"
check "4. the restart exits 0" [ $? -eq 0 ]
last=$(grep -A8 '^\./nbody restart outputs/quickstart' "$DOC" | grep '^nbody: ' | head -1)
check "4. the restart ends as the document shows ($last)" grep -qxF "$last" "$TMP/err"
grep -v '^#' uninterrupted.csv | cut -d, -f1-13 >"$TMP/a"
grep -v '^#' outputs/quickstart/energy.csv | cut -d, -f1-13 >"$TMP/b"
check "4. same rows as the uninterrupted run" cmp -s "$TMP/a" "$TMP/b"
line=$(grep '^# restart: step 500 ' "$DOC" | head -1)
check "4. the restart comment is the document's ($line)" grep -qxF "$line" outputs/quickstart/energy.csv

# 5. the h5py snippet, run as it is, prints what the document shows after it
if [ -n "${PYTHON:-}" ]; then
    "$NBODY" run configs/quickstart.cfg --overwrite --quiet
    block 1 "$TMP/snippet_h5py.py" "$TMP/h5py.want"
    "$PYTHON" "$TMP/snippet_h5py.py" >"$TMP/h5py.got" 2>"$TMP/err"
    check "5. the h5py snippet prints what the document shows" same_text "$TMP/h5py.want" "$TMP/h5py.got"
else
    echo "# no Python with numpy and h5py (configure's PYTHON_TOOLS): the h5py snippet not run"
fi
# the yt snippet: tests/e2e/e2e_yt.sh (skipped without yt)
finish
