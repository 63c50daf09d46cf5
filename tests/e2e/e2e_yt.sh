#!/bin/sh
# End to end: yt reads nbody's snapshots. A kpc_msun_kms run's snapshot, and one of three
# particle types (docs/reading-outputs.md's galaxy), with the unit_base the docs show, give
# each type's positions in kpc, masses in Msun and velocities in km/s as in the file;
# docs/reading-outputs.md's commands and snippets, run as they are, print what the page
# shows (yt sees the three types); docs/worked-example.md's yt snippet, run as it is after
# the document's run, prints what the document shows and saves its picture. Skipped (77)
# when configure found no Python with yt and h5py.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
skip_unless PYTHON_YT "Python with yt and h5py"
DOC="$SRCDIR/docs/worked-example.md"
TOL=1e-6
grep -qw avx512f /proc/cpuinfo 2>/dev/null && TOL=0

# 1. a kpc_msun_kms snapshot, as e2e_units.sh writes it
cat >"$TMP/kpc.cfg" <<CFG
run: { name = "kpc_run"; output_dir = "$TMP/kpc"; };
units: { system = "kpc_msun_kms"; };
initial_conditions: { type = "plummer"; n = 100; };
gravity: { kernel = "direct"; softening = 0.02; };
integrator: { dt = 0.01; t_end = 0.1; };
output: { snapshot_every = 5; diagnostics_every = 5; compression = 0; };
CFG
nb run "$TMP/kpc.cfg" --quiet
check "kpc run exits 0" [ "$RC" -eq 0 ]
snap="$TMP/kpc/snapshot_0002.h5"

# 2. docs/reading-outputs.md, run as it is: its shell commands (but gnuplot's) and Python
# snippets in order from a copy of the source tree's layout, each output as the page shows
# it (pandas' only where pandas is installed)
RDOC="$SRCDIR/docs/reading-outputs.md"
mkdir "$TMP/reading" "$TMP/reading/configs" "$TMP/reading/outputs"
cp "$SRCDIR/configs/quickstart.cfg" "$TMP/reading/configs/"
awk -v dir="$TMP/reading" '
    /^```(sh|python|text)$/ { k++; kind = substr($0, 4); f = dir "/block" k "." kind
                              print kind > (dir "/blocks"); inb = 1; next }
    inb && /^```$/ { inb = 0; next }
    inb { print > f }' "$RDOC"
(
    cd "$TMP/reading" || exit 1
    PATH="$(dirname "$NBODY"):$PATH"
    k=0
    while read -r kind; do
        k=$((k + 1))
        case $kind in
        sh)
            grep -q '^gnuplot' "block$k.sh" && { echo "# block $k: gnuplot, not run"; continue; }
            sh "block$k.sh" >"got$k" 2>"err$k"
            check "reading-outputs.md block $k (sh) exits 0 ($(cat "err$k"))" [ $? -eq 0 ] ;;
        python)
            if grep -q '^import pandas' "block$k.python" &&
                ! "$PYTHON_YT" -c 'import pandas' 2>/dev/null; then
                echo "# block $k: no pandas, not run"
                continue
            fi
            "$PYTHON_YT" "block$k.python" >"got$k" 2>"err$k"
            check "reading-outputs.md block $k (python) exits 0 ($(tail -1 "err$k"))" [ $? -eq 0 ] ;;
        text)
            check "reading-outputs.md block $k: the output the page shows" \
                same_text "block$k.text" "got$((k - 1))" ;;
        esac
    done <blocks
    check "reading-outputs.md: yt saved its picture" is_png reading-yt.png
    finish >/dev/null
) >"$TMP/reading.log"
cat "$TMP/reading.log"
FAILS=$((FAILS + $(grep -c '^FAIL' "$TMP/reading.log")))
PASSES=$((PASSES + $(grep -c '^ok' "$TMP/reading.log")))

# 3. yt against h5py: the kpc run's snapshot and the three-type galaxy's, type by type
cat >"$TMP/check_yt.py" <<'PY'
import sys
import h5py, numpy as np, yt
yt.set_log_level(50)
ok = True
for path in sys.argv[1:]:
    with h5py.File(path, "r") as f:
        h = f["Header"].attrs
        unit_base = {k: float(h[k]) for k in
                     ("UnitLength_in_cm", "UnitMass_in_g", "UnitVelocity_in_cm_per_s")}
        types = [g for g in f if g.startswith("PartType")]
        want = {t: (f[t]["Coordinates"][...], f[t]["Velocities"][...], f[t]["Masses"][...],
                    f[t]["ParticleIDs"][...]) for t in types}
    L = 1.01 * max(abs(w[0]).max() for w in want.values())
    ds = yt.load(path, unit_base=unit_base, bounding_box=[[-L, L]] * 3)
    ad = ds.all_data()
    ds.index
    ok &= sorted(ds.particle_types_raw) == sorted(types)
    for t, (pos, vel, mass, ids) in want.items():
        i = np.argsort(ids)
        j = np.argsort(np.asarray(ad[t, "particle_index"]).astype(np.uint64))
        # yt's Msun (1.98841586e33 g) and ours (IAU 2015, 1.988409870698051e33 g) differ by 3e-6
        ok &= (np.allclose(ad[t, "particle_mass"].to("Msun").v[j], mass[i], rtol=1e-5, atol=0)
               and np.allclose(ad[t, "particle_position"].to("kpc").v[j], pos[i], rtol=1e-9,
                               atol=0)
               and np.allclose(ad[t, "particle_velocity"].to("km/s").v[j], vel[i], rtol=1e-9,
                               atol=1e-300))
    print(path.rsplit("/", 2)[-2], sorted(ds.particle_types_raw))
print("yt: each type's masses in Msun, positions in kpc, velocities in km/s as in the file"
      if ok else "yt: MISMATCH")
sys.exit(0 if ok else 1)
PY
"$PYTHON_YT" "$TMP/check_yt.py" "$snap" "$TMP/reading/outputs/galaxy/snapshot_0002.h5" \
    >"$TMP/out" 2>"$TMP/err"
check "yt reads a kpc_msun_kms snapshot and a three-type one in kpc, Msun and km/s" [ $? -eq 0 ]
check "yt sees the galaxy's three particle types" \
    grep -q "^galaxy \['PartType1', 'PartType2', 'PartType3'\]$" "$TMP/out"
cat "$TMP/out" "$TMP/err" | tail -4 | sed 's/^/# /'

# 4. the worked example's yt snippet (its second python block) after the document's run
cd "$TMP" || exit 1
mkdir configs outputs && cp "$SRCDIR/configs/quickstart.cfg" configs/
"$NBODY" run configs/quickstart.cfg --overwrite --quiet >"$TMP/out" 2>"$TMP/err"
check "the worked example's run exits 0" [ $? -eq 0 ]
block 2 "$TMP/snippet_yt.py" "$TMP/yt.want"
"$PYTHON_YT" "$TMP/snippet_yt.py" >"$TMP/yt.got" 2>"$TMP/err"
check "worked example 5: the yt snippet prints what the document shows" \
    same_text "$TMP/yt.want" "$TMP/yt.got"
check "worked example 5: and saves its picture" [ -s quickstart-yt.png ]
finish
