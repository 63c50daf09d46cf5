#!/bin/sh
# End to end: physical units (units.system, units.*_in_cm/_g/_cm_per_s): G derived from
# them, energy.csv's "# units:" line, GADGET's unit attributes in /Header, the plotting
# tools' axis labels (yt reading a kpc_msun_kms snapshot: e2e_yt.sh), bad units refused
# (an explicit G that contradicts them too), the shipped configs leaving G to the units,
# N-body units unchanged to the bit, and the note naming what a file used
# as initial conditions carries but the run does not use.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
SNAPDIFF="${SNAPDIFF:-$(dirname "$NBODY")/tests/e2e/snapdiff}"

cat >"$TMP/kpc.cfg" <<CFG
run: { name = "kpc_run"; output_dir = "$TMP/kpc"; };
units: { system = "kpc_msun_kms"; };
initial_conditions: { type = "plummer"; n = 100; };
gravity: { kernel = "direct"; softening = 0.02; };
integrator: { dt = 0.01; t_end = 0.1; };
output: { snapshot_every = 5; diagnostics_every = 5; compression = 0; };
CFG

# G follows from the units; a wrong system or a non-positive scale is refused naming the key
nb check-config "$TMP/kpc.cfg"
check "kpc_msun_kms: G = 4.30091727e-06 derived" grep -q '^  G = 4.30091727' "$TMP/out"
nb check-config "$TMP/kpc.cfg" --set units.system=au_msun_yr
check "au_msun_yr: G = 4 pi^2" grep -q '^  G = 39.4784176043574' "$TMP/out"
nb check-config "$TMP/kpc.cfg" --set units.system=cgs
check "cgs: G = 6.6743e-08" grep -q '^  G = 6.6743e-08;' "$TMP/out"
nb check-config "$TMP/kpc.cfg" --set units.system=nbody --set units.length_in_cm=3.0857e18 \
    --set units.mass_in_g=1.989e33
check "length and mass: velocity derived so that G = 1" \
    sh -c "grep -q '^  G = 1.0;' '$TMP/out' && grep -q '^  velocity_in_cm_per_s = 6559' '$TMP/out'"
sed 's/kpc_msun_kms/parsec_msun/' "$TMP/kpc.cfg" >"$TMP/bad_system.cfg"
nb check-config "$TMP/bad_system.cfg"
check "unknown system: exit 2" [ "$RC" -eq 2 ]
check "unknown system: names file:line and key" \
    grep -q "bad_system.cfg:2: units.system: unknown unit system 'parsec_msun' (expected one of" \
    "$TMP/err"
nb check-config "$TMP/kpc.cfg" --set units.mass_in_g=0
check "mass_in_g = 0: exit 2 naming the key" \
    sh -c "[ $RC -eq 2 ] && grep -q 'units.mass_in_g: 0 is out of range' '$TMP/err'"
nb check-config "$TMP/kpc.cfg" --set units.system=nbody --set units.length_in_cm=1e20
check "one scale alone: exit 2 naming the key" \
    sh -c "[ $RC -eq 2 ] && grep -q 'units.length_in_cm: one scale alone' '$TMP/err'"
# the unit trap: an explicit G that contradicts physical units is refused, naming both
# values and the fix; one that agrees is used as given
nb check-config "$TMP/kpc.cfg" --set units.G=1.0
check "explicit G contradicting the units: exit 2, one line naming both values and the fix" \
    sh -c "[ $RC -eq 2 ] && [ ! -s '$TMP/out' ] && [ \"\$(wc -l <'$TMP/err')\" -eq 1 ] && grep -q 'kpc.cfg: units.G = 1 contradicts the physical units, which give G = G_cgs M / (L V^2) = 4.30091727003628e-06 (expected units.G left out, so that the units give G, or units.G = 4.30091727003628e-06; for N-body units leave out units.system and the scales)$' '$TMP/err'"
sed 's/^units: { system = "kpc_msun_kms"; };/units: { system = "kpc_msun_kms";\n  G = 1.0; };/' \
    "$TMP/kpc.cfg" >"$TMP/kpc_g1.cfg"
nb run "$TMP/kpc_g1.cfg" --quiet --set "run.output_dir=\"$TMP/kpc_g1\""
check "... in the file: exit 2 naming its line, nothing written" \
    sh -c "[ $RC -eq 2 ] && grep -q 'kpc_g1.cfg:3: units.G = 1 contradicts' '$TMP/err' && [ ! -e '$TMP/kpc_g1' ]"
nb check-config "$TMP/kpc.cfg" --set units.G=4.30091727003628e-06
check "explicit G equal to the units': accepted" \
    sh -c "[ $RC -eq 0 ] && [ ! -s '$TMP/err' ] && grep -q '^  G = 4.30091727003628e-06;' '$TMP/out'"
# the shipped configs leave G to the units: quickstart.cfg with kpc_msun_kms runs with G_kpc
sed 's/^  system = "nbody";/  system = "kpc_msun_kms";/' "$SRCDIR/configs/quickstart.cfg" \
    >"$TMP/quickstart_kpc.cfg"
nb check-config "$TMP/quickstart_kpc.cfg"
check "quickstart.cfg with units.system = kpc_msun_kms: G = 4.30091727003628e-06" \
    sh -c "[ $RC -eq 0 ] && grep -q '^  system = \"kpc_msun_kms\";' '$TMP/out' && grep -q '^  G = 4.30091727003628e-06;' '$TMP/out'"
for cfg in "$SRCDIR"/configs/*.cfg; do
    check "$(basename "$cfg") does not pin units.G" sh -c "! grep -q '^ *G *=' '$cfg'"
done

# a kpc run: energy.csv states the units, the snapshots carry GADGET's unit attributes
nb run "$TMP/kpc.cfg" --quiet
check "kpc run exits 0" [ "$RC" -eq 0 ]
check "energy.csv: # units: line" grep -q '^# units: length 3.0856775814913673e+21 cm (kpc), mass 1.988409870698051e+33 g (Msun), velocity 1e+05 cm/s (km/s), time 3.08567758e+16 s (0.978 Gyr), G = 4.30091727003628e-06$' "$TMP/kpc/energy.csv"
snap="$TMP/kpc/snapshot_0002.h5"
if command -v h5dump >/dev/null 2>&1; then
    h5dump -a /Header/UnitLength_in_cm "$snap" >"$TMP/h5" 2>&1
    check "/Header UnitLength_in_cm = 3.0856775814913673e21" grep -q '3.08568e+21' "$TMP/h5"
    h5dump -a /Header/UnitMass_in_g "$snap" >"$TMP/h5" 2>&1
    check "/Header UnitMass_in_g = 1.988409870698051e33" grep -q '1.98841e+33' "$TMP/h5"
    h5dump -a /Header/UnitVelocity_in_cm_per_s "$snap" >"$TMP/h5" 2>&1
    check "/Header UnitVelocity_in_cm_per_s = 1e5" grep -q '(0): 100000' "$TMP/h5"
fi
nb restart "$TMP/kpc/snapshot_0001.h5" --quiet --set "run.output_dir=\"$TMP/kpc2\""
check "kpc restart exits 0 (the snapshot's units and G read back)" [ "$RC" -eq 0 ]
check "kpc restart: no note about G" [ ! -s "$TMP/err" ]
check "kpc restart continues bit for bit" "$SNAPDIFF" "$snap" "$TMP/kpc2/snapshot_0002.h5"

# N-body units: the default and an explicit "nbody" give the same bits, no unit attributes
cat >"$TMP/nb.cfg" <<CFG
run: { output_dir = "$TMP/nb1"; };
initial_conditions: { type = "plummer"; n = 100; };
gravity: { kernel = "direct"; };
integrator: { dt = 0.01; t_end = 0.05; };
CFG
nb run "$TMP/nb.cfg" --quiet
nb run "$TMP/nb.cfg" --quiet --set units.system=nbody --set "run.output_dir=\"$TMP/nb2\""
check "units.system = nbody: same bits as the default" \
    "$SNAPDIFF" "$TMP/nb1/snapshot_0001.h5" "$TMP/nb2/snapshot_0001.h5"
check "N-body units: energy.csv says so" \
    grep -q '^# units: N-body (no physical scale), G = 1$' "$TMP/nb1/energy.csv"
if command -v h5dump >/dev/null 2>&1; then
    h5dump -A -g /Header "$TMP/nb1/snapshot_0001.h5" >"$TMP/h5" 2>&1
    check "N-body units: no Unit* attributes in /Header" sh -c "! grep -q Unit '$TMP/h5'"
fi

# a snapshot as initial conditions: what the run does not use is named in one note line
nb run "$TMP/nb.cfg" --quiet --set "run.output_dir=\"$TMP/ic1\"" --set initial_conditions.type=file \
    --set "initial_conditions.file=\"$snap\""
check "file IC from a kpc snapshot into N-body units exits 0" [ "$RC" -eq 0 ]
check "... one note line on stderr" [ "$(wc -l <"$TMP/err")" -eq 1 ]
check "... naming the unused Time and units" grep -q "^nbody: note: .*initial_conditions.file $snap: /Header Time = 0.1 is not used (a new run starts at t = 0); its units (UnitLength_in_cm 3.0856775814913673e+21, UnitMass_in_g 1.988409870698051e+33, UnitVelocity_in_cm_per_s 1e+05) are not used: the numbers are taken as they are, in the run's units (N-body units)$" "$TMP/err"
nb run "$TMP/kpc.cfg" --quiet --set "run.output_dir=\"$TMP/ic2\"" --set initial_conditions.type=file \
    --set "initial_conditions.file=\"$TMP/kpc/snapshot_0000.h5\""
check "file IC at t = 0 in the same units: no note" sh -c "[ $RC -eq 0 ] && [ ! -s '$TMP/err' ]"

if [ -z "${PYTHON:-}" ]; then
    echo "# no Python with numpy, h5py and matplotlib (configure's PYTHON_TOOLS): tools not tested"
    finish
    exit $?
fi

# the plotting tools label their axes with the units the files state, named (--print-labels)
labels() { # TOOL FILE: the x label the tool draws
    "$PYTHON" "$SRCDIR/tools/$1" "$2" -o "$TMP/labels.png" --print-labels 2>>"$TMP/err" |
        sed -n 's/^xlabel: //p'
}
: >"$TMP/err"
{ labels plot_energy.py "$TMP/kpc/energy.csv"; labels plot_energy.py "$TMP/nb1/energy.csv"
  labels plot_snapshot.py "$snap"; labels plot_snapshot.py "$TMP/nb1/snapshot_0001.h5"
} >"$TMP/out"
printf 'time [Gyr]\ntime [N-body units]\nx [kpc]\nx\n' >"$TMP/expect"
check "tools: time axis in Gyr, positions in kpc, no unit for N-body units" \
    sh -c "cmp -s '$TMP/out' '$TMP/expect' && [ ! -s '$TMP/err' ]"
"$PYTHON" "$SRCDIR/tools/plot_snapshot.py" "$snap" -o "$TMP/snap.png" >/dev/null 2>&1
check "plot_snapshot.py plots a kpc snapshot" [ -s "$TMP/snap.png" ]
"$PYTHON" "$SRCDIR/tools/plot_energy.py" "$TMP/kpc/energy.csv" -o "$TMP/energy.png" >/dev/null 2>&1
check "plot_energy.py plots a kpc run" [ -s "$TMP/energy.png" ]

# a GADGET-style file without velocities: the note says the particles start at rest
"$PYTHON" - "$TMP/novel.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "w") as f:
    h = f.create_group("Header")
    h.attrs["NumPart_ThisFile"] = np.array([0, 3, 0, 0, 0, 0], dtype=np.int32)
    h.attrs["MassTable"] = np.array([0, 1.0 / 3, 0, 0, 0, 0])
    f.create_dataset("PartType1/Coordinates", data=np.eye(3))
PY
nb run "$TMP/nb.cfg" --quiet --set "run.output_dir=\"$TMP/ic3\"" --set initial_conditions.type=file \
    --set "initial_conditions.file=\"$TMP/novel.h5\""
check "file IC without velocities: exit 0 and a note" sh -c "[ $RC -eq 0 ] && [ \"\$(wc -l <'$TMP/err')\" -eq 1 ] && grep -q 'it has no /PartType1/Velocities (the particles start at rest)$' '$TMP/err'"

finish
