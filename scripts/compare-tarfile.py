#!/usr/bin/env python3
"""Compare osbundle's readers with Python's tarfile (filter='data', PEP 706).

For every file of a folder (default: $OSBUNDLE_PEER_CORPUS, else
../shared/peer-corpus relative to the repository root) it prints one line: what tarfile does with it (extracts, or the
exception that refuses it; whether it holds only regular files and folders) and,
with --osbundle BIN, what `osbundle extract` does with the same bytes: exit code
and the rule IDs of its errors. Plain tar streams are extracted as they are and
also gzipped on the fly. Lines marked '!!' are disagreements worth a look: tarfile
extracts an archive of regular files and folders that osbundle refuses, osbundle
exits 101 / dies by a signal, or a plain tar and its gzipped copy differ. Exit
status 1 when any '!!' line was printed.

    python3 scripts/compare-tarfile.py --osbundle target/debug/osbundle
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def python_outcome(path):
    """('extracts'|'refused'|'unreadable', detail, only_files_and_dirs)."""
    try:
        with tarfile.open(path) as tf:
            members = tf.getmembers()
            plain = all(m.isfile() or m.isdir() for m in members) and not any(
                m.issparse() for m in members
            )
            with tempfile.TemporaryDirectory() as out:
                tf.extractall(out, filter="data")
            return "extracts", f"{len(members)} members", plain
    except (tarfile.TarError, OSError, ValueError, EOFError) as e:
        kind = "refused" if isinstance(e, tarfile.FilterError) else "unreadable"
        return kind, f"{type(e).__name__}: {e}"[:100], False


def osbundle_outcome(binary, path, gzipped=False):
    with open(path, "rb") as f:
        data = f.read()
    with tempfile.TemporaryDirectory() as work:
        if gzipped:
            bundle = os.path.join(work, os.path.basename(path) + ".gz")
            with open(bundle, "wb") as f:
                f.write(gzip.compress(data, mtime=0))
        else:
            bundle = os.path.join(work, os.path.basename(path))
            with open(bundle, "wb") as f:
                f.write(data)
        target = os.path.join(work, "out")
        os.mkdir(target)
        try:
            run = subprocess.run(
                [binary, "extract", "--format", "json", bundle, "-C", target],
                capture_output=True,
                timeout=60,
            )
        except subprocess.TimeoutExpired:
            return None, ["timeout"]
        rules = []
        try:
            doc = json.loads(run.stdout)
            rules = sorted(
                {f["rule"] for f in doc.get("findings", []) if f["severity"] == "error"}
            )
        except (ValueError, KeyError, TypeError):
            rules = [run.stderr.decode(errors="replace").strip()[:80]]
        return run.returncode, rules


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("OSBUNDLE_PEER_CORPUS") or os.path.join(ROOT, "..", "shared", "peer-corpus")
    parser.add_argument("folder", nargs="?", default=default)
    parser.add_argument("--osbundle", help="the osbundle binary to compare with")
    args = parser.parse_args()
    if not os.path.isdir(args.folder):
        print(f"{args.folder}: no such folder; nothing to compare")
        return 0
    bad = 0
    for name in sorted(os.listdir(args.folder)):
        path = os.path.join(args.folder, name)
        if name.endswith(".md") or not os.path.isfile(path):
            continue
        kind, detail, plain = python_outcome(path)
        line = f"{name:48} tarfile: {kind:10} {'plain' if plain else '     '} {detail}"
        if args.osbundle:
            code, rules = osbundle_outcome(args.osbundle, path)
            with open(path, "rb") as f:
                is_gzip = f.read(2) == b"\x1f\x8b"
            gz_code, gz_rules = (code, rules)
            if not is_gzip:
                gz_code, gz_rules = osbundle_outcome(args.osbundle, path, gzipped=True)
            mark = "  "
            if any(c is None or c < 0 or c == 101 for c in (code, gz_code)):
                mark = "!!"
            elif kind == "extracts" and plain and code != 0:
                mark = "!!"
            elif (code, rules) != (gz_code, gz_rules):
                mark = "!!"
            if mark == "!!":
                bad += 1
            line = f"{mark} {line}\n      osbundle: exit {code} {' '.join(rules)}"
            if not is_gzip and (code, rules) != (gz_code, gz_rules):
                line += f"\n      gzipped:  exit {gz_code} {' '.join(gz_rules)}"
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
