#!/usr/bin/env bash
# Times whole `osbundle check` commands with hyperfine, side by side in one run:
#   1. a profile tree of 10,000 files;
#   2. one loose file, process start included;
#   3. 1,000 configuration-settings files: osbundle vs check-jsonschema (PyPI) on the
#      same files and the same schema (schemas/custom-config.schema.json);
#   4. `check --deep` of a deflated zip and an RPM, beside `unzip -t` and `rpm -K` on
#      the same files (when zip and rpmbuild are installed), in MB/s of file bytes.
# Measured 2026-12-07 on 2 shared cores (load 7-8), release builds of 2b16680 and of
# the speed branch: tree of 9,800 small driver zips, paired median wall ratio 1.96
# (CPU 2.09), 2.11 (CPU 2.08) on a second run; 680 MB deflated zip: ours 0.94 s CPU,
# 1.27 s wall; unzip -t 5.82 s CPU, 9.21 s wall; 524 MB RPM: ours 1.03 s CPU, 1.30 s wall
# (MD5 0.71 s of it); rpm -K 1.16 s CPU, 1.85 s wall.
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

# 4. Deep checks beside their peers.
if need zip && need unzip; then
  mkdir -p "$work/deep/src"
  python3 - "$work/deep/src" <<'PY'
import os, random, sys
random.seed(1)
words = [f"word{i}" for i in range(5000)]
for i in range(48):
    path = f"{sys.argv[1]}/f{i:02}"
    if i % 2:
        data = os.urandom(1 << 20) + bytes(1 << 20)
    else:
        data = " ".join(random.choice(words) for _ in range(600000)).encode()
    open(path, "wb").write(data)
PY
  (cd "$work/deep" && zip -q -r big.zip src)
  runs=(-n "check --deep zip" "$bin check -q --deep --kind software $work/deep/big.zip"
        -n "unzip -t" "unzip -tq $work/deep/big.zip")
  if need rpmbuild && need rpm; then
    top=$work/deep/rpm
    mkdir -p "$top/SPECS"
    cat > "$top/SPECS/big.spec" <<'SPEC'
Name: bigpayload
Version: 1.0
Release: 1
Summary: benchmark package
License: MIT
BuildArch: noarch
%define _binary_payload w1.gzdio
%define __os_install_post %{nil}
%define _build_id_links none
%description
benchmark
%install
mkdir -p %{buildroot}/opt/big
for i in 1 2 3 4; do head -c 33554432 /dev/urandom > %{buildroot}/opt/big/blob$i; done
%files
/opt/big
SPEC
    rpmbuild --quiet --define "_topdir $top" -bb "$top/SPECS/big.spec" >/dev/null 2>&1
    pkg=$(find "$top/RPMS" -name '*.rpm' | head -1)
    runs+=(-n "check --deep rpm" "$bin check -q --deep --kind driver --os rhels --release 7.5 $pkg"
           -n "rpm -K" "rpm -K $pkg")
  fi
  echo "== --deep beside unzip -t and rpm -K"
  hyperfine --warmup 1 --min-runs 5 -i --export-json "$work/deep.json" "${runs[@]}"
  python3 - "$work/deep.json" "$work/deep/big.zip" "${pkg:-}" <<'PY'
import json, os, sys
sizes = {"zip": os.path.getsize(sys.argv[2])}
if sys.argv[3]:
    sizes["rpm"] = os.path.getsize(sys.argv[3])
for r in json.load(open(sys.argv[1]))["results"]:
    key = "rpm" if "rpm" in r["command"] else "zip"
    mb = sizes[key] / 1e6
    cpu = r["user"] + r["system"]
    print(f"{r['command']}: {mb / r['mean']:.0f} MB/s wall, {mb / cpu:.0f} MB/s of CPU time")
PY
fi
