#!/bin/sh
# Fuzzes the parameter-file loader and the snapshot readers for FUZZ_SECONDS (default 20)
# each with libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer. The harnesses
# (tests/fuzz/) are built here with clang straight from the sources; the seed corpora
# tests/fuzz/corpus_*/ hold the regression inputs of every crash found so far, and run
# first. Skipped (exit 77) when clang or its libFuzzer runtime is missing
# (apt-get install clang libclang-rt-14-dev).
. "$SRCDIR/tests/e2e/e2e_lib.sh"

CLANG=${FUZZ_CC:-clang}
SECONDS_EACH=${FUZZ_SECONDS:-20}
OUT="$(dirname "$NBODY")/tests/fuzz-build"
SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"

if [ "$SECONDS_EACH" = 0 ]; then
    echo "SKIP: FUZZ_SECONDS=0"
    exit 77
fi
if ! command -v "$CLANG" >/dev/null 2>&1; then
    echo "SKIP: $CLANG not found (apt-get install clang libclang-rt-14-dev to fuzz)"
    exit 77
fi
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$TMP/probe.c"
if ! "$CLANG" $SAN "$TMP/probe.c" -o "$TMP/probe" >"$TMP/probe.log" 2>&1; then
    echo "SKIP: $CLANG cannot link libFuzzer with ASan/UBSan (apt-get install libclang-rt-14-dev):"
    head -3 "$TMP/probe.log"
    exit 77
fi
PKGS="libconfig hdf5-serial zlib" # not hdf5: with parallel HDF5 installed it is the MPI one
pkg-config --exists hdf5-serial 2>/dev/null || PKGS="libconfig hdf5 zlib"
if ! DEPS_CFLAGS=$(pkg-config --cflags $PKGS) || ! DEPS_LIBS=$(pkg-config --libs $PKGS); then
    echo "pkg-config knows no $PKGS"
    exit 1
fi

# build NAME SOURCES...: OUT/NAME from tests/fuzz/NAME.c and the program sources given,
# again only when a source is newer
build() {
    name=$1; shift
    bin="$OUT/$name"
    if [ -x "$bin" ] && [ -z "$(find "$SRCDIR/src" "$SRCDIR/tests/fuzz" -name '*.[ch]' -newer "$bin")" ]; then
        return 0
    fi
    mkdir -p "$OUT"
    srcs=""
    for s in "$@"; do srcs="$srcs $SRCDIR/$s"; done
    # shellcheck disable=SC2086
    "$CLANG" -std=c11 -g -O1 $SAN -D_GNU_SOURCE -DNB_VERSION='"fuzz"' -I"$SRCDIR/src" \
        $DEPS_CFLAGS "$SRCDIR/tests/fuzz/$name.c" $srcs -o "$bin" $DEPS_LIBS -lm \
        >"$TMP/$name.build" 2>&1
}

fuzz() { # fuzz NAME CORPUS: runs, saves any crash input where it outlives $TMP
    name=$1 corpus=$2
    mkdir -p "$TMP/new_$corpus"
    echo "fuzzing $name for $SECONDS_EACH s"
    "$OUT/$name" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=1048576 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$OUT/crash-$name-" \
        "$TMP/new_$corpus" "$SRCDIR/tests/fuzz/$corpus" >"$TMP/$name.log" 2>&1
    rc=$?
    grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|Done )' "$TMP/$name.log" | head -3
    if [ "$rc" -ne 0 ]; then
        tail -40 "$TMP/$name.log"
        ls "$OUT"/crash-"$name"-* 2>/dev/null
    fi
    return "$rc"
}

# the harnesses need no OpenMP: kernels build without it, on one thread
# libnbody is exactly the sources Makefile.am lists in libnbody_la_SOURCES
LIB_SRC=$(sed -n '/^libnbody_la_SOURCES *=/,/^[^	]*$/p' "$SRCDIR/Makefile.am" |
          tr ' \t\\' '\n\n\n' | grep '\.c$' | tr '\n' ' ')
CONFIG_SRC="$(cd "$SRCDIR" && echo src/io/config*.c) src/io/snapshot_name.c $LIB_SRC"
# every file of the snapshot module (snapshot_*.c)
SNAP_SRC="$(cd "$SRCDIR" && echo src/io/snapshot*.c) src/core/error.c src/core/particles.c src/core/comm_serial.c"
# shellcheck disable=SC2086
if build fuzz_config $CONFIG_SRC; then pass "fuzz_config builds"; else fail "fuzz_config builds"; cat "$TMP/fuzz_config.build"; fi
# shellcheck disable=SC2086
if build fuzz_snapshot $SNAP_SRC; then pass "fuzz_snapshot builds"; else fail "fuzz_snapshot builds"; cat "$TMP/fuzz_snapshot.build"; fi
[ "$FAILS" -eq 0 ] || finish

# leaks are failures too, except those inside libconfig and HDF5 themselves
# and, as malloc does outside ASan, an impossible allocation returns NULL (HDF5 asks for
# one when a damaged header claims a huge object, and copes)
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:allocator_may_return_null=1"
LSAN_OPTIONS="suppressions=$SRCDIR/tests/data/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS LSAN_OPTIONS
if fuzz fuzz_config corpus_config; then pass "fuzz_config: no crash in $SECONDS_EACH s"; else fail "fuzz_config found a crash"; fi
if fuzz fuzz_snapshot corpus_snapshot; then pass "fuzz_snapshot: no crash in $SECONDS_EACH s"; else fail "fuzz_snapshot found a crash"; fi
finish
