#!/bin/sh
# End to end: particle types (issue 22). A three-type GADGET initial-conditions file (halo,
# disk, bulge as PartType1/2/3; the disk's masses only in MassTable, written by
# tests/e2e/make_bad_snapshots as h5py would) runs with its particles, ids and types kept,
# writes three groups with GADGET's NumPart and MassTable, restarts bit for bit and is
# listed type by type by `nbody info`; gas (PartType0) is refused without
# initial_conditions.gas = "collisionless" and run and written back as PartType0 with it;
# a single-type run keeps its one group. In the MPI build, the collective parallel-HDF5
# write from 1, 2 and 3 ranks (rank slices cutting across the type groups) gives the same
# files.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
SNAPDIFF=${SNAPDIFF:-$(dirname "$NBODY")/tests/e2e/snapdiff}
MAKE_BAD="$(dirname "$NBODY")/tests/e2e/make_bad_snapshots"
if [ ! -x "$MAKE_BAD" ] || [ ! -x "$SNAPDIFF" ]; then
    echo "$MAKE_BAD or $SNAPDIFF not built (make check builds them)"
    exit 1
fi
mkdir "$TMP/gen"
"$MAKE_BAD" "$TMP/gen" >/dev/null || { echo "make_bad_snapshots failed"; exit 1; }
ic="$TMP/gen/types_ic.h5"

# header FILE WANT: the Header's counts, MassTable and the type groups are WANT (4 lines)
header() {
    "$MAKE_BAD" --header "$1" >"$TMP/hdr" && printf '%s\n' "$2" | cmp -s - "$TMP/hdr" ||
        { echo "# got:"; sed 's/^/#   /' "$TMP/hdr"; return 1; }
}

cat >"$TMP/types.cfg" <<CFG
run: { name = "types"; output_dir = "$TMP/full"; };
units: { system = "kpc_msun_kms"; };
initial_conditions: { type = "file"; file = "$ic"; };
gravity: { kernel = "direct"; softening = 0.05; };
integrator: { dt = 0.001; t_end = 0.02; };
output: { snapshot_every = 10; diagnostics_every = 5; compression = 0; };
CFG

# 1. the file as initial conditions: three types, their ids and masses kept
nb run "$TMP/types.cfg" --quiet
check "three-type file runs (exit 0, no note: $(cat "$TMP/err"))" \
    sh -c "[ $RC -eq 0 ] && [ ! -s '$TMP/err' ]"
check "the run starts from the file's particles, ids, masses and types, bit for bit" \
    "$SNAPDIFF" --particles "$ic" "$TMP/full/snapshot_0000.h5"
check "snapshots write three groups with GADGET's NumPart and MassTable" header \
    "$TMP/full/snapshot_0002.h5" "NumPart_ThisFile 0 40 30 20 0 0
NumPart_Total 0 40 30 20 0 0
MassTable 0 0 200000 500000 0 0
groups PartType1 PartType2 PartType3"

# 2. nbody info lists the types
nb info "$TMP/full/snapshot_0002.h5"
check "info exits 0" [ "$RC" -eq 0 ]
check "info lists three types" [ "$(grep -c '^  PartType[0-9] ' "$TMP/out")" -eq 3 ]
check "info: the disk's one mass from its MassTable entry" \
    grep -q '^  PartType2  *n 30  *total_mass 6000000 .* mass 200000 (MassTable\[2\])$' "$TMP/out"
check "info: the halo's range of masses" \
    grep -q '^  PartType1  *n 40  .* masses 1000000 to 1975000$' "$TMP/out"
check "info: each type's datasets" \
    sh -c "grep -q '^  /PartType3/Coordinates  *float64  *(20, 3) ' '$TMP/out' && grep -q '^  /PartType2/Masses  *float64  *(30,) ' '$TMP/out'"

# 3. restarts keep the types bit for bit
nb run "$TMP/types.cfg" --quiet --set "run.output_dir=\"$TMP/part\"" --set integrator.t_end=0.01
nb restart "$TMP/part" --quiet --set integrator.t_end=0.02
check "restart of the three-type run exits 0" [ "$RC" -eq 0 ]
check "three-type restart: the final snapshot bit for bit (types included)" \
    "$SNAPDIFF" "$TMP/full/snapshot_0002.h5" "$TMP/part/snapshot_0002.h5"
cp -r "$TMP/full" "$TMP/again"
nb restart "$TMP/again/snapshot_0001.h5" --quiet
check "three-type restart from the middle snapshot: bit for bit" \
    sh -c "[ $RC -eq 0 ] && '$SNAPDIFF' '$TMP/full/snapshot_0002.h5' '$TMP/again/snapshot_0002.h5'"

# 4. gas: refused unless asked, then run as collisionless type 0 and written back
gas="$TMP/gen/gas_ic.h5"
nb run "$TMP/types.cfg" --quiet --set "run.output_dir=\"$TMP/gas\"" \
    --set "initial_conditions.file=\"$gas\""
check "gas refused: exit 2, one line naming initial_conditions.gas, nothing written" \
    sh -c "[ $RC -eq 2 ] && [ \$(wc -l <'$TMP/err') -eq 1 ] && [ ! -e '$TMP/gas' ] &&
           grep -q 'types.cfg: initial_conditions.file: .*gas_ic.h5: /PartType0: 10 gas particles .* nbody has no hydrodynamics; set initial_conditions.gas = \"collisionless\"' '$TMP/err'"
sed 's/^/# /' "$TMP/err"
nb run "$TMP/types.cfg" --quiet --set "run.output_dir=\"$TMP/gas\"" \
    --set "initial_conditions.file=\"$gas\"" --set 'initial_conditions.gas="collisionless"'
check "gas with initial_conditions.gas = \"collisionless\": exit 0" [ "$RC" -eq 0 ]
check "gas is written back as PartType0" header "$TMP/gas/snapshot_0002.h5" \
    "NumPart_ThisFile 10 40 30 20 0 0
NumPart_Total 10 40 30 20 0 0
MassTable 10000 0 200000 500000 0 0
groups PartType0 PartType1 PartType2 PartType3"
check "gas run starts from the file's particles, bit for bit" \
    "$SNAPDIFF" --particles "$gas" "$TMP/gas/snapshot_0000.h5"
cp -r "$TMP/gas" "$TMP/gas_again"
nb restart "$TMP/gas_again/snapshot_0001.h5" --quiet
check "restart with gas as collisionless: bit for bit" \
    sh -c "[ $RC -eq 0 ] && '$SNAPDIFF' '$TMP/gas/snapshot_0002.h5' '$TMP/gas_again/snapshot_0002.h5'"
nb check-config "$TMP/types.cfg" --set 'initial_conditions.gas="sph"'
check "initial_conditions.gas = \"sph\" refused naming the key" \
    sh -c "[ $RC -eq 2 ] && grep -q 'initial_conditions.gas: .sph., expected \"refuse\"' '$TMP/err'"

# 5. a generated single-type run keeps its one group; MassTable[1] = the particles' mass
cat >"$TMP/one.cfg" <<CFG
run: { name = "one"; output_dir = "$TMP/one"; };
initial_conditions: { type = "plummer"; n = 50; };
gravity: { kernel = "direct"; softening = 0.05; };
integrator: { dt = 0.01; t_end = 0.02; };
output: { snapshot_every = 0; diagnostics_every = 1; compression = 0; };
CFG
nb run "$TMP/one.cfg" --quiet
check "single type: one group, MassTable[1] = 1/N" header "$TMP/one/snapshot_0001.h5" \
    "NumPart_ThisFile 0 50 0 0 0 0
NumPart_Total 0 50 0 0 0 0
MassTable 0 0.02 0 0 0 0
groups PartType1"

# 6. MPI build: each rank writes its rows of every type's datasets (hyperslabs within each
# group); 90 particles on 3 ranks are rows 0-29, 30-59, 60-89 against the groups' 0-39,
# 40-69, 70-89
if [ -n "${MPIRUN:-}" ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
    export OMPI_MCA_mpi_yield_when_idle=1
    for np in 1 2 3; do
        NBODY_COLLECTIVE_IO=1 OMP_NUM_THREADS=1 timeout 300 "$MPIRUN" -np $np "$NBODY" run \
            "$TMP/types.cfg" --quiet --set "run.output_dir=\"$TMP/mpi-$np\"" \
            >"$TMP/out" 2>"$TMP/err"
        RC=$?
        check "MPI $np rank(s), collective write of three types: exit 0 ($(cat "$TMP/err"))" \
            [ "$RC" -eq 0 ]
        for k in 0000 0001 0002; do
            check "MPI $np rank(s): snapshot_$k.h5 bit for bit" \
                "$SNAPDIFF" "$TMP/full/snapshot_$k.h5" "$TMP/mpi-$np/snapshot_$k.h5"
        done
        check "MPI $np rank(s): three groups, NumPart and MassTable" header \
            "$TMP/mpi-$np/snapshot_0002.h5" "NumPart_ThisFile 0 40 30 20 0 0
NumPart_Total 0 40 30 20 0 0
MassTable 0 0 200000 500000 0 0
groups PartType1 PartType2 PartType3"
    done
fi
# the plotter reads every type (all 90 particles, coloured by type), not PartType1's 40
if [ -n "$PYTHON" ] && "$PYTHON" -c 'import numpy, h5py, matplotlib' 2>/dev/null; then
    "$PYTHON" "$SRCDIR/tools/plot_snapshot.py" "$ic" -o "$TMP/types.png" --print-labels \
        >"$TMP/out" 2>"$TMP/err"
    check "plot_snapshot.py draws all three types (N = 90, kpc)" \
        sh -c "grep -q '^title: .*N = 90\$' '$TMP/out' && grep -qx 'xlabel: x \[kpc\]' '$TMP/out'"
    check "plot_snapshot.py: the three-type picture is a PNG" is_png "$TMP/types.png"
fi
finish
