#!/usr/bin/env bash
# Measures `osbundle build` and `osbundle verify` beside the reference tools and, with
# --baseline BIN, beside another osbundle binary (the last release, or main), on the
# same profile, and prints each figure as a ratio:
#   build             vs  tar -cf - DIR | pigz -p JOBS -6    (wall, CPU, output size)
#   verify (sidecar)  vs  pigz -dc BUNDLE, gzip -dc BUNDLE | sha256sum
#   verify --key      vs  pigz -dc BUNDLE                   (minisign signature checked)
#   verify foreign    vs  pigz -dc                          (a `tar czf` of the profile)
#   peak RSS of each verify; with BENCH_BIG=1 a multi-GiB bundle (BENCH_BIG_GIB, 3).
# Runs are paired and interleaved (scripts/bench-pairs.py: every round runs every
# command once, in a rotated order, after one warm-up round) and figures are medians
# of RUNS rounds, so that a noisy, shared machine moves both sides alike. With
# --baseline, a figure of this build more than 5 % above the baseline's is marked
# SLOWER and the script exits 1: run it before a change to bundle/ lands.
#
# Usage: scripts/bench-bundle.sh [--baseline BIN] [--runs N] [--bin BIN]
#   --bin BIN   the binary measured (default: `cargo build --release` of this tree)
# Environment: BENCH_DIR (default /tmp/osbundle-bench), BENCH_MIB (default 256),
# BENCH_RUNS (default 5), BENCH_JOBS (default 2).
# Needs pigz and python3 (keys and signatures are made with osbundle keygen and sign).
set -euo pipefail

cd "$(dirname "$0")/.."
DIR=${BENCH_DIR:-/tmp/osbundle-bench}
MIB=${BENCH_MIB:-256}
RUNS=${BENCH_RUNS:-5}
JOBS=${BENCH_JOBS:-2}
BASE=
BIN=
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline) BASE=$(realpath "${2:?--baseline needs a binary}"); shift 2 ;;
    --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
    --bin) BIN=$(realpath "${2:?--bin needs a binary}"); shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "bench-bundle.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
command -v pigz >/dev/null || { echo "bench-bundle.sh: needs pigz (.ci/install-peers)" >&2; exit 2; }
export SOURCE_DATE_EPOCH=1482113961

if [ -z "$BIN" ]; then
  cargo build --release --locked --quiet
  BIN=$(realpath "${CARGO_TARGET_DIR:-target}/release/osbundle")
fi
mkdir -p "$DIR"
P="$DIR/profile"
scripts/make-bench-profile.sh "$P" "$MIB"
SIZE=$(du -sb --exclude='.done-*' "$P" | cut -f1)
echo "profile: $P, $((SIZE / 1048576)) MiB; $RUNS paired rounds; binary $BIN${BASE:+, baseline $BASE}; load $(cut -d' ' -f1 /proc/loadavg)"

OUT="$DIR/out"
rm -rf "$OUT"; mkdir -p "$OUT/new" "$OUT/base" "$OUT/key"
NAME=2016121921921_bench-profile.tar.gz
B="$OUT/new/$NAME"
REF="$OUT/ref.tar.gz"
FOREIGN="$OUT/foreign.tar.gz"
if ! built=$("$BIN" build -q --jobs "$JOBS" -o "$OUT/new" "$P" 2>&1); then
  printf '%s\n' "$built" >&2
  echo "bench-bundle.sh: $BIN cannot build the bench profile (above); nothing measured" >&2
  exit 2
fi
tar czf "$FOREIGN" --exclude='.done-*' -C "$(dirname "$P")" "$(basename "$P")"
"$BIN" keygen -q --unencrypted --force -p "$OUT/key/k.pub" -s "$OUT/key/k.key" >/dev/null
"$BIN" sign -q --key "$OUT/key/k.key" "$B" >/dev/null

pairs() { python3 scripts/bench-pairs.py "$RUNS" "$@"; }
build_cmds=(new="$BIN build -q --overwrite --jobs $JOBS -o $OUT/new $P"
            tar-pigz="tar -cf - -C $P . | pigz -p $JOBS -6 > $REF")
verify_cmds=(new="$BIN verify -q $B" pigz-dc="pigz -dc $B"
             gzip-sha256sum="gzip -dc $B | sha256sum")
key_cmds=(new="$BIN verify -q --key $OUT/key/k.pub $B" pigz-dc="pigz -dc $B")
foreign_cmds=(new="$BIN verify -q $FOREIGN" pigz-dc="pigz -dc $FOREIGN")
if [ -n "$BASE" ]; then
  "$BASE" build -q --jobs "$JOBS" -o "$OUT/base" "$P" >/dev/null
  build_cmds+=(base="$BASE build -q --overwrite --jobs $JOBS -o $OUT/base $P")
  verify_cmds+=(base="$BASE verify -q $B")
  key_cmds+=(base="$BASE verify -q --key $OUT/key/k.pub $B")
  foreign_cmds+=(base="$BASE verify -q $FOREIGN")
fi
pairs "$DIR/build.json" "${build_cmds[@]}"
pairs "$DIR/verify.json" "${verify_cmds[@]}"
pairs "$DIR/key.json" "${key_cmds[@]}"
pairs "$DIR/foreign.json" "${foreign_cmds[@]}"

# The outputs of the two binaries, and what each verify says (identical unless the
# change means to differ).
same_bytes=-
same_output=-
if [ -n "$BASE" ]; then
  cmp -s "$B" "$OUT/base/$NAME" && same_bytes=yes || same_bytes=NO
  same_output=yes
  for args in "$B" "--key $OUT/key/k.pub $B" "$FOREIGN" "--format json $B"; do
    # shellcheck disable=SC2086
    if ! diff <("$BIN" verify $args 2>&1) <("$BASE" verify $args 2>&1) >/dev/null; then
      same_output="NO (verify $args)"
    fi
  done
fi

status=0
python3 - "$DIR" "$B" "$REF" "$same_bytes" "$same_output" <<'PY' || status=$?
import json, os, sys
d, b, ref, same_bytes, same_output = sys.argv[1:6]
load = lambda n: json.load(open(os.path.join(d, n)))
groups = {"build": load("build.json"), "verify": load("verify.json"),
          "verify --key": load("key.json"), "verify foreign": load("foreign.json")}
slower = []
def ratio(a, b):
    return a / b if b else float("nan")
print()
print(f"{'':16} {'wall s':>8} {'cpu s':>8} {'RSS MiB':>8}   ratios (wall)")
for group, r in groups.items():
    new = r["new"]
    for name, x in r.items():
        label = f"{group} {name}" if name != "new" else group
        line = f"{label:24.24} {x['wall']:8.3f} {x['cpu']:8.3f} {x['rss'] / 1048576:8.1f}"
        if name == "new":
            peers = [(n, y) for n, y in r.items() if n not in ("new", "base")]
            line += "   " + "  ".join(f"/{n} {ratio(new['wall'], y['wall']):.2f}" for n, y in peers)
            if "base" in r:
                base = r["base"]
                # The median of the per-round ratios: both ran in the same round.
                rounds = sorted(ratio(a, b) for a, b in zip(new["walls"], base["walls"]))
                paired = rounds[len(rounds) // 2]
                cpu = ratio(new["cpu"], base["cpu"])
                rss = ratio(new["rss"], base["rss"])
                line += f"  /baseline wall {paired:.2f} cpu {cpu:.2f} rss {rss:.2f}"
                for what, v in (("wall", paired), ("cpu", cpu), ("rss", rss)):
                    if v > 1.05:
                        slower.append(f"{group} {what} {v:.2f}x the baseline")
        print(line)
sb, sr = os.path.getsize(b), os.path.getsize(ref)
print(f"size    osbundle {sb} bytes  tar|pigz {sr} bytes  ratio {sb / sr:.4f}")
bu = groups["build"]
def goal(group, peer, what):
    g = groups[group]
    return ratio(g["new"][what], g[peer][what])
for what in ("wall", "cpu"):
    print(f"goals   {what:4} build / tar|pigz {goal('build', 'tar-pigz', what):.2f} (<= 0.6)"
          f"  verify / pigz -dc {goal('verify', 'pigz-dc', what):.2f} (<= 0.6)"
          f"  --key {goal('verify --key', 'pigz-dc', what):.2f} (<= 0.6)"
          f"  foreign {goal('verify foreign', 'pigz-dc', what):.2f} (<= 0.6)")
print(f"goals   verify peak RSS {max(g['new']['rss'] for k, g in groups.items() if k != 'build') / 1048576:.1f} MiB (<= 32)")
print(f"load    {open('/proc/loadavg').read().split()[0]} at the end (a wall figure means little above the number of cores)")
if same_bytes != "-":
    print(f"baseline  same bundle bytes: {same_bytes}; same verify output: {same_output}")
if "base" in bu and bu["base"]:
    sbase = os.path.getsize(os.path.join(os.path.dirname(os.path.dirname(b)), "base", os.path.basename(b)))
    print(f"baseline  size ratio {sb / sbase:.4f}")
    if sb / sbase > 1.05:
        slower.append(f"bundle size {sb / sbase:.2f}x the baseline")
for s in slower:
    print(f"SLOWER  {s}")
sys.exit(1 if slower else 0)
PY

rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'; }
if [ "${BENCH_BIG:-0}" = 1 ]; then
  GIB=${BENCH_BIG_GIB:-3}
  BIG="$DIR/big-profile"
  rm -rf "$BIG"; mkdir -p "$BIG/drivers" "$BIG/software"
  cp "$P/profile.json" "$BIG/"
  sed -i 's/bench-profile/big-profile/' "$BIG/profile.json"
  # Hard links of the 16 MiB payloads, renamed, up to $GIB GiB.
  n=0; total=0
  while [ $total -lt $((GIB * 1024)) ]; do
    for f in "$P"/drivers/* "$P"/software/*; do
      [ $total -ge $((GIB * 1024)) ] && break
      ln "$f" "$BIG/$(basename "$(dirname "$f")")/copy-$n-$(basename "$f")"
      n=$((n + 1)); total=$((total + 16))
    done
  done
  BB="$OUT/new/2016121921921_big-profile.tar.gz"
  start=$(date +%s.%N)
  "$BIN" build -q --jobs "$JOBS" -o "$OUT/new" "$BIG"
  end=$(date +%s.%N)
  echo
  echo "big     $((total / 1024)) GiB profile built in $(python3 -c "print(f'{$end - $start:.1f}')")s, bundle $(($(stat -c %s "$BB") / 1048576)) MiB"
  start=$(date +%s.%N)
  BRSS=$(rss "$BIN" verify -q "$BB")
  end=$(date +%s.%N)
  echo "big     verify $(python3 -c "print(f'{$end - $start:.1f}')")s, peak RSS $((BRSS / 1024)) MiB  (goal <= 32 MiB)"
  rm -rf "$BIG" "$BB" "$BB.sha256"
fi
exit $status
