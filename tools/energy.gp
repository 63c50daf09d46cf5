# energy.gp: |rel_energy_error| against time on a log axis from nbody energy.csv files,
# one curve per run labelled with its "# name:" comment, restarts as dashed vertical lines.
#   gnuplot -e "file='outputs/quickstart/energy.csv'; out='energy.png'" tools/energy.gp
# file may list several logs separated by spaces (paths without spaces); out defaults to
# energy.png. Needs a POSIX shell and sed (for the "# name:" and "# restart:" comments).

if (!exists("file")) {
    print "energy.gp: set file, e.g. gnuplot -e \"file='outputs/quickstart/energy.csv'; out='energy.png'\" energy.gp"
    exit status 2
}
if (!exists("out")) out = "energy.png"

nfiles = words(file)
if (nfiles == 0) {
    print "energy.gp: file is empty"
    exit status 2
}
do for [i = 1:nfiles] {
    f = word(file, i)
    if (system(sprintf("test -r '%s' && echo ok", f)) ne "ok") {
        print sprintf("energy.gp: %s: cannot read the file", f)
        exit status 2
    }
}

# pngcairo where gnuplot has it (gnuplot-nox does), else libgd's png
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo size 800,450 enhanced font ",10"
} else {
    set terminal png size 800,450
}
set output out

set datafile separator ","
set datafile commentschars "#"
set datafile columnheaders
set logscale y
set format y "10^{%L}"
set xlabel "time"
set ylabel "|relative energy error|  |E - E0| / |E0|"
set grid
set autoscale xfix
set key top left reverse Left box opaque noautotitle
set title "energy conservation"

# restarts: every "# restart: step S time T" line of every file, as vertical lines
nrestarts = 0
do for [i = 1:nfiles] {
    f = word(file, i)
    times = system(sprintf("sed -n 's/^# restart: step [0-9]* time //p' '%s'", f))
    do for [j = 1:words(times)] {
        t = word(times, j) + 0.0
        set arrow from t, graph 0 to t, graph 1 nohead dashtype 2 linewidth 1.2 linecolor i
        nrestarts = nrestarts + 1
    }
}
label(f) = system(sprintf("sed -n '/^step,/q;s/^# name: //p' '%s' | head -n 1", f))
title_of(f) = (strlen(label(f)) > 0 ? label(f) : f)
nonzero(e) = (abs(e) > 0 ? abs(e) : NaN)   # step 0 has error 0: no place on a log axis

plot for [i = 1:nfiles] word(file, i) \
         using "time":(nonzero(column("rel_energy_error"))) \
         with lines linewidth 1.5 linecolor i title title_of(word(file, i)) noenhanced, \
     keyentry with lines dashtype 2 linecolor rgb "gray40" \
         title (nrestarts > 0 ? "restart" : "")
