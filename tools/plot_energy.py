#!/usr/bin/env python3
"""Plots |rel_energy_error| against time from one or more nbody energy.csv files.

One curve per run, labelled with the run's `# name:` comment; restarts (`# restart:`
comments) are marked with dashed vertical lines in the run's colour. Headless (Agg).

  plot_energy.py outputs/quickstart/energy.csv -o energy.png
"""
import csv
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import nbody_tool as nt  # noqa: E402  (installed beside this script)


class EnergyLog:
    def __init__(self, path):
        self.path = path
        self.name = None
        self.time_unit = None  # (name, factor) from '# units:' with physical units, or
        self.nbody_units = False  # N-body units said so
        self.time = []
        self.err = []
        self.restarts = []  # (step, time)


def read_log(path):
    """Reads an energy.csv; any problem is a one-line error and exit 2."""
    log = EnergyLog(path)
    try:
        f = open(path, newline="")
    except OSError as e:
        nt.fail("%s: cannot open: %s" % (path, e.strerror))
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
                        log.time_unit = nt.time_from_units_line(body[6:])
                        log.nbody_units = body[6:].strip().startswith("N-body")
                    elif body.startswith("restart:"):
                        parts = body[8:].split()
                        try:
                            if len(parts) != 4 or parts[0] != "step" or parts[2] != "time":
                                raise ValueError
                            log.restarts.append((int(parts[1]), float(parts[3])))
                        except ValueError:
                            nt.fail("%s:%d: malformed restart comment %r (expected "
                                       "'# restart: step S time T')" % (path, lineno, s))
                    continue
                if columns is None:
                    columns = next(csv.reader([s]))
                    continue
                data_lines.append((lineno, s))
        except UnicodeDecodeError:
            nt.fail("%s: not a text file (expected an nbody energy.csv)" % path)
    if columns is None:
        nt.fail("%s: no column row (expected an nbody energy.csv with a "
                   "'step,time,...,rel_energy_error,...' row)" % path)
    for col in ("time", "rel_energy_error"):
        if col not in columns:
            nt.fail("%s: no '%s' column in the column row (found: %s)"
                       % (path, col, ",".join(columns)))
    it, ie = columns.index("time"), columns.index("rel_energy_error")
    for lineno, s in data_lines:
        row = next(csv.reader([s]))
        if len(row) != len(columns):
            nt.fail("%s:%d: %d fields, expected %d like the column row"
                       % (path, lineno, len(row), len(columns)))
        try:
            t, e = float(row[it]), float(row[ie])
        except ValueError:
            nt.fail("%s:%d: time or rel_energy_error is not a number" % (path, lineno))
        log.time.append(t)
        log.err.append(abs(e))
    if not log.time:
        nt.fail("%s: no data rows" % path)
    return log


def labels_for(logs):
    """The run name, or the path when the name is missing or shared by several files."""
    names = [lg.name or lg.path for lg in logs]
    out = []
    for lg, n in zip(logs, names):
        out.append("%s (%s)" % (n, lg.path) if lg.name and names.count(n) > 1 else n)
    return out


def main():
    ap = nt.parser("Plot |rel_energy_error| against time (log scale) from nbody energy.csv "
                   "files, one curve per run, restarts marked with dashed vertical lines.",
                   "example: %(prog)s outputs/quickstart/energy.csv -o energy.png", "energy.png")
    ap.add_argument("files", nargs="+", metavar="ENERGY_CSV", help="energy.csv files to plot")
    args = nt.parse(ap)

    logs = [read_log(p) for p in args.files]
    plt = nt.need(nt.pyplot, "python3-matplotlib")
    # physical time in the unit every file states (Gyr for kpc, km/s), else as written
    units = set(lg.time_unit for lg in logs)
    unit = units.pop() if len(units) == 1 else None
    scale = unit[1] if unit else 1.0

    fig, ax = plt.subplots(figsize=(8, 4.5))
    ymin = math.inf
    restart_labelled = False
    for lg, label in zip(logs, labels_for(logs)):
        # |error| is exactly 0 at step 0 (and can be elsewhere): no place on a log axis
        pts = [(t, e) for t, e in zip(lg.time, lg.err) if e > 0 and math.isfinite(e)]
        if pts:
            t, e = zip(*pts)
            t = [v * scale for v in t]
            line, = ax.plot(t, e, lw=1.2, marker="." if len(t) < 60 else None, label=label)
            ymin = min(ymin, min(e))
        else:
            line, = ax.plot([], [], label=label + " (error 0 throughout)")
        for _, tr in lg.restarts:
            ax.axvline(tr * scale, color=line.get_color(), ls="--", lw=1, alpha=0.8,
                       label=None if restart_labelled else "restart")
            restart_labelled = True
    ax.set_yscale("log")
    if ymin == math.inf:
        ax.set_ylim(1e-17, 1)
    if unit:
        ax.set_xlabel("time [%s]" % unit[0])
    elif all(lg.nbody_units for lg in logs):
        ax.set_xlabel("time [N-body units]")
    else:
        ax.set_xlabel("time")
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
    nt.save(fig, args.output, args.dpi, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
