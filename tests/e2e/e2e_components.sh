#!/bin/sh
# End to end: initial_conditions as a list of components (docs/initial-conditions.md).
# A one-group list gives the bits of the group itself; two Plummer components have the
# counts, masses, centres of mass and bulk velocities they were given (read from the
# snapshot with the Python configure found: h5py), their store is in particle-type order;
# the snapshot's /Parameters, run again, rebuilds the same particles; a restart continues
# a component run bit for bit. The refusals are in tests/data/bad_configs/components_*.
. "$SRCDIR/tests/e2e/e2e_lib.sh"
SNAPDIFF=${SNAPDIFF:-$(dirname "$NBODY")/tests/e2e/snapdiff}

# --- one group and the same group as a one-element list: the same bits
cat >"$TMP/group.cfg" <<CFG
run: { name = "group"; output_dir = "$TMP/group"; seed = 11; };
initial_conditions: { type = "plummer"; n = 64; };
gravity: { kernel = "direct"; softening = 0.05; threads = 1; };
integrator: { dt = 0.01; t_end = 0.03; };
output: { snapshot_every = 3; diagnostics_every = 1; compression = 0; };
CFG
sed 's|^initial_conditions: { \(.*\) };|initial_conditions = ( { \1 } );|; s|/group"|/list"|' \
    "$TMP/group.cfg" >"$TMP/list.cfg"
check "the list config is a list" grep -q '^initial_conditions = ( {' "$TMP/list.cfg"
nb run "$TMP/group.cfg" --quiet
check "one group: runs ($RC)" [ "$RC" -eq 0 ]
nb run "$TMP/list.cfg" --quiet
check "one-element list: runs ($RC)" [ "$RC" -eq 0 ]
for s in 0000 0001; do
    check "one-element list: snapshot_$s.h5 has the group's bits" \
        "$SNAPDIFF" "$TMP/group/snapshot_$s.h5" "$TMP/list/snapshot_$s.h5"
done
nb check-config "$TMP/list.cfg"
check "check-config writes the one-element list back as a list" \
    sh -c "[ $RC -eq 0 ] && grep -q '^initial_conditions:\$' '$TMP/out' && grep -A2 '^initial_conditions:\$' '$TMP/out' | grep -q '^  {\$'"

# --- two Plummer clusters: the second listed is of type 1, so the store (ids 0 ..) starts
# with it; the first listed, of type 2, follows
cat >"$TMP/two.cfg" <<CFG
run: { name = "two"; output_dir = "$TMP/two"; seed = 3; };
initial_conditions = (
  { type = "plummer"; n = 40; particle_type = 2; seed_offset = 1; mass = 0.5;
    centre = [3.0, 1.0, 0.0]; bulk_velocity = [-0.75, 0.0, 0.25]; },
  { type = "plummer"; n = 60; centre = [-3.0, 0.0, 0.5]; bulk_velocity = (0.5, 0, 0); }
);
gravity: { kernel = "direct"; softening = 0.05; threads = 1; };
integrator: { dt = 0.01; t_end = 0.04; };
output: { snapshot_every = 2; diagnostics_every = 1; compression = 0; };
CFG
nb run "$TMP/two.cfg" --quiet
check "two components: runs ($RC)" [ "$RC" -eq 0 ]
nb info "$TMP/two/snapshot_0000.h5"
check "two components: n = 100" grep -q '^n: *100$' "$TMP/out"
check "two components: total mass 1.5 (the given 0.5 and the Plummer sphere's own 1)" \
    awk '/^total_mass:/ { d = $2 - 1.5; exit !(d < 1e-12 && d > -1e-12) } END { if (NR == 0) exit 1 }' "$TMP/out"
check "two components: momentum 1 x 0.5 - 0.5 x 0.75 = 0.125 along x, 0.5 x 0.25 along z" \
    awk '/^momentum:/ { f = 1; exit !($2 - 0.125 < 1e-6 && $2 - 0.125 > -1e-6 && $4 - 0.125 < 1e-6 && $4 - 0.125 > -1e-6) } END { if (!f) exit 1 }' "$TMP/out"

# --- the snapshot's /Parameters rebuild the same particles; a restart continues them
cat >"$TMP/rest.cfg" <<CFG
$(sed 's|/two"|/rest"|' "$TMP/two.cfg")
CFG
nb run "$TMP/rest.cfg" --quiet --set integrator.t_end=0.02
check "the first half of the same run ($RC)" [ "$RC" -eq 0 ]
nb restart "$TMP/rest" --set integrator.t_end=0.04 --quiet
check "restart of a component run from its /Parameters ($RC)" [ "$RC" -eq 0 ]
check "... its last snapshot has the uninterrupted run's bits" \
    "$SNAPDIFF" "$TMP/two/snapshot_0002.h5" "$TMP/rest/snapshot_0002.h5"

if [ -z "${PYTHON:-}" ]; then
    echo "SKIP: configure found no Python with h5py and numpy (PYTHON is empty): the"
    echo "per-component checks and the /Parameters re-run are not done"
    exit 77
fi
"$PYTHON" - "$TMP/two/snapshot_0000.h5" "$TMP/two/snapshot_0002.h5" "$TMP/params.cfg" \
    >"$TMP/py.out" 2>&1 <<'PY'
import sys
import h5py
import numpy as np

def load(path):
    """Every PartTypeN group's particles, sorted by id; the type of each."""
    with h5py.File(path, "r") as f:
        parts = []
        for name in sorted(f):
            if name.startswith("PartType"):
                g = f[name]
                k = int(name[8:])
                ids = g["ParticleIDs"][...]
                parts.append((ids, g["Coordinates"][...], g["Velocities"][...],
                              g["Masses"][...], np.full(len(ids), k)))
        t = f["Header"].attrs["Time"]
        params = f["Parameters"].attrs["ParameterFile"]
    ids, x, v, m, typ = (np.concatenate([p[j] for p in parts]) for j in range(5))
    o = np.argsort(ids)
    return ids[o], x[o], v[o], m[o], typ[o], float(t), params

def com(x, m):
    return (m[:, None] * x).sum(0) / m.sum()

ok = True
def check(name, cond):
    global ok
    print(("ok - " if cond else "FAIL - ") + name)
    ok = ok and bool(cond)

ids, x, v, m, typ, t0, params = load(sys.argv[1])
check("ids 0 .. 99", (ids == np.arange(100)).all())
# ids 0..59: the type-1 component (listed second), 60..99: the type-2 one (listed first)
a, b = slice(0, 60), slice(60, 100)
check("PartType1 holds 60, PartType2 40", (typ[a] == 1).all() and (typ[b] == 2).all())
check("component masses 1 and 0.5", abs(m[a].sum() - 1) < 1e-12 and abs(m[b].sum() - 0.5) < 1e-12)
ca, cb = com(x[a], m[a]), com(x[b], m[b])
va, vb = com(v[a], m[a]), com(v[b], m[b])
print("centres", ca, cb, "velocities", va, vb)
check("type-1 component's centre of mass at [-3, 0, 0.5]", np.abs(ca - [-3, 0, 0.5]).max() < 1e-12)
check("type-2 component's centre of mass at [3, 1, 0]", np.abs(cb - [3, 1, 0]).max() < 1e-12)
check("type-1 component moves with [0.5, 0, 0]", np.abs(va - [0.5, 0, 0]).max() < 1e-12)
check("type-2 component moves with [-0.75, 0, 0.25]", np.abs(vb - [-0.75, 0, 0.25]).max() < 1e-12)
ids, x, v, m, typ, t1, _ = load(sys.argv[2])
# the clusters are 6 apart: their mutual pull moves each centre by ~ t^2 / 72 = 2e-5
check("t = %g: each centre has moved by bulk velocity x t" % t1, t1 > 0 and
      np.abs(com(x[a], m[a]) - ca - va * t1).max() < 1e-4 and
      np.abs(com(x[b], m[b]) - cb - vb * t1).max() < 1e-4)
text = params.decode() if isinstance(params, bytes) else str(params)
check("/Parameters holds the list", "initial_conditions:\n(\n  {" in text)
open(sys.argv[3], "w").write(text)
sys.exit(0 if ok else 1)
PY
rc=$?
cat "$TMP/py.out"
check "per-component counts, masses, centres and velocities from the snapshot ($rc)" [ "$rc" -eq 0 ]
nb run "$TMP/params.cfg" --set "run.output_dir=\"$TMP/again\"" --quiet
check "the snapshot's /Parameters run again ($RC)" [ "$RC" -eq 0 ]
check "... rebuild the same particles" "$SNAPDIFF" "$TMP/two/snapshot_0000.h5" "$TMP/again/snapshot_0000.h5"
finish
