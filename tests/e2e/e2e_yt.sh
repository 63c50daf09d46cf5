#!/bin/sh
# End to end: yt reads nbody's snapshots. A kpc_msun_kms run's snapshot, with the unit_base
# the README shows, gives positions in kpc, masses in Msun and velocities in km/s as in the
# file; docs/worked-example.md's yt snippet, run as it is after the document's run, prints
# what the document shows and saves its picture. Skipped (77) when configure found no
# Python with yt and h5py.
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
cat >"$TMP/check_yt.py" <<'PY'
import sys
import h5py, numpy as np, yt
yt.set_log_level(50)
path = sys.argv[1]
with h5py.File(path, "r") as f:
    h = f["Header"].attrs
    unit_base = {k: float(h[k]) for k in
                 ("UnitLength_in_cm", "UnitMass_in_g", "UnitVelocity_in_cm_per_s")}
    pos = f["PartType1/Coordinates"][...]
    vel = f["PartType1/Velocities"][...]
    mass = f["PartType1/Masses"][...]
L = 1.01 * abs(pos).max()
ds = yt.load(path, unit_base=unit_base, bounding_box=[[-L, L]] * 3)
ad = ds.all_data()
i = np.asarray(ad["all", "particle_index"]).astype(np.int64)
# yt's Msun (1.98841586e33 g) and ours (IAU 2015, 1.988409870698051e33 g) differ by 3e-6
ok = (np.allclose(ad["all", "particle_mass"].to("Msun").v, mass[i], rtol=1e-5, atol=0) and
      np.allclose(ad["all", "particle_position"].to("kpc").v, pos[i], rtol=1e-9, atol=0) and
      np.allclose(ad["all", "particle_velocity"].to("km/s").v, vel[i], rtol=1e-9, atol=1e-300))
print("yt: masses in Msun, positions in kpc, velocities in km/s as in the file" if ok else
      "yt: MISMATCH")
sys.exit(0 if ok else 1)
PY
"$PYTHON_YT" "$TMP/check_yt.py" "$snap" >"$TMP/out" 2>"$TMP/err"
check "yt reads a kpc_msun_kms snapshot in kpc, Msun and km/s" [ $? -eq 0 ]
cat "$TMP/out" "$TMP/err" | tail -3 | sed 's/^/# /'

# 2. the worked example's yt snippet (its second python block) after the document's run
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
