"""What the Python tests share: skipping (pytest's, or the plain runner's), the nbody
program, and a long-double direct sum."""
import os
import subprocess

import numpy as np

try:
    import pytest

    def skip(why):
        pytest.skip(why, allow_module_level=True)
except ImportError:
    def skip(why):
        from runner import Skip
        raise Skip(why)

NBODY = os.environ.get("NBODY", "nbody")


def nbody(*args, cwd=None):
    """Runs the program: (exit status, stdout, stderr)."""
    p = subprocess.run([NBODY] + list(args), cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    return p.returncode, p.stdout, p.stderr


def direct_sum(pos, m, eps, G=1.0):
    """Accelerations and potentials, Plummer-softened, in numpy long double."""
    x = pos.astype(np.longdouble)
    mm = m.astype(np.longdouble)
    d = x[None, :, :] - x[:, None, :]                 # r_j - r_i
    r2 = (d * d).sum(axis=2) + np.longdouble(eps) ** 2
    np.fill_diagonal(r2, 1)
    inv = 1 / np.sqrt(r2)
    np.fill_diagonal(inv, 0)
    acc = G * (mm[None, :, None] * d * (inv ** 3)[:, :, None]).sum(axis=1)
    pot = -G * (mm[None, :] * inv).sum(axis=1)
    return acc, pot


def rel_err(a, ref):
    a = np.asarray(a, dtype=np.longdouble)
    return np.asarray(np.sqrt(((a - ref) ** 2).sum(axis=-1) / (ref ** 2).sum(axis=-1)),
                      dtype=np.float64)
