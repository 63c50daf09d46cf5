"""Snapshot.to_yt: a kpc_msun_kms run gives yt masses in Msun, positions in kpc and
velocities in km/s as in the file; an N-body run's code units keep G."""
import numpy as np

from common import skip

try:
    import yt
except ImportError:
    skip("yt is not installed")

import nbody

CONFIG = """
run: { name = "kpc"; output_dir = "kpc"; };
units: { system = "kpc_msun_kms"; };
initial_conditions: { type = "plummer"; n = 100; };
gravity: { kernel = "direct"; softening = 0.02; };
integrator: { dt = 0.01; t_end = 0.02; };
output: { snapshot_every = 1; compression = 0; };
"""


def _sorted(ds, field, unit):
    ad = ds.all_data()
    i = np.asarray(ad["all", "particle_index"]).astype(np.int64)
    out = np.empty_like(np.asarray(ad["all", field].to(unit).v))
    out[i] = ad["all", field].to(unit).v
    return out


def test_to_yt_in_physical_units(tmp_path):
    yt.set_log_level(50)
    cfg = tmp_path / "kpc.cfg"
    cfg.write_text(CONFIG)
    s = nbody.run(cfg, cwd=str(tmp_path)).load()
    assert s.units and abs(s.units["UnitLength_in_cm"] - 3.0856775814913673e21) < 1e7
    ds = s.to_yt()
    order = np.argsort(s.ids)
    # yt's Msun (1.98841586e33 g) and nbody's (IAU 2015) differ by 3e-6
    assert np.allclose(_sorted(ds, "particle_mass", "Msun"), s.mass[order], rtol=1e-5, atol=0)
    assert np.allclose(_sorted(ds, "particle_position", "kpc"), s.pos[order], rtol=1e-9)
    assert np.allclose(_sorted(ds, "particle_velocity", "km/s"), s.vel[order], rtol=1e-9,
                       atol=1e-300)
    L = ds.domain_right_edge.to("kpc").v
    assert (abs(s.pos).max(axis=0) < L).all()


def test_to_yt_in_nbody_units_keeps_G(tmp_path):
    yt.set_log_level(50)
    cfg = tmp_path / "nb.cfg"
    cfg.write_text(CONFIG.replace('system = "kpc_msun_kms";', 'system = "nbody";'))
    s = nbody.run(cfg, cwd=str(tmp_path)).load()
    assert s.units is None
    ds = s.to_yt()
    # G in the code units of the unit_base: the snapshot's G (yt's G, CODATA 2014, is
    # 3e-5 below nbody's CODATA 2018 value)
    from yt.units import physical_constants
    L, M, T = (float(q.v) for q in (ds.length_unit.to("cm"), ds.mass_unit.to("g"),
                                    ds.time_unit.to("s")))
    G = float(physical_constants.G.to("cm**3/(g*s**2)").v) * M * T ** 2 / L ** 3
    assert abs(G - s.attrs["G"]) < 1e-4 * s.attrs["G"], G
    assert np.allclose(_sorted(ds, "particle_mass", "code_mass"), s.mass[np.argsort(s.ids)],
                       rtol=1e-12)
