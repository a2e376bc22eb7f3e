#!/usr/bin/env python3
"""Entry names of generated tar files: osbundle's reader against Python's tarfile
and GNU tar.

Reads DIR/names.tsv as written by `seed names DIR N` (the fuzz crate's seeder):
per file, the names the generator wrote and the names osbundle's reader listed
(each `x` and its hex, comma-joined; a leading `!` when the reader stopped with a
fault). Archives where osbundle stopped and both others read to the end are listed
too, with the names each read: a refusal is a finding, but it should be one a
reader of this field would expect. Lists every
file whose names differ between readers, and exits 1 when osbundle disagrees with
both Python and GNU tar on an archive all of them read to the end.

Usage: scripts/fuzz-names.py DIR
"""

import os
import subprocess
import sys
import tarfile


def hexnames(field):
    """The names of a names.tsv field: `,`-joined, each `x` and its hex."""
    if field == "":
        return []
    names = []
    for h in field.split(","):
        if not h.startswith("x"):
            raise ValueError(f"names.tsv: {h!r} is not x and hex (an old seeder?)")
        names.append(bytes.fromhex(h[1:]))
    return names


def python_names(path):
    """Names as tarfile lists them (bytes), or None when it refuses the archive."""
    try:
        with tarfile.open(path, "r:", encoding="utf-8", errors="surrogateescape") as tf:
            return [m.name.encode("utf-8", "surrogateescape") for m in tf.getmembers()]
    except Exception:  # noqa: BLE001 - any refusal is an outcome
        return None


def gnu_names(path):
    """Names as GNU tar lists them, or None when it exits non-zero."""
    proc = subprocess.run(
        ["tar", "--quoting-style=escape", "--no-unquote", "-tf", path],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        return None
    names = []
    for line in proc.stdout.split(b"\n")[:-1]:
        names.append(line.decode("unicode_escape").encode("latin-1"))
    return names


def canon(names):
    # Directory entries are listed with a trailing slash by some readers.
    return None if names is None else [n.rstrip(b"/") for n in names]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder = sys.argv[1]
    rows = open(os.path.join(folder, "names.tsv"), encoding="ascii").read().splitlines()[1:]
    counts = {"files": 0, "agree": 0, "osbundle stopped": 0, "python refused": 0,
              "gnu refused": 0, "differ": 0}
    bad = 0
    for row in rows:
        file, plain, written, ours = row.split("\t")
        path = os.path.join(folder, file)
        counts["files"] += 1
        stopped = ours.startswith("!")
        ours = canon(hexnames(ours.lstrip("!")))
        py = canon(python_names(path))
        gnu = canon(gnu_names(path))
        if stopped:
            counts["osbundle stopped"] += 1
            if py is not None and gnu is not None:
                print(f"{file} (plain={plain}): osbundle stopped after {len(ours)} names")
                print(f"  written  {canon(hexnames(written))}")
                print(f"  osbundle {ours}")
                print(f"  python   {py}")
                print(f"  gnu tar  {gnu}")
        if py is None:
            counts["python refused"] += 1
        if gnu is None:
            counts["gnu refused"] += 1
        if stopped or py is None or gnu is None:
            continue
        if ours == py == gnu:
            counts["agree"] += 1
            continue
        counts["differ"] += 1
        print(f"{file} (plain={plain}):")
        print(f"  written  {canon(hexnames(written))}")
        print(f"  osbundle {ours}")
        print(f"  python   {py}")
        print(f"  gnu tar  {gnu}")
        if ours != py and ours != gnu:
            bad += 1
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    if bad:
        print(f"{bad} archives where osbundle agrees with neither Python nor GNU tar")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
