"""nbody from Python (docs/python.md): the force kernels on numpy arrays (accel,
potential, Gravity), snapshots (load, save, Snapshot.to_yt), the energy log
(read_energy) and the program (run, restart). Binds libnbody's C API with ctypes: nothing
is compiled at import."""
from ._capi import NbodyError, NbodyInputError, lib, library_path
from .gravity import Gravity, Particles, accel, kernels, potential
from .runs import Run, program, read_energy, restart, run
from .snapshot import Snapshot, load, save

__version__ = lib.nbody_version().decode()

__all__ = ["accel", "potential", "kernels", "Gravity", "Particles", "load", "save",
           "Snapshot", "read_energy", "run", "restart", "Run", "program", "NbodyError",
           "NbodyInputError", "library_path", "__version__"]
