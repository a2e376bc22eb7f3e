#!/usr/bin/env bash
# Tests the pre-commit hooks for real: installs pre-commit (PyPI) if missing, makes a
# fresh git repository that uses this repository's hooks at its current commit, and
# asserts that a good profile commits and a bad one is blocked with a readable message.
# Only committed work is tested: pre-commit clones this repository at HEAD.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rev=$(git -C "$here" rev-parse HEAD)

if ! command -v pre-commit >/dev/null 2>&1; then
  python3 -m pip install --quiet pre-commit
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME=$work/cache
cd "$work"
git init -q repo
cd repo
git config user.email ci@example.invalid
git config user.name CI
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $here
    rev: $rev
    hooks:
      - id: osbundle-check
      - id: osbundle-config
YAML
git add .pre-commit-config.yaml
git commit -q -m "pre-commit configuration" --no-verify
pre-commit install >/dev/null

fail() { echo "FAIL: $*"; exit 1; }

# A good profile commits.
cp -r "$here/testdata/profiles/win2016-datacenter" good
git add good
if ! git commit -q -m "good profile" > "$work/good.log" 2>&1; then
  cat "$work/good.log"; fail "the good profile was blocked"
fi
echo "ok: good profile committed"

# A bad profile is blocked, and the message names the file and the rule.
cp -r "$here/testdata/profiles/win2012-bad" bad
git add bad
if git commit -q -m "bad profile" > "$work/bad.log" 2>&1; then
  cat "$work/bad.log"; fail "the bad profile was committed"
fi
grep -q "bad/drivers/nic.exe: error\[extension-not-allowed\]: win 2012 drivers must end in .zip; got .exe" "$work/bad.log" \
  || { cat "$work/bad.log"; fail "no readable finding for bad/drivers/nic.exe"; }
grep -q "bad/config/broken.json:4:3: error\[config-invalid-json\]" "$work/bad.log" \
  || { cat "$work/bad.log"; fail "no config finding with line and column"; }
echo "ok: bad profile blocked with readable findings"

# Fixing it lets the commit through.
rm bad/drivers/nic.exe bad/config/broken.json bad/software/app.msi bad/boot/winpe.zip
printf '<unattend>#predefined.globalSettings.ipAssignment#</unattend>\n' > bad/unattend/autounattend.xml
git add -A bad
git commit -q -m "fixed profile" > "$work/fixed.log" 2>&1 || { cat "$work/fixed.log"; fail "the fixed profile was blocked"; }
echo "ok: fixed profile committed"
echo "3 passed, 0 failed"
