#!/bin/sh
# Every parameter file in tests/bad_configs/ must be refused by `nbody run` with exit 2 and
# one line on stderr that names the file (or the --set option) and contains the fragment
# of its first line, "# expect: FRAGMENT", without creating any file or directory.
# Placeholders in a file: @OUT@ a fresh path for run.output_dir, @SELF@ the file itself,
# @RODIR@ a read-only directory, @DIR@ the directory the file is run from (which also
# holds cwd/ and ro/). A file NAME.cfg may @include "NAME.inc", a helper next to it in the
# corpus that is copied (with the same placeholders) beside it. Optional header lines: "# args: ..." extra arguments,
# "# needs: non-root ..." skipped as root, "# ulimit-v: KB" run under that address-space limit.
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
echo "($skipped skipped)"
finish
