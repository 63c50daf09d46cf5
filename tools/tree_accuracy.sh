#!/bin/sh
# The tree's median force error per opening test and N, as a Markdown table, from `nbody
# bench --ics plummer` (docs/tree.md "Relative opening criterion"): one row per N, for each
# gravity.force_accuracy (--opening relative) and each opening angle (geometric) the median
# relative error over 1000 targets against a direct sum, the interactions per target and
# the seconds of one evaluation, all from one bench run (so the times are comparable).
#   tools/tree_accuracy.sh [--n N]... [--alpha A]... [--theta T]... [--threads K]
# Defaults: N = 1e4 1e5 1e6 4e6, alpha = 0.02 0.005 0.001 0.0002, theta = 0.5 0.7,
# 2 threads. NBODY names the program (default: nbody on PATH).
set -eu
NBODY=${NBODY:-nbody}
ns="" alphas="" thetas="" threads=2
while [ $# -gt 0 ]; do
    case $1 in
    --n) ns="$ns --n $2" ;;
    --alpha) alphas="$alphas --force-accuracy $2" ;;
    --theta) thetas="$thetas --opening-angle $2" ;;
    --threads) threads=$2 ;;
    -h | --help)
        sed -n '2,9s/^# \{0,1\}//p' "$0"
        exit 0
        ;;
    *)
        echo "tree_accuracy.sh: unknown argument '$1' (expected --n, --alpha, --theta or --threads)" >&2
        exit 2
        ;;
    esac
    [ $# -ge 2 ] || { echo "tree_accuracy.sh: $1 needs a value" >&2; exit 2; }
    shift 2
done
[ -n "$ns" ] || ns="--n 10000 --n 100000 --n 1000000 --n 4000000"
[ -n "$alphas" ] || alphas="--force-accuracy 0.02 --force-accuracy 0.005 --force-accuracy 0.001 --force-accuracy 0.0002"
[ -n "$thetas" ] || thetas="--opening-angle 0.5 --opening-angle 0.7"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# shellcheck disable=SC2086
"$NBODY" bench --kernel tree --ics plummer --threads "$threads" --repeats 1 $ns \
    --opening geometric --opening relative $thetas $alphas >"$out"
echo "# $(head -1 "$out" | sed 's/^# //'); $threads threads"
echo "# cell: median error / interactions per target / seconds of one evaluation"
awk '
/^kernel=tree/ {
    n = ""; col = ""; err = ""; it = ""; sec = ""
    for (i = 1; i <= NF; i++) {
        split($i, kv, "=")
        if (kv[1] == "n") n = kv[2]
        else if (kv[1] == "alpha") col = "alpha " kv[2]
        else if (kv[1] == "theta" && col == "") col = "theta " kv[2]
        else if (kv[1] == "median_rel_error") err = kv[2]
        else if (kv[1] == "interactions_per_target") it = kv[2]
        else if (kv[1] == "seconds") sec = kv[2]
    }
    if (!(n in seen_n)) { seen_n[n] = 1; rows[++nr] = n }
    if (!(col in seen_c)) { seen_c[col] = 1; cols[++nc] = col }
    cell[n, col] = sprintf("%.2e / %s / %.3g", err, it, sec)
}
END {
    line = "| N |"; rule = "|---|"
    for (c = 1; c <= nc; c++) { line = line " " cols[c] " |"; rule = rule "---|" }
    print line; print rule
    for (r = 1; r <= nr; r++) {
        line = "| " rows[r] " |"
        for (c = 1; c <= nc; c++) line = line " " cell[rows[r], cols[c]] " |"
        print line
    }
}' "$out"
