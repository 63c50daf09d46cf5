#!/bin/bash
# End to end: every ```sh block of README.md and docs/*.md runs. Each file's blocks run in
# order in one shell (a later block may use an earlier block's files, variables or cd), in
# a scratch copy of the tree's configs/ and docs/ with tools/ and doc/ beside them, `./nbody`
# and `nbody` (and nbody-mpirun in an MPI build) the built program, `python3` the Python
# configure found. A block fails on its first failing command (bash -e -o pipefail) and is
# named FILE:LINE. Blocks marked `<!-- not run: REASON -->`, MPI blocks in a plain build and
# blocks whose programs or Python modules are missing are skipped and listed. Large runs
# are written `${N:-1000000}`: N=2000 here. Every relative link must resolve
# (doc_links.sh). The convention: tests/e2e/doc_blocks.awk and docs/DESIGN.md,
# "Documentation".
. "$SRCDIR/tests/e2e/e2e_lib.sh"
AWK_BLOCKS="$SRCDIR/tests/e2e/doc_blocks.awk"
export N=2000 NBODY_DOCS_TEST=1
# one thread: the same bits as any other count, and no spinning second thread on a busy
# machine (a block may still set OMP_NUM_THREADS for itself)
export OMP_NUM_THREADS=1
# mpirun as root (containers, CI) and with more ranks than cores, as e2e_mpi.sh runs it
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_mpi_yield_when_idle=1

# one Python for the snippets: the first configure found (yt's has h5py and numpy too)
PY=${PYTHON_YT:-${PYTHON:-}}
BIN="$TMP/bin"
mkdir -p "$BIN"
ln -s "$NBODY" "$BIN/nbody"
[ -n "${MPIRUN:-}" ] && ln -s "$SRCDIR/tools/nbody-mpirun" "$BIN/nbody-mpirun"
if [ -n "$PY" ]; then
    printf '#!/bin/sh\nexec "%s" "$@"\n' "$PY" >"$BIN/python3"
    chmod +x "$BIN/python3"
    export NBODY_PYTHON="$PY"
fi
export PATH="$BIN:$PATH"

# py_has PYTHON MODULE...: PYTHON imports every MODULE
py_has() {
    p=$1; shift
    [ -n "$p" ] || return 1
    [ $# -eq 0 ] && return 0
    # found, not imported: importing yt or matplotlib for every block would cost seconds
    "$p" -c 'import importlib.util as u, sys
sys.exit(any(u.find_spec(m) is None for m in sys.argv[1:]))' "$@" >/dev/null 2>&1
}
# why_skip BLOCK NEEDS: prints why BLOCK cannot run in this build (nothing if it can)
why_skip() {
    b=$1 needs=$2 mods="" progs="" mpi=0 mode=prog
    # <!-- needs: mpi -->, <!-- needs: PROGRAM... -->, <!-- needs: python MODULE... -->
    for w in $needs; do
        case $w in
            mpi) mpi=1 ;;
            python) mode=py ;;
            *) if [ $mode = py ]; then mods="$mods $w"; else progs="$progs $w"; fi ;;
        esac
    done
    grep -Eq '(^|[^A-Za-z0-9_.-])(mpirun|mpiexec|nbody-mpirun)([^A-Za-z0-9_-]|$)' "$b" && mpi=1
    for p in gnuplot h5diff h5dump h5ls srun sbatch; do
        grep -Eq "(^|[^A-Za-z0-9_./-])$p([^A-Za-z0-9_.-]|\$)" "$b" && progs="$progs $p"
    done
    grep -Eq 'tools/plot_[a-z]*\.py' "$b" && mods="$mods numpy h5py matplotlib"
    grep -q 'tools/knn_vs_scipy\.py' "$b" && mods="$mods numpy scipy"
    grep -Eq 'tools/(numba_tutorial_bench|bench_pytreegrav)\.py' "$b" && mods="$mods numpy numba"
    # modules a heredoc imports: "import a, b as c" and "from a.b import c"
    mods="$mods $(sed -n -e 's/^[[:space:]]*import[[:space:]]\{1,\}//p' \
        -e 's/^[[:space:]]*from[[:space:]]\{1,\}\([A-Za-z0-9_.]*\)[[:space:]]\{1,\}import.*/\1/p' "$b" |
        sed 's/ as [A-Za-z0-9_]*//g' | tr ',' ' ' | tr -s ' ' '\n' | sed 's/\..*//' | sort -u | tr '\n' ' ')"
    usespy=0
    grep -Eq 'python3|tools/[a-z_]*\.py' "$b" && usespy=1
    [ -n "${mods// /}" ] && usespy=1
    if [ $mpi -eq 1 ] && [ -z "${MPIRUN:-}" ]; then echo "needs an MPI build"; return; fi
    # a sanitized libnbody cannot be loaded into a Python not started with its runtime
    if [ -n "${SAN_CFLAGS:-}" ] && grep -Eq 'NBODY_LIBRARY|import nbody' "$b"; then
        echo "loads libnbody into Python (not in a sanitized build)"; return
    fi
    for p in $progs; do
        if [ "$p" = gnuplot ] && [ -n "${GNUPLOT:-}" ]; then continue; fi
        command -v "$p" >/dev/null 2>&1 || { echo "needs $p"; return; }
    done
    if [ $usespy -eq 1 ]; then
        # the interpreter the block names, else the one configure found
        p=$PY
        grep -q '/usr/bin/python3' "$b" && p=/usr/bin/python3
        [ -n "$p" ] || { echo "needs Python (configure found none)"; return; }
        # shellcheck disable=SC2086
        py_has "$p" $mods || echo "needs Python modules$(echo " $mods" | tr -s ' ') ($p lacks some)"
    fi
}

# the links first: a document that names a missing file is broken whatever its commands do
sh "$SRCDIR/tests/e2e/doc_links.sh" "$SRCDIR" >"$TMP/links"
check "every relative link of README.md and docs/*.md resolves" [ $? -eq 0 ]
sed 's/^/    /' "$TMP/links"

# every document and picture in docs/ is installed (Makefile.am's nobase_dist_doc_DATA,
# passed in as DOCS_INSTALLED), so the installed README's links find them
if [ -n "${DOCS_INSTALLED+set}" ]; then
    missing=""
    for f in "$SRCDIR"/docs/*.md "$SRCDIR"/docs/*.png; do
        [ -f "$f" ] || continue
        f=docs/${f##*/}
        case " $DOCS_INSTALLED " in *" $f "*) ;; *) missing="$missing $f" ;; esac
    done
    check "every docs/*.md and docs/*.png is installed${missing:+ (add$missing to nobase_dist_doc_DATA in Makefile.am)}" \
        [ -z "$missing" ]
fi

SKIPS=""
NSKIP=0
NRUN=0
START=$(date +%s)
# DOCS_ONLY="README.md docs/mpi.md" runs only those (while writing a document)
docs=""
for d in ${DOCS_ONLY:-README.md $(cd "$SRCDIR" && echo docs/*.md)}; do docs="$docs $SRCDIR/$d"; done
for doc in $docs; do
    rel=${doc#"$SRCDIR"/}
    name=$(echo "$rel" | tr '/.' '__')
    blocks="$TMP/blocks.$name"
    mkdir -p "$blocks"
    awk -v dir="$blocks" -f "$AWK_BLOCKS" "$doc" >"$blocks/list" ||
        { fail "$rel: doc_blocks.awk failed"; continue; }
    [ -s "$blocks/list" ] || continue
    if grep -q '	unclosed	' "$blocks/list"; then
        fail "$rel: a code fence is never closed"
        continue
    fi
    # the file's scratch tree: its own configs/ and docs/ (a block may write there), the
    # tools and the man page as they are, ./nbody the program
    work="$TMP/work.$name"
    mkdir -p "$work/outputs"
    cp -R "$SRCDIR/configs" "$SRCDIR/docs" "$work/"
    chmod -R u+w "$work"
    ln -s "$SRCDIR/tools" "$work/tools"
    ln -s "$SRCDIR/doc" "$work/doc"
    ln -s "$SRCDIR/python" "$work/python"
    ln -s "$NBODY" "$work/nbody"
    driver="$blocks/driver.sh"
    {
        echo 'set -e -o pipefail'
        printf 'cd "%s"\n' "$work"
    } >"$driver"
    runlist=""
    while IFS='	' read -r k line state text; do
        if [ "$state" = notrun ]; then
            SKIPS="$SKIPS
  $rel:$line: not run: $text"
            NSKIP=$((NSKIP + 1))
            continue
        fi
        why=$(why_skip "$blocks/$k.sh" "$text")
        if [ -n "$why" ]; then
            SKIPS="$SKIPS
  $rel:$line: skipped: $why"
            NSKIP=$((NSKIP + 1))
            continue
        fi
        printf 'echo "%s" >"%s/at"; t=$(date +%%s.%%N)\n. "%s/%s.sh" </dev/null\n' \
            "$line" "$blocks" "$blocks" "$k" >>"$driver"
        printf 'echo "  %s:%s: $(awk -v a="$t" -v b="$(date +%%s.%%N)" "BEGIN { printf \\"%%.1f\\", b - a }") s" >>"%s/times"\n' \
            "$rel" "$line" "$blocks" >>"$driver"
        runlist="$runlist $line"
        NRUN=$((NRUN + 1))
    done <"$blocks/list"
    [ -n "$runlist" ] || continue
    echo 'echo done >"'"$blocks"'/at"' >>"$driver"
    t0=$(date +%s)
    timeout 300 bash "$driver" >"$blocks/log" 2>&1
    rc=$?
    at=$(cat "$blocks/at" 2>/dev/null || echo "?")
    if [ $rc -eq 0 ] && [ "$at" = done ]; then
        pass "$rel: blocks at lines$runlist run ($(($(date +%s) - t0)) s)"
        cat "$blocks/times"
    else
        what="exit $rc"
        [ $rc -eq 124 ] && what="timed out (300 s for the file)"
        fail "$rel:$at: the block starting at line $at failed ($what); its output ends:"
        tail -n 15 "$blocks/log" | sed 's/^/    /'
    fi
done
echo "$NRUN blocks run, $NSKIP skipped, in $(($(date +%s) - START)) s${SKIPS:+:}$SKIPS"
echo "CPU time (user, system) of this test and its children:"; times
check "the documents have shell blocks to run" [ "$NRUN" -gt 0 ]
finish
