#!/bin/sh
# Every parameter file in tests/bad_configs/ must be refused by `nbody run` with exit 2 and
# one line on stderr that names the file (or the --set option) and contains the fragment
# of its first line, "# expect: FRAGMENT", without creating any file or directory.
# Placeholders in a file: @OUT@ a fresh path for run.output_dir, @SELF@ the file itself,
# @RODIR@ a read-only directory, @DIR@ the directory the file is run from (which also
# holds cwd/ and ro/). A file NAME.cfg may @include "NAME.inc", a helper next to it in the
# corpus that is copied (with the same placeholders) beside it. Optional header lines: "# args: ..." extra arguments,
# "# needs: non-root ..." skipped as root, "# ulimit-v: KB" run under that address-space limit.
# After the corpus: paths near the system's limit (PATH_MAX), which need a deep directory.
. "$SRCDIR/tests/e2e/e2e_lib.sh"

is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1
asan=0
grep -q __asan_init "$NBODY" 2>/dev/null && asan=1
skipped=0
n_files=0

for f in "$SRCDIR"/tests/data/bad_configs/*.cfg; do
    n_files=$((n_files + 1))
    name=$(basename "$f" .cfg)
    w="$TMP/$name"
    mkdir -p "$w/cwd" "$w/ro"
    chmod 555 "$w/ro"
    cfg="$w/$name.cfg"
    subst="s|@OUT@|$w/out|g; s|@SELF@|$cfg|g; s|@RODIR@|$w/ro|g; s|@DIR@|$w|g"
    sed "$subst" "$f" >"$cfg"
    inc="${f%.cfg}.inc"
    [ ! -f "$inc" ] || sed "$subst" "$inc" >"$w/$name.inc"
    expect=$(sed -n '1s/^# expect: //p' "$cfg")
    args=$(sed -n 's/^# args: //p' "$cfg")
    limit=$(sed -n 's/^# ulimit-v: //p' "$cfg")
    if [ -z "$expect" ]; then
        fail "$name: first line must be '# expect: FRAGMENT'"
        continue
    fi
    if [ "$is_root" -eq 1 ] && grep -q '^# needs: non-root' "$cfg"; then
        echo "skip - $name: running as root, where a read-only directory is still writable"
        skipped=$((skipped + 1))
        continue
    fi
    if [ -n "$limit" ] && [ "$asan" -eq 1 ]; then
        echo "skip - $name: an AddressSanitizer build cannot run under ulimit -v"
        skipped=$((skipped + 1))
        continue
    fi
    before=$(cd "$w" && find . | sort)
    # $args is split on purpose: it holds whole options
    # shellcheck disable=SC2086
    (cd "$w/cwd" && { [ -z "$limit" ] || ulimit -v "$limit"; } &&
        exec "$NBODY" run "$cfg" $args --quiet) >"$w/stdout" 2>"$w/stderr"
    rc=$?
    after=$(cd "$w" && find . | grep -v '^\./std\(out\|err\)$' | sort)
    msg=$(cat "$w/stderr")
    if [ "$rc" -ne 2 ]; then
        fail "$name: exit $rc, expected 2 (stderr: $msg)"
    elif [ "$(wc -l <"$w/stderr")" -ne 1 ]; then
        fail "$name: expected one line on stderr, got: $msg"
    elif ! grep -qF -- "$expect" "$w/stderr"; then
        fail "$name: message lacks '$expect': $msg"
    elif ! grep -qF -- "$name.cfg" "$w/stderr" && ! grep -qF -- "--set" "$w/stderr"; then
        fail "$name: message names neither the file nor the --set option: $msg"
    elif [ "$before" != "$after" ]; then
        fail "$name: files were created: $(echo "$after" | tr '\n' ' ')"
    else
        pass "$name: exit 2, $msg"
    fi
done
check "the corpus holds at least 40 files ($n_files)" [ "$n_files" -ge 40 ]

# Paths near the system's limit (PATH_MAX, 4096 bytes with the NUL) need a deep directory,
# so they are tried here rather than in the corpus. An output directory of 4040 characters
# whose snapshot paths (with a 60-character base) pass the limit once exited 1 after
# writing the lock and energy.csv, its message cut inside the path: it is refused with the
# configuration, exit 2, nothing written.
deep="$TMP/deep"
comp=$(printf '%0200d' 0 | tr 0 d)
while [ ${#deep} -lt 3800 ]; do deep="$deep/$comp"; done
mkdir -p "$deep"
out="$deep/$(printf "%0$((4039 - ${#deep}))d" 0 | tr 0 o)"
cat >"$TMP/long_path.cfg" <<CFG
run: { output_dir = "$out"; };
initial_conditions: { n = 16; };
integrator: { dt = 0.01; t_end = 0.02; };
output: { snapshot_base = "$(printf '%060d' 0 | tr 0 s)"; };
CFG
before=$(find "$deep" | sort)
nb run "$TMP/long_path.cfg" --quiet
check "output_dir + base past PATH_MAX: exit 2 ($RC)" [ "$RC" -eq 2 ]
check "... one line naming the key, the lengths and what to do" sh -c "[ \"\$(wc -l <'$TMP/err')\" -eq 1 ] && grep -q 'long_path.cfg:1: run.output_dir: 4040 characters, which with output.snapshot_base (60) make the run.s longest path .* (expected a shorter directory or base)\$' '$TMP/err'"
check "... nothing written" [ "$before" = "$(find "$deep" | sort)" ]

# a message quoting a long path is shortened in its middle, never cut before its reason
nb check-config "$deep/missing.cfg"
check "a 4000-character config path: exit 2, the message ends with the reason" \
    sh -c "[ $RC -eq 2 ] && grep -q '^nbody: $TMP/deep/ddd.* \.\.\. [d/]*/missing.cfg: cannot read the parameter file: No such file or directory\$' '$TMP/err'"
echo "($skipped skipped)"
finish
