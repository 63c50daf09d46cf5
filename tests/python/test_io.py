"""nbody.run, restart, load and read_energy on a run of the program: load round-trips a
snapshot the program wrote, read_energy gives the CSV's numbers, a bad configuration
raises with the program's own message."""
import csv
import os

import numpy as np

from common import nbody as program

import nbody

CONFIG = """
run: { name = "py"; output_dir = "out"; };
initial_conditions: { type = "plummer"; n = 200; };
gravity: { kernel = "direct"; softening = 0.02; };
integrator: { dt = 0.01; t_end = 0.06; };
output: { snapshot_every = 2; diagnostics_every = 1; compression = 0; };
"""


def _run(tmp_path, **kwargs):
    cfg = tmp_path / "py.cfg"
    cfg.write_text(CONFIG)
    return cfg, nbody.run(cfg, cwd=str(tmp_path), **kwargs)


def test_run_returns_the_run_directory(tmp_path):
    cfg, r = _run(tmp_path, set={"gravity.softening": 0.03, "run.name": "renamed"},
                  threads=1)
    assert os.path.samefile(r.path, tmp_path / "out")
    assert [os.path.basename(s) for s in r.snapshots] == \
        ["snapshot_%04d.h5" % i for i in range(4)]
    table, meta = r.energy()
    assert meta["name"] == "renamed" and float(meta["softening"]) == 0.03
    assert r.load().attrs["softening"] == 0.03 and r.load().time == 0.06
    # output_dir: another directory, relative to cwd
    r2 = nbody.run(cfg, output_dir="elsewhere", cwd=str(tmp_path), quiet=True)
    assert os.path.samefile(r2.path, tmp_path / "elsewhere") and len(r2.snapshots) == 4


def test_load_round_trips_a_program_snapshot(tmp_path):
    _, r = _run(tmp_path)
    path = r.snapshots[2]
    s = nbody.load(path)
    assert len(s) == 200 and s.pos.shape == (200, 3) and s.ids.dtype == np.uint64
    assert s.time == 0.04 and s.attrs["step"] == 4 and s.attrs["kernel"] == "direct"
    assert s.units is None and 'kernel = "direct"' in s.parameters
    assert np.array_equal(np.sort(s.ids), np.arange(200)) and (s.types == 1).all()
    # what nbody info says about it
    rc, out, _ = program("info", path)
    assert rc == 0 and "0.04" in out
    # written back through the library, read again: the same bits
    copy = nbody.save(tmp_path / "copy.h5", s.pos, s.mass, vel=s.vel, ids=s.ids,
                      types=s.types, time=s.time)
    for k in ("pos", "vel", "mass", "ids", "types"):
        assert np.array_equal(getattr(copy, k), getattr(s, k)), k
    assert copy.time == s.time
    # and against h5py's reading of the program's file, where h5py is installed
    try:
        import h5py
    except ImportError:
        return
    with h5py.File(path, "r") as f:
        assert np.array_equal(f["PartType1/Coordinates"][...], s.pos)
        assert np.array_equal(f["PartType1/Velocities"][...], s.vel)
        assert np.array_equal(f["PartType1/Masses"][...], s.mass)
        assert np.array_equal(f["PartType1/Acceleration"][...], s.acc)
        assert f["Integrator"].attrs["run_id"].decode() == s.attrs["run_id"]


def test_a_saved_snapshot_starts_a_run(tmp_path):
    # the library's file as initial conditions of the program
    rng = np.random.default_rng(5)
    nbody.save(tmp_path / "ic.h5", rng.normal(size=(50, 3)), np.full(50, 0.02),
               vel=rng.normal(scale=0.1, size=(50, 3)))
    cfg = tmp_path / "ic.cfg"
    cfg.write_text(CONFIG.replace('type = "plummer"; n = 200;', 'type = "file"; file = "ic.h5";'))
    r = nbody.run(cfg, cwd=str(tmp_path))
    assert len(r.load(0)) == 50


def test_read_energy_reproduces_the_csv(tmp_path):
    _, r = _run(tmp_path)
    table, meta = nbody.read_energy(r.energy_path)
    with open(r.energy_path) as f:
        lines = [l for l in f if not l.startswith("#")]
    rows = list(csv.reader(lines))
    header, data = rows[0], rows[1:]
    assert list(table.columns if hasattr(table, "columns") else table.dtype.names) == header
    assert len(table) == len(data) == 7
    for k, name in enumerate(header):
        want = [float(row[k]) for row in data]
        assert [float(v) for v in table[name]] == want, name  # the same doubles
    assert meta["name"] == "py" and meta["n"] == "200" and meta["kernel"] == "direct"
    assert len(meta["run_id"]) == 32 and meta["restarts"] == []


def test_restart_continues_and_read_energy_sees_it(tmp_path):
    _, r = _run(tmp_path)
    r2 = nbody.restart(r.path, set={"integrator.t_end": 0.1}, cwd=str(tmp_path))
    assert os.path.samefile(r2.path, r.path)
    assert abs(r2.load().time - 0.1) < 1e-12
    table, meta = r2.energy()
    assert meta["restarts"] and meta["restarts"][0]["step"] == 6
    assert abs(float(table["time"][len(table) - 1]) - 0.1) < 1e-12


def test_run_raises_with_the_program_message(tmp_path):
    cfg = tmp_path / "py.cfg"
    cfg.write_text(CONFIG)
    rc, _, err = program("run", str(cfg), "--set", "gravity.softening=-1.0", cwd=str(tmp_path))
    assert rc == 2
    try:
        nbody.run(cfg, set={"gravity.softening": -1.0}, cwd=str(tmp_path))
    except nbody.NbodyInputError as e:
        assert e.code == 2
        assert str(e) == err.strip().splitlines()[-1].replace("nbody: ", "", 1), (str(e), err)
        assert "gravity.softening" in str(e)
    else:
        raise AssertionError("a negative softening accepted")
    assert not (tmp_path / "out").exists()  # nothing written
    try:
        nbody.load(tmp_path / "missing.h5")
    except nbody.NbodyInputError as e:
        assert "missing.h5" in str(e)
    else:
        raise AssertionError("a missing snapshot loaded")


def test_particle_types_round_trip(tmp_path):
    # three types in ascending order: a /PartTypeT group each, read back in the same order
    rng = np.random.default_rng(9)
    types = np.repeat(np.array([1, 2, 4], dtype=np.uint8), [5, 3, 4])
    pos, m = rng.normal(size=(12, 3)), rng.uniform(1, 2, 12)
    s = nbody.save(tmp_path / "types.h5", pos, m, types=types, ids=np.arange(100, 112))
    assert np.array_equal(s.types, types) and np.array_equal(s.pos, pos)
    assert np.array_equal(s.ids, np.arange(100, 112)) and np.array_equal(s.mass, m)
    try:
        nbody.save(tmp_path / "bad.h5", pos, m, types=types[::-1])
    except nbody.NbodyInputError as e:
        assert "ascending" in str(e)
    else:
        raise AssertionError("types out of order accepted")
