#!/bin/sh
# End to end: a Ctrl-C in a terminal under tools/nbody-mpirun checkpoints and exits 3. The
# terminal sends SIGINT to its whole foreground process group; here the wrapper leads a
# group of its own (setsid) and the group gets SIGINT. mpirun is a stand-in with Open MPI's
# ways: it runs its arguments, forwards SIGUSR1 to them, and aborts on SIGINT, SIGTERM or
# SIGHUP (child killed, exit 1). Needs setsid and perl (else skipped, 77).
. "$SRCDIR/tests/e2e/e2e_lib.sh"
W="$SRCDIR/tools/nbody-mpirun"
if ! command -v setsid >/dev/null 2>&1 || ! command -v perl >/dev/null 2>&1; then
    echo "SKIP: needs setsid and perl"
    exit 77
fi
mkdir "$TMP/bin"
cat >"$TMP/bin/mpirun" <<'FAKE'
#!/usr/bin/perl
# Open MPI's mpirun as far as signals go (handlers installed whatever was ignored before)
my $pid = fork() // die "fork: $!";
if (!$pid) { exec @ARGV or exit 127; }
$SIG{USR1} = sub { kill 'USR1', $pid };
$SIG{$_} = sub { kill 'KILL', $pid; exit 1 } for qw(INT TERM HUP);
my $r;
do { $r = waitpid($pid, 0) } until $r == $pid;
exit($? & 127 ? 128 + ($? & 127) : $? >> 8);
FAKE
chmod +x "$TMP/bin/mpirun"

cat >"$TMP/long.cfg" <<CFG
run: { name = "ctrlc"; output_dir = "$TMP/run"; };
initial_conditions: { type = "plummer"; n = 2000; };
gravity: { kernel = "parallel"; softening = 0.01; threads = 1; };
integrator: { dt = 1.0e-3; t_end = 1000.0; };
output: { snapshot_every = 0; diagnostics_every = 100; };
CFG
# the wrapper as a terminal's foreground job: a process group of its own, SIGINT not
# ignored (a background job of this shell would start with it ignored)
MPIRUN="$TMP/bin/mpirun" setsid perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die' \
    sh "$W" "$NBODY" run "$TMP/long.cfg" >"$TMP/out" 2>"$TMP/err" &
pid=$!
i=0
while [ ! -e "$TMP/run/snapshot_0000.h5" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
check "the run under nbody-mpirun started" [ -e "$TMP/run/snapshot_0000.h5" ]
kill -INT "-$pid" # Ctrl-C: the whole foreground group
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $pid 2>/dev/null; then
    kill -KILL "-$pid"
    fail "Ctrl-C ends the run within 60 s"
fi
left=$(pgrep -f "$TMP/long.cfg")
wait $pid
rc=$?
check "Ctrl-C to nbody-mpirun's process group: exit 3 ($rc)" [ "$rc" -eq 3 ]
check "... after writing a restart snapshot ($(grep '^nbody:' "$TMP/err" | tail -1))" \
    grep -q 'wrote a restart snapshot' "$TMP/err"
check "... no process of the run left ($left)" [ -z "$left" ]
for p in $left; do kill -KILL "$p"; done # this test's own: the path is its temporary's
finish
