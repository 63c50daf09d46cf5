"""The nbody program from Python: run and restart (a failure raises with the program's
one-line message), the run directory (its snapshots and energy log), and read_energy."""
import glob
import os
import re
import shutil
import subprocess

import numpy as np

from ._capi import NbodyError, NbodyInputError

__all__ = ["Run", "run", "restart", "read_energy", "program"]


def program():
    """The nbody executable: $NBODY, the installed one beside the library, the source
    tree's, or nbody on PATH."""
    env = os.environ.get("NBODY")
    if env:
        return env
    try:
        from . import _paths
        cand = os.path.join(_paths.BINDIR, "nbody")
        if os.access(cand, os.X_OK):
            return cand
    except ImportError:
        pass
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    cand = os.path.join(top, "nbody")
    if os.access(cand, os.X_OK) and not os.path.isdir(cand):
        return cand
    found = shutil.which("nbody")
    if found:
        return found
    raise NbodyError("the nbody program was not found: set NBODY to its path")


def _value(v):
    """A Python value in libconfig syntax."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"%s"' % v.replace("\\", "\\\\").replace('"', '\\"')
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, float):
        r = repr(v)
        return r if any(c in r for c in ".en") else r + ".0"
    return str(v)


def _options(set, threads, output_dir, overwrite, quiet):
    """(--set arguments, the other options, the settings as a dict)."""
    settings = dict(set or {})
    if output_dir is not None:
        settings["run.output_dir"] = os.fspath(output_dir)
    sets = []
    for k, v in settings.items():
        sets += ["--set", "%s=%s" % (k, _value(v))]
    other = []
    if threads is not None:
        other += ["--threads", str(int(threads))]
    if overwrite:
        other.append("--overwrite")
    if quiet:
        other.append("--quiet")
    return sets, other, settings


def _call(args, cwd):
    p = subprocess.run([program()] + args, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode:
        lines = [l for l in p.stderr.splitlines() if l.strip()]
        msg = lines[-1] if lines else "nbody %s: exit status %d" % (args[0], p.returncode)
        if msg.startswith("nbody: "):
            msg = msg[len("nbody: "):]
        raise (NbodyInputError if p.returncode == 2 else NbodyError)(msg, p.returncode)
    return p


def _output_dir(text):
    m = re.search(r'\boutput_dir\s*=\s*"((?:[^"\\]|\\.)*)"', text)
    return m.group(1).replace('\\"', '"') if m else "outputs/nbody"


def run(config, set=None, threads=None, output_dir=None, overwrite=False, quiet=True,
        cwd=None):
    """`nbody run CONFIG --set KEY=VALUE ...`: set maps keys ("gravity.softening") to
    Python values; output_dir sets run.output_dir. Returns the Run; raises NbodyInputError
    with the program's message when it refuses the input (exit 2), NbodyError otherwise."""
    sets, other, settings = _options(set, threads, output_dir, overwrite, quiet)
    config = os.fspath(config)
    _call(["run", config] + sets + other, cwd)
    where = settings.get("run.output_dir")
    if where is None:  # the configuration's own: as the program resolved it
        where = _output_dir(_call(["check-config", config] + sets, cwd).stdout)
    return Run(os.path.join(cwd or ".", where))


def restart(path, set=None, threads=None, config=None, overwrite=False, quiet=True,
            cwd=None):
    """`nbody restart SNAPSHOT|RUNDIR`: continues a run (set as in run). Returns the Run
    of the directory it writes into."""
    sets, other, settings = _options(set, threads, None, overwrite, quiet)
    if config is not None:
        other += ["--config", os.fspath(config)]
    path = os.fspath(path)
    _call(["restart", path] + sets + other, cwd)
    if "run.output_dir" in settings:
        return Run(os.path.join(cwd or ".", settings["run.output_dir"]))
    full = os.path.join(cwd or ".", path)
    return Run(full if os.path.isdir(full) else os.path.dirname(full))


class Run:
    """A run directory: .snapshots (paths, in order), .energy() (read_energy of its
    energy.csv), .load(i) (snapshot i of .snapshots, -1 the last)."""

    def __init__(self, path):
        self.path = os.path.normpath(os.fspath(path))

    def __repr__(self):
        return "<nbody.Run %s: %d snapshots>" % (self.path, len(self.snapshots))

    @property
    def snapshots(self):
        names = glob.glob(os.path.join(glob.escape(self.path), "*_[0-9][0-9][0-9][0-9]*.h5"))
        return sorted((n for n in names if re.search(r"_\d{4,}\.h5$", n)),
                      key=lambda n: (int(re.search(r"_(\d+)\.h5$", n).group(1)), n))

    @property
    def energy_path(self):
        return os.path.join(self.path, "energy.csv")

    def energy(self):
        return read_energy(self.energy_path)

    def load(self, i=-1):
        from .snapshot import load
        return load(self.snapshots[i])


def _meta_line(line):
    key, _, value = line[1:].strip().partition(": ")
    return key.strip(), value.strip()


def read_energy(path):
    """energy.csv as (table, meta): a pandas DataFrame of its columns (a numpy record
    array when pandas is missing), and its `# KEY: VALUE` header as a dict; a restart's
    `# restart: step S time T` block and its `# restart KEY: VALUE` lines are in
    meta["restarts"], a list of dicts."""
    meta, restarts, header, rows = {}, [], None, []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                body = line[1:].strip()
                m = re.match(r"restart: step (\S+) time (\S+)", body)
                if m:
                    restarts.append({"step": int(m.group(1)), "time": float(m.group(2))})
                elif body.startswith("restart ") and restarts:
                    k, v = _meta_line("#" + body[len("restart "):])
                    restarts[-1][k] = v
                elif body.startswith("nbody ") and not meta:
                    meta["program"] = body
                elif ": " in body:
                    k, v = _meta_line(line)
                    meta.setdefault(k, v)
            elif header is None:
                header = line.split(",")
            elif line:
                rows.append(line.split(","))
    if header is None:
        raise NbodyInputError("%s: no column line (step,time,...): not an nbody energy log"
                              % path)
    meta["restarts"] = restarts
    ints = {"step", "force_evaluations"}
    cols = {h: np.array([r[k] for r in rows], dtype=np.int64 if h in ints else np.float64)
            for k, h in enumerate(header)}
    try:
        import pandas
        table = pandas.DataFrame(cols, columns=header)
    except ImportError:
        table = np.rec.fromarrays([cols[h] for h in header], names=header) if rows else \
            np.rec.fromarrays([np.empty(0)] * len(header), names=header)
    return table, meta
