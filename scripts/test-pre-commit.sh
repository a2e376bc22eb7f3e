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

# A real repository: profiles next to other files. One osbundle.toml line sets the
# rules; package.json, a README, the rules file itself and a .gitignored build folder
# are no profiles and no configuration settings.
printf 'rules = "lxca/osimages.json"\n' > osbundle.toml
mkdir -p lxca profiles
cp "$here/testdata/osimages.json" lxca/osimages.json
printf '{"name": "profiles-site", "version": "1.0.0", "private": true}\n' > package.json
printf '# Our OS-image profiles\n' > README.md
printf 'How to add a profile: copy one.\n' > profiles/README.md
git mv good profiles/win2016-datacenter
printf 'build/\n' > .gitignore
mkdir -p build/config build/drivers
printf '{ not json' > build/config/scratch.json
: > build/drivers/left-over.exe
git add -A
git commit -q -m "a repository as people have it" > "$work/repo.log" 2>&1 \
  || { cat "$work/repo.log"; fail "the repository's own files were blocked"; }
pre-commit run --all-files > "$work/all.log" 2>&1 \
  || { cat "$work/all.log"; fail "pre-commit run --all-files failed on files that are no profiles"; }
echo "ok: pre-commit run --all-files passes beside package.json, README.md and osimages.json"

cargo build --quiet --locked --manifest-path "$here/Cargo.toml"
bin=$here/target/debug/osbundle
"$bin" config show | grep -q "lxca/osimages.json" || fail "osbundle.toml was not found"
"$bin" check . > "$work/check.log" 2>&1 || { cat "$work/check.log"; fail "osbundle check . reported problems that are none"; }
grep -q "checked" "$work/check.log" || { cat "$work/check.log"; fail "no summary"; }
# A real problem is still found, in the build folder only when named.
"$bin" check build/drivers/left-over.exe > /dev/null 2>&1 && fail "a named file in an ignored folder was skipped"
echo "ok: osbundle check . reports only real problems"
echo "5 passed, 0 failed"
