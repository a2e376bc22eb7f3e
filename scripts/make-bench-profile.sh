#!/usr/bin/env bash
# Makes the benchmark profile of the bundle issue: about MIB MiB (default 256) in
# files of 16 MiB, half random driver payloads (drivers/, incompressible) and half
# text (software/, log- and INF-like lines, about 5:1 under deflate -6), plus a
# profile.json and a script. Each payload is a valid zip of stored members (what a
# win profile's drivers and software are; a driver zip holds its .inf beside the
# random payload, as LXCA takes Windows drivers). Deterministic (fixed seeds and
# zip dates): the same bytes every time.
# Usage: scripts/make-bench-profile.sh DIR [MIB]. Does nothing when DIR already
# holds a profile of that size made by this script.
set -euo pipefail
P=${1:?usage: make-bench-profile.sh DIR [MIB]}
MIB=${2:-256}
if [ -f "$P/.done-inf-$MIB" ]; then
  exit 0
fi
rm -rf "$P"
mkdir -p "$P/drivers" "$P/software" "$P/scripts"
cat > "$P/profile.json" <<'JSON'
{"name": "bench-profile", "os": "win", "release": "2016",
 "baseProfile": "win2016|win2016-x86_64-install-Standard_core"}
JSON
echo 'Write-Host "#predefined.globalSettings.ipAssignment#"' > "$P/scripts/post.ps1"
python3 - "$P" "$MIB" <<'PY'
import os, random, sys, zipfile
root, mib = sys.argv[1], int(sys.argv[2])
FILE = 16 << 20
files = max(2, mib // 16)
words = ["driver", "lenovo", "xclarity", "firmware", "storage", "network", "[Version]",
         "Signature=\"$Windows NT$\"", "Class=Net", "Provider=%Lenovo%", "DriverVer=",
         "CatalogFile=", "HKR,Ndi\\params", "0x00000001", "REG_DWORD", "install", "INFO",
         "WARN", "service", "started", "completed", "bytes", "offset", "device", "PCI\\VEN_8086"]
for i in range(files):
    rng = random.Random(1000 + i)
    if i % 2 == 0:
        path = os.path.join(root, "drivers", f"payload-{i:03}.zip")
        member = f"payload-{i:03}.bin"
        data = rng.randbytes(FILE)
    else:
        path = os.path.join(root, "software", f"notes-{i:03}.zip")
        member = f"notes-{i:03}.txt"
        lines = []
        for n in range(4000):
            k = rng.randint(4, 14)
            lines.append(f"{n:06} " + " ".join(rng.choice(words) for _ in range(k))
                         + f" {rng.randint(0, 1 << 32):08x}\n")
        pool = [l.encode() for l in lines]
        out, size = [], 0
        while size < FILE:
            chunk = b"".join(rng.choices(pool, k=512))
            out.append(chunk)
            size += len(chunk)
        data = b"".join(out)[:FILE]
    info = zipfile.ZipInfo(member, date_time=(2016, 12, 19, 2, 19, 20))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        if i % 2 == 0:
            inf = zipfile.ZipInfo(f"payload-{i:03}.inf", date_time=(2016, 12, 19, 2, 19, 20))
            z.writestr(inf, '[Version]\r\nSignature="$Windows NT$"\r\nClass=Net\r\n')
        z.writestr(info, data)
PY
touch "$P/.done-inf-$MIB"
