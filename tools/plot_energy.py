#!/usr/bin/env python3
"""Plots |rel_energy_error| against time from one or more nbody energy.csv files.

One curve per run, labelled with the run's `# name:` comment; restarts (`# restart:`
comments) are marked with dashed vertical lines in the run's colour. Headless (Agg).

  plot_energy.py outputs/quickstart/energy.csv -o energy.png
"""
import argparse
import csv
import math
import os
import re
import sys

PROG = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "plot_energy.py"


def usage_fail(msg):
    sys.stderr.write("%s: %s\n" % (PROG, msg))
    sys.exit(2)


def import_matplotlib():
    """Imports matplotlib with the Agg backend. The first python3 on PATH may lack
    Debian's modules, so on ImportError re-run once under $NBODY_PYTHON or /usr/bin/python3."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return plt
    except ImportError as e:
        missing = str(e)
    if not os.environ.get("NBODY_TOOLS_REEXEC"):
        for cand in (os.environ.get("NBODY_PYTHON"), "/usr/bin/python3"):
            if cand and os.access(cand, os.X_OK) and \
                    os.path.realpath(cand) != os.path.realpath(sys.executable):
                os.environ["NBODY_TOOLS_REEXEC"] = "1"
                os.execv(cand, [cand] + sys.argv)
    sys.stderr.write("%s: %s (install python3-matplotlib, or run this script with a Python "
                     "that has matplotlib, e.g. /usr/bin/python3)\n" % (PROG, missing))
    sys.exit(1)


class EnergyLog:
    def __init__(self, path):
        self.path = path
        self.name = None
        self.time_unit = None  # from '# units:' when the run has physical units
        self.time = []
        self.err = []
        self.restarts = []  # (step, time)


def read_log(path):
    """Reads an energy.csv; any problem is a one-line error and exit 2."""
    log = EnergyLog(path)
    try:
        f = open(path, newline="")
    except OSError as e:
        usage_fail("%s: cannot open: %s" % (path, e.strerror))
    with f:
        columns = None
        data_lines = []
        try:
            for lineno, line in enumerate(f, 1):
                s = line.strip()
                if not s:
                    continue
                if s.startswith("#"):
                    body = s[1:].strip()
                    if body.startswith("name:") and log.name is None:
                        log.name = body[5:].strip()
                    elif body.startswith("units:") and log.time_unit is None:
                        log.time_unit = time_unit_label(body[6:])
                    elif body.startswith("restart:"):
                        parts = body[8:].split()
                        try:
                            if len(parts) != 4 or parts[0] != "step" or parts[2] != "time":
                                raise ValueError
                            log.restarts.append((int(parts[1]), float(parts[3])))
                        except ValueError:
                            usage_fail("%s:%d: malformed restart comment %r (expected "
                                       "'# restart: step S time T')" % (path, lineno, s))
                    continue
                if columns is None:
                    columns = next(csv.reader([s]))
                    continue
                data_lines.append((lineno, s))
        except UnicodeDecodeError:
            usage_fail("%s: not a text file (expected an nbody energy.csv)" % path)
    if columns is None:
        usage_fail("%s: no column row (expected an nbody energy.csv with a "
                   "'step,time,...,rel_energy_error,...' row)" % path)
    for col in ("time", "rel_energy_error"):
        if col not in columns:
            usage_fail("%s: no '%s' column in the column row (found: %s)"
                       % (path, col, ",".join(columns)))
    it, ie = columns.index("time"), columns.index("rel_energy_error")
    for lineno, s in data_lines:
        row = next(csv.reader([s]))
        if len(row) != len(columns):
            usage_fail("%s:%d: %d fields, expected %d like the column row"
                       % (path, lineno, len(row), len(columns)))
        try:
            t, e = float(row[it]), float(row[ie])
        except ValueError:
            usage_fail("%s:%d: time or rel_energy_error is not a number" % (path, lineno))
        log.time.append(t)
        log.err.append(abs(e))
    if not log.time:
        usage_fail("%s: no data rows" % path)
    return log


def time_unit_label(units):
    """'0.978 Gyr = 3.09e+16 s' from the '# units:' line's 'time T s (NAME)', or
    'N-body units' when the run has no physical scale; None when the line is not ours."""
    units = units.strip()
    if units.startswith("N-body"):
        return "N-body units"
    m = re.search(r"\btime ([-+0-9.eE]+) s(?: \(([^)]*)\))?", units)
    if not m:
        return None
    try:
        seconds = float(m.group(1))
    except ValueError:
        return None
    return "%s = %.3g s" % (m.group(2), seconds) if m.group(2) else "%.3g s" % seconds


def labels_for(logs):
    """The run name, or the path when the name is missing or shared by several files."""
    names = [lg.name or lg.path for lg in logs]
    out = []
    for lg, n in zip(logs, names):
        out.append("%s (%s)" % (n, lg.path) if lg.name and names.count(n) > 1 else n)
    return out


def main():
    ap = argparse.ArgumentParser(
        prog=PROG,
        description="Plot |rel_energy_error| against time (log scale) from nbody energy.csv "
                    "files, one curve per run, restarts marked with dashed vertical lines.",
        epilog="example: %(prog)s outputs/quickstart/energy.csv -o energy.png")
    ap.add_argument("files", nargs="+", metavar="ENERGY_CSV", help="energy.csv files to plot")
    ap.add_argument("-o", "--output", default="energy.png",
                    help="PNG file to write (default: %(default)s)")
    ap.add_argument("--title", default=None, help="plot title (default: the run names)")
    ap.add_argument("--dpi", type=int, default=100, help="resolution (default: %(default)s)")
    args = ap.parse_args()
    if args.dpi < 10 or args.dpi > 1200:
        usage_fail("--dpi: expected 10 .. 1200, got %d" % args.dpi)

    logs = [read_log(p) for p in args.files]
    plt = import_matplotlib()

    fig, ax = plt.subplots(figsize=(8, 4.5))
    ymin = math.inf
    restart_labelled = False
    for lg, label in zip(logs, labels_for(logs)):
        # |error| is exactly 0 at step 0 (and can be elsewhere): no place on a log axis
        pts = [(t, e) for t, e in zip(lg.time, lg.err) if e > 0 and math.isfinite(e)]
        if pts:
            t, e = zip(*pts)
            line, = ax.plot(t, e, lw=1.2, marker="." if len(t) < 60 else None, label=label)
            ymin = min(ymin, min(e))
        else:
            line, = ax.plot([], [], label=label + " (error 0 throughout)")
        for _, tr in lg.restarts:
            ax.axvline(tr, color=line.get_color(), ls="--", lw=1, alpha=0.8,
                       label=None if restart_labelled else "restart")
            restart_labelled = True
    ax.set_yscale("log")
    if ymin == math.inf:
        ax.set_ylim(1e-17, 1)
    # the unit when every file states the same one
    units = set(lg.time_unit for lg in logs)
    unit = units.pop() if len(units) == 1 else None
    ax.set_xlabel("time [%s]" % unit if unit else "time")
    ax.set_ylabel("|relative energy error|  |E - E0| / |E0|")
    ax.set_title(args.title if args.title is not None else
                 "energy conservation: " + ", ".join(dict.fromkeys(
                     lg.name or os.path.basename(lg.path) for lg in logs)))
    ax.grid(True, which="major", alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda k: labels[k] == "restart")  # restart last
    ax.legend([handles[k] for k in order], [labels[k] for k in order], loc="best",
              fontsize="small")
    fig.tight_layout()
    try:
        fig.savefig(args.output, dpi=args.dpi, format="png")
    except OSError as e:
        sys.stderr.write("%s: %s: cannot write: %s\n" % (PROG, args.output, e.strerror))
        sys.exit(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
