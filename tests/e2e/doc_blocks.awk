# doc_blocks.awk: cuts a Markdown file's fenced code blocks out for tests/e2e/e2e_docs.sh.
#   awk -v dir=DIR -f doc_blocks.awk FILE.md   (DIR must exist)
# Each ```sh (or ```bash, ```shell) block goes to DIR/K.sh, K = 1, 2, ... in file order, and
# one line is printed per block: K<TAB>LINE<TAB>STATE<TAB>TEXT, LINE being the opening
# fence's line, STATE "run" or "notrun" (TEXT: the reason), and for "run" TEXT the words of
# any `<!-- needs: WORDS -->` comment. Other fences (```text, ```console, ```python, a bare
# ```) are documentation and are not printed.
#
# The convention documents follow (docs/DESIGN.md, "Documentation"):
# - a ```sh block is typed at the top of a built source tree, `./nbody` and `nbody` both
#   work, and a file's blocks run in order in one shell (later blocks use earlier outputs);
# - `<!-- not run: REASON -->` on the line(s) just before the fence (blank lines allowed)
#   leaves the block out; the test lists it with its reason;
# - `<!-- needs: mpi -->`, `<!-- needs: python MODULE... -->` or `<!-- needs: PROGRAM -->`
#   names what a block needs beyond the plain build; mpirun, h5diff, gnuplot, tools/*.py and
#   `import X` in a heredoc are also recognised without it;
# - a large run is written with its size as `${N:-1000000}`: the test sets N=2000.
function flush_comments() { notrun = ""; needs = "" }
BEGIN { k = 0; infence = 0; flush_comments() }
{
    line = $0
    if (!infence) {
        if (match(line, /^[ \t]*(```+|~~~+)/)) {
            lead = line; sub(/[^ \t].*$/, "", lead)
            fence = substr(line, RSTART, RLENGTH); sub(/^[ \t]*/, "", fence)
            lang = substr(line, RSTART + RLENGTH); gsub(/^[ \t]+|[ \t].*$/, "", lang)
            lang = tolower(lang)
            infence = 1
            run = (lang == "sh" || lang == "bash" || lang == "shell")
            if (run) {
                k++
                out = dir "/" k ".sh"
                printf "" > out
                if (notrun != "") printf "%d\t%d\tnotrun\t%s\n", k, NR, notrun
                else printf "%d\t%d\trun\t%s\n", k, NR, needs
            }
            flush_comments()
            next
        }
        if (match(line, /^[ \t]*<!--[ \t]*not run:/)) {
            t = line; sub(/^[ \t]*<!--[ \t]*not run:[ \t]*/, "", t); sub(/[ \t]*-->[ \t]*$/, "", t)
            notrun = (t == "" ? "no reason given" : t)
            next
        }
        if (match(line, /^[ \t]*<!--[ \t]*needs:/)) {
            t = line; sub(/^[ \t]*<!--[ \t]*needs:[ \t]*/, "", t); sub(/[ \t]*-->[ \t]*$/, "", t)
            needs = needs (needs == "" ? "" : " ") t
            next
        }
        if (line !~ /^[ \t]*$/) flush_comments()
        next
    }
    # inside a fence: a line of the same fence characters (any indent) closes it
    t = line; gsub(/^[ \t]+|[ \t]+$/, "", t)
    if (index(t, fence) == 1 && t ~ /^(`+|~+)$/ && length(t) >= length(fence)) {
        infence = 0
        if (run) close(out)
        run = 0
        next
    }
    if (run) {
        if (lead != "" && index(line, lead) == 1) line = substr(line, length(lead) + 1)
        print line > out
    }
}
END { if (infence && run) printf "0\t%d\tunclosed\tfence opened at block %d\n", NR, k }
