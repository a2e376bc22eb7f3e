#!/usr/bin/env bash
# Times whole `osbundle check` commands with hyperfine, side by side in one run:
#   1. a profile tree of 10,000 files;
#   2. one loose file, process start included;
#   3. 1,000 configuration-settings files: osbundle vs check-jsonschema (PyPI) on the
#      same files and the same schema (schemas/custom-config.schema.json).
# Prints ratios; absolute times on a shared machine mean little on their own.
# Installs hyperfine (apt) and check-jsonschema (pip) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine; then
  (apt-get update -qq && apt-get install -y -qq hyperfine) >/dev/null
fi
if ! need check-jsonschema; then
  python3 -m pip install --quiet check-jsonschema
fi

cargo build --release --locked --quiet
bin=$PWD/target/release/osbundle
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. 100 profiles x 100 files.
for p in $(seq -w 0 99); do
  d=$work/tree/profile-$p
  mkdir -p "$d"/drivers "$d"/software "$d"/config
  printf '{"name": "p%s", "os": "win", "release": "2016"}\n' "$p" > "$d/profile.json"
  for f in $(seq -w 0 95); do : > "$d/drivers/nic-$f.zip"; done
  : > "$d/software/tools.zip"
  : > "$d/software/setup.zip"
  cp testdata/config/reference-corrected.json "$d/config/settings.json"
done
files=$(find "$work/tree" -type f | wc -l)

# 2. One loose file.
: > "$work/nic.zip"

# 3. 1,000 distinct, valid config files.
mkdir -p "$work/configs"
python3 - "$work/configs" <<'PY'
import json, sys, copy
base = json.load(open("testdata/config/reference-corrected.json"))
for i in range(1000):
    t = copy.deepcopy(base)
    t["name"] = f"deploy{i}"
    t["content"][2]["value"] = f"/var/log/deploy-{i}.log"
    t["content"][1]["maxElements"] = 1 + i % 7
    json.dump(t, open(f"{sys.argv[1]}/settings-{i:04}.json", "w"), indent=2)
PY

echo "== check: $files files, and one file"
hyperfine --warmup 2 --min-runs 10 -N \
  --export-json "$work/check.json" \
  -n "check tree ($files files)" "$bin check -q $work/tree" \
  -n "check one file" "$bin check -q --kind driver --os win --release 2016 $work/nic.zip" \
  || true

echo "== 1,000 config files: osbundle vs check-jsonschema"
hyperfine --warmup 1 --min-runs 5 \
  --export-json "$work/config.json" \
  -n "osbundle" "$bin check -q --kind config $work/configs" \
  -n "check-jsonschema" "check-jsonschema --schemafile schemas/custom-config.schema.json $work/configs/*.json"

python3 - "$work/check.json" "$work/config.json" <<'PY'
import json, sys
check = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
conf = {r["command"]: r for r in json.load(open(sys.argv[2]))["results"]}
for name, r in check.items():
    print(f"{name}: mean {r['mean']*1000:.1f} ms (+/- {r['stddev']*1000:.1f})")
ratio = conf["check-jsonschema"]["mean"] / conf["osbundle"]["mean"]
print(f"1,000 config files: osbundle {conf['osbundle']['mean']*1000:.0f} ms, "
      f"check-jsonschema {conf['check-jsonschema']['mean']*1000:.0f} ms: "
      f"osbundle is {ratio:.1f} times faster")
PY
