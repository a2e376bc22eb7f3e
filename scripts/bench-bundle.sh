#!/usr/bin/env bash
# Measures `osbundle build` and `osbundle verify` side by side with the reference
# tools, in one run, and prints the ratios the bundle issue asks for:
#   build  vs  tar -cf - DIR | pigz -p 2 -6          (time, output size)
#   verify vs  pigz -dc BUNDLE > /dev/null, gzip -dc BUNDLE | sha256sum
#   peak RSS of verify (/usr/bin/time -v) for a ~256 MiB bundle and, with
#   BENCH_BIG=1, a multi-GiB one (BENCH_BIG_GIB, default 3).
# Needs pigz, hyperfine and GNU time; installs them with apt-get only when missing.
# Environment: BENCH_DIR (default /tmp/osbundle-bench), BENCH_MIB (default 256),
# BENCH_RUNS (default 5), BENCH_JOBS (default 2).
set -euo pipefail

cd "$(dirname "$0")/.."
DIR=${BENCH_DIR:-/tmp/osbundle-bench}
MIB=${BENCH_MIB:-256}
RUNS=${BENCH_RUNS:-5}
JOBS=${BENCH_JOBS:-2}
export SOURCE_DATE_EPOCH=1482113961

need=()
command -v pigz >/dev/null || need+=(pigz)
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi

cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/osbundle
mkdir -p "$DIR"
P="$DIR/profile"

# A profile of about $MIB MiB of semi-compressible content: a mix of random bytes,
# base64 text and repeated records, in files of 16 MiB (drivers and software).
if [ ! -f "$P/.done-$MIB" ]; then
  rm -rf "$P"
  mkdir -p "$P/drivers" "$P/software" "$P/scripts"
  cat > "$P/profile.json" <<'JSON'
{"name": "bench-profile", "os": "win", "release": "2016",
 "baseProfile": "win2016|win2016-x86_64-install-Standard_core"}
JSON
  echo 'Write-Host "#predefined.globalSettings.ipAssignment#"' > "$P/scripts/post.ps1"
  python3 - "$P" "$MIB" <<'PY'
import base64, os, random, sys
root, mib = sys.argv[1], int(sys.argv[2])
rng = random.Random(42)
words = [b"driver", b"lenovo", b"xclarity", b"firmware", b"version=1.2.3", b"\r\n", b"<inf>", b"storage"]
files = max(1, mib // 16)
for i in range(files):
    folder = "drivers" if i % 2 == 0 else "software"
    with open(os.path.join(root, folder, f"payload-{i:03}.zip"), "wb") as f:
        left = 16 << 20
        while left > 0:
            kind = rng.random()
            if kind < 0.30:
                chunk = os.urandom(64 << 10)
            elif kind < 0.65:
                chunk = base64.b64encode(os.urandom(48 << 10))
            else:
                chunk = b" ".join(rng.choice(words) for _ in range(12000))[: 64 << 10]
            chunk = chunk[:left]
            f.write(chunk)
            left -= len(chunk)
PY
  touch "$P/.done-$MIB"
fi
SIZE=$(du -sb --exclude=.done-* "$P" | cut -f1)
echo "profile: $P, $((SIZE / 1048576)) MiB"

OUT="$DIR/out"
rm -rf "$OUT"; mkdir -p "$OUT"
B="$OUT/2016121921921_bench-profile.tar.gz"
REF="$OUT/ref.tar.gz"

hyperfine --warmup 1 --runs "$RUNS" --export-json "$DIR/build.json" \
  -n osbundle-build "$BIN build -q --jobs $JOBS -o $OUT $P" \
  -n tar-pigz "tar -cf - -C $P . | pigz -p $JOBS -6 > $REF"

hyperfine --warmup 1 --runs "$RUNS" --export-json "$DIR/verify.json" \
  -n osbundle-verify "$BIN verify -q $B" \
  -n pigz-dc "pigz -dc $B > /dev/null" \
  -n gzip-dc-sha256sum "gzip -dc $B | sha256sum"

rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}'; }
RSS=$(rss "$BIN" verify -q "$B")

python3 - "$DIR" "$B" "$REF" "$RSS" <<'PY'
import json, os, sys
d, b, ref, rss = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def means(name):
    return {r["command"]: r["mean"] for r in json.load(open(os.path.join(d, name)))["results"]}
bu, ve = means("build.json"), means("verify.json")
sb, sr = os.path.getsize(b), os.path.getsize(ref)
print()
print(f"build   osbundle {bu['osbundle-build']:.3f}s  tar|pigz {bu['tar-pigz']:.3f}s  "
      f"speed ratio (pigz/osbundle) {bu['tar-pigz'] / bu['osbundle-build']:.2f}x  (goal >= 1.0, aim 1.5)")
print(f"size    osbundle {sb} bytes  tar|pigz {sr} bytes  size ratio {sb / sr:.4f}  (goal <= 1.01)")
print(f"verify  osbundle {ve['osbundle-verify']:.3f}s  pigz -dc {ve['pigz-dc']:.3f}s  "
      f"time ratio (osbundle/pigz) {ve['osbundle-verify'] / ve['pigz-dc']:.2f}  (goal <= 1.25, aim 1.1)")
print(f"verify  vs gzip -dc | sha256sum {ve['gzip-dc-sha256sum']:.3f}s  "
      f"time ratio {ve['osbundle-verify'] / ve['gzip-dc-sha256sum']:.2f}  (goal < 1)")
print(f"verify  peak RSS {rss / 1024:.1f} MiB  (goal < 64 MiB)")
PY

if [ "${BENCH_BIG:-0}" = 1 ]; then
  GIB=${BENCH_BIG_GIB:-3}
  BIG="$DIR/big-profile"
  rm -rf "$BIG"; mkdir -p "$BIG/drivers" "$BIG/software"
  cp "$P/profile.json" "$BIG/"
  sed -i 's/bench-profile/big-profile/' "$BIG/profile.json"
  # Hard links of the 16 MiB payloads, renamed, up to $GIB GiB.
  n=0; total=0
  while [ $total -lt $((GIB * 1024)) ]; do
    for f in "$P"/drivers/*.zip "$P"/software/*.zip; do
      [ $total -ge $((GIB * 1024)) ] && break
      ln "$f" "$BIG/$(basename "$(dirname "$f")")/copy-$n-$(basename "$f")"
      n=$((n + 1)); total=$((total + 16))
    done
  done
  BB="$OUT/2016121921921_big-profile.tar.gz"
  start=$(date +%s.%N)
  "$BIN" build -q --jobs "$JOBS" -o "$OUT" "$BIG"
  end=$(date +%s.%N)
  echo
  echo "big     $((total / 1024)) GiB profile built in $(python3 -c "print(f'{$end - $start:.1f}')")s, bundle $(($(stat -c %s "$BB") / 1048576)) MiB"
  start=$(date +%s.%N)
  BRSS=$(rss "$BIN" verify -q "$BB")
  end=$(date +%s.%N)
  echo "big     verify $(python3 -c "print(f'{$end - $start:.1f}')")s, peak RSS $((BRSS / 1024)) MiB  (goal < 64 MiB)"
  rm -rf "$BIG" "$BB" "$BB.sha256"
fi
