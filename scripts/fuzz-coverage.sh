#!/usr/bin/env bash
# Which lines of the library a fuzz target's corpus reaches: runs every input of the
# corpus through a coverage build of the target (`cargo fuzz coverage`) and prints,
# per source file of the library, lines and regions covered, then the totals of the
# bundle reader (src/bundle/{verify,stream,extract,tar,gzip,sums}.rs, layout/).
#
#   scripts/fuzz-coverage.sh TARGET [CORPUS_DIR...]
#
# Without CORPUS_DIR, the target's own corpus (fuzz/corpus/TARGET). To compare two
# targets, run it for each: the figures are lines of the same source files.
# Needs nightly, cargo-fuzz and the nightly llvm-tools
# (`rustup component add llvm-tools-preview --toolchain nightly`).
# Environment: FILTER (regular expression on source paths, default src/).
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
root=$PWD

target=${1:-}
if [ -z "$target" ]; then
    echo "usage: scripts/fuzz-coverage.sh TARGET [CORPUS_DIR...]" >&2
    exit 2
fi
shift
sysroot=$(rustc +nightly --print sysroot)
triple=$(rustc +nightly -vV | sed -n 's/^host: //p')
llvm_cov=$sysroot/lib/rustlib/$triple/bin/llvm-cov
if [ ! -x "$llvm_cov" ]; then
    echo "fuzz-coverage.sh: needs the nightly llvm-tools:" >&2
    echo "  rustup component add llvm-tools-preview --toolchain nightly" >&2
    exit 2
fi
corpora=("$@")
if [ ${#corpora[@]} -eq 0 ]; then
    corpora=("$root/fuzz/corpus/$target")
fi
for i in "${!corpora[@]}"; do
    c=${corpora[$i]}
    case $c in /*) ;; *) c=$caller/$c ;; esac
    if [ ! -d "$c" ]; then
        echo "fuzz-coverage.sh: ${corpora[$i]}: no such folder" >&2
        exit 2
    fi
    corpora[$i]=$c
done

cd fuzz
inputs=$(find "${corpora[@]}" -maxdepth 1 -type f | wc -l)
echo "== $target: $inputs inputs" >&2
nice -n 19 cargo +nightly fuzz coverage "$target" "${corpora[@]}" >&2
profdata=$root/fuzz/coverage/$target/coverage.profdata
binary=$root/fuzz/target/$triple/coverage/$triple/release/$target
json=$root/fuzz/coverage/$target/summary.json
"$llvm_cov" export -summary-only -instr-profile="$profdata" "$binary" >"$json"

python3 - "$json" "$root" "${FILTER:-src/}" "$target" "$inputs" <<'EOF'
import json, re, sys

summary, root, pattern, target, inputs = sys.argv[1:]
files = []
for data in json.load(open(summary))["data"]:
    for f in data["files"]:
        name = f["filename"]
        if not name.startswith(root + "/src/"):
            continue
        rel = name[len(root) + 1:]
        if re.search(pattern, rel):
            files.append((rel, f["summary"]))
files.sort()
reader = re.compile(r"^src/bundle/(verify|stream|extract|tar|gzip|sums)\.rs$|^src/bundle/layout/")
print(f"{target}: {inputs} inputs")
print(f"{'file':<40} {'lines':>7} {'covered':>8} {'%':>6} {'regions':>8} {'covered':>8} {'%':>6}")
totals = [0, 0, 0, 0]
for rel, s in files:
    l, r = s["lines"], s["regions"]
    print(f"{rel:<40} {l['count']:>7} {l['covered']:>8} {l['percent']:>6.1f} "
          f"{r['count']:>8} {r['covered']:>8} {r['percent']:>6.1f}")
    if reader.search(rel):
        totals[0] += l["count"]; totals[1] += l["covered"]
        totals[2] += r["count"]; totals[3] += r["covered"]
if totals[0]:
    print(f"{'= bundle reader (see above)':<40} {totals[0]:>7} {totals[1]:>8} "
          f"{100 * totals[1] / totals[0]:>6.1f} {totals[2]:>8} {totals[3]:>8} "
          f"{100 * totals[3] / totals[2]:>6.1f}")
EOF
