#!/bin/sh
# doc_links.sh DIR: every relative link and picture in DIR/README.md and DIR/docs/*.md
# names a file that exists beside it, and a #section one of that file's headings (GitHub's
# anchors). Run on the source tree by e2e_docs.sh and on the installed documents by
# `make installcheck` (so distcheck proves the installed links resolve). Prints each broken
# link as FILE:LINE: TARGET and exits 1 if there is one.
dir=${1:?usage: doc_links.sh DIR}
bad=0
for md in "$dir/README.md" "$dir"/docs/*.md; do
    [ -f "$md" ] || continue
    base=$(dirname "$md")
    # one "LINE TARGET" per link: [text](target) and ![alt](target), code spans left out
    awk '
        /^[ \t]*(```|~~~)/ { fence = !fence; next }
        fence { next }
        {
            s = $0
            gsub(/`[^`]*`/, "", s)
            while (match(s, /\]\([^) \t]+\)/)) {
                t = substr(s, RSTART + 2, RLENGTH - 3)
                print NR " " t
                s = substr(s, RSTART + RLENGTH)
            }
        }' "$md" >"${TMPDIR:-/tmp}/doc_links.$$"
    while read -r line target; do
        case $target in
            http://* | https://* | mailto:*) continue ;;
        esac
        file=${target%%#*}
        anchor=""
        case $target in *'#'*) anchor=${target#*#} ;; esac
        if [ -z "$file" ]; then path=$md; else path="$base/$file"; fi
        if [ ! -e "$path" ]; then
            echo "${md#"$dir"/}:$line: $target: no such file"
            bad=1
            continue
        fi
        if [ -n "$anchor" ]; then
            # GitHub's heading anchors: lower case, punctuation but - and _ dropped,
            # spaces to -
            if ! sed -n 's/^#\{1,6\}[ \t]\{1,\}//p' "$path" |
                tr 'A-Z' 'a-z' | sed 's/[^a-z0-9 _-]//g; s/ /-/g' | grep -qx -- "$anchor"; then
                echo "${md#"$dir"/}:$line: $target: no heading for #$anchor"
                bad=1
            fi
        fi
    done <"${TMPDIR:-/tmp}/doc_links.$$"
    rm -f "${TMPDIR:-/tmp}/doc_links.$$"
done
exit $bad
