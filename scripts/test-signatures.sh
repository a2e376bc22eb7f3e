#!/usr/bin/env bash
# Re-checks signature interop with the real tools, in both directions, with fresh keys:
#   osbundle sign  -> minisign -V          minisign -S -> osbundle verify --key
#   keys of osbundle keygen in minisign    keys of minisign -G in osbundle sign
#   ssh-keygen -Y sign (Ed25519, ECDSA, RSA) -> osbundle verify --allowed-signers,
#   with ssh-keygen -Y verify agreeing on the same files;
# and that one changed byte makes every verifier fail.
# Installs minisign with apt-get when it is missing (needs root); ssh-keygen must exist.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v minisign >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq minisign >/dev/null
  else
    echo "minisign is not installed (apt-get install minisign, brew install minisign)" >&2
    exit 2
  fi
fi
command -v ssh-keygen >/dev/null 2>&1 || { echo "ssh-keygen is not installed" >&2; exit 2; }
echo "minisign: $(minisign -v 2>&1 | head -1); ssh-keygen: $(ssh -V 2>&1 || true)"

cargo build --quiet --manifest-path "$here/Cargo.toml"
osb=$here/target/debug/osbundle
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

SOURCE_DATE_EPOCH=1482113961 "$osb" build -q --no-sha256-file -o . "$here/testdata/profiles/win2016-datacenter" >/dev/null
b=$(ls ./*.tar.gz)
cp "$b" pristine
pass=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
fail() { echo "FAIL $*" >&2; exit 1; }
flip() { python3 - "$1" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 1
open(p, "wb").write(b)
PY
}
restore() { cp pristine "$b"; rm -f "$b.minisig" "$b.sig"; }

# 1. osbundle keygen + sign, minisign -V
"$osb" keygen -q --unencrypted -p osb.pub -s osb.key >/dev/null
"$osb" sign -q --key osb.key "$b" >/dev/null
minisign -Vqm "$b" -p osb.pub || fail "minisign -V of an osbundle signature"
ok "osbundle sign -> minisign -V"
"$osb" verify -q --key osb.pub "$b" || fail "osbundle verify of its own signature"
flip "$b"
minisign -Vqm "$b" -p osb.pub 2>/dev/null && fail "minisign accepted a changed byte"
"$osb" verify -q --key osb.pub "$b" >/dev/null && fail "osbundle accepted a changed byte"
ok "one changed byte: minisign -V and osbundle verify both fail"
restore

# 2. minisign -G -W + minisign -S, osbundle verify; osbundle sign with minisign's key
minisign -G -W -p mini.pub -s mini.key >/dev/null
minisign -S -s mini.key -m "$b" -t "signed by minisign -S" >/dev/null
"$osb" verify -q --key mini.pub "$b" || fail "osbundle verify of a minisign -S signature"
"$osb" verify -q --key "$(sed -n 2p mini.pub)" "$b" || fail "osbundle verify with the RW... string"
ok "minisign -S -> osbundle verify --key (file and RW... string)"
rm "$b.minisig"
"$osb" sign -q --key mini.key "$b" >/dev/null
minisign -Vqm "$b" -p mini.pub || fail "minisign -V with a minisign -G key used by osbundle"
ok "minisign -G key -> osbundle sign -> minisign -V"
restore

# 3. encrypted osbundle key used by minisign -S, and the other way round
OSB_PW=interop-password "$osb" keygen -q --password-env OSB_PW -p enc.pub -s enc.key >/dev/null
printf 'interop-password\n' | minisign -S -s enc.key -m "$b" >/dev/null 2>&1 || fail "minisign -S with an osbundle encrypted key"
"$osb" verify -q --key enc.pub "$b" || fail "osbundle verify (encrypted osbundle key, minisign -S)"
ok "osbundle keygen (encrypted) -> minisign -S -> osbundle verify"
rm "$b.minisig"
printf 'pw2\npw2\n' | minisign -G -p menc.pub -s menc.key >/dev/null 2>&1
MINI_PW=pw2 "$osb" sign -q --key menc.key --password-env MINI_PW "$b" >/dev/null
minisign -Vqm "$b" -p menc.pub || fail "minisign -V (encrypted minisign key, osbundle sign)"
ok "minisign -G (encrypted) -> osbundle sign --password-env -> minisign -V"
restore

# 4. ssh-keygen -Y sign with three key types, against one allowed-signers file
: > allowed_signers
for type in ed25519 ecdsa rsa; do
  ssh-keygen -q -t "$type" -N '' -C "$type@example.com" -f "id_$type"
  echo "$type@example.com namespaces=\"file\" $(cat "id_$type.pub")" >> allowed_signers
done
for type in ed25519 ecdsa rsa; do
  rm -f "$b.sig"
  ssh-keygen -q -Y sign -n file -f "id_$type" "$b" 2>/dev/null
  ssh-keygen -q -Y verify -f allowed_signers -I "$type@example.com" -n file -s "$b.sig" < "$b" >/dev/null \
    || fail "ssh-keygen -Y verify ($type)"
  "$osb" verify -q --allowed-signers allowed_signers --identity "$type@example.com" "$b" \
    || fail "osbundle verify of an ssh-keygen $type signature"
  "$osb" verify -q --allowed-signers allowed_signers --identity "other@example.com" "$b" >/dev/null \
    && fail "osbundle accepted another identity ($type)"
  ok "ssh-keygen -Y sign ($type) -> osbundle verify --allowed-signers; another identity fails"
done
flip "$b"
ssh-keygen -q -Y verify -f allowed_signers -I rsa@example.com -n file -s "$b.sig" < "$b" >/dev/null 2>&1 \
  && fail "ssh-keygen accepted a changed byte"
"$osb" verify -q --allowed-signers allowed_signers "$b" >/dev/null && fail "osbundle accepted a changed byte (ssh)"
ok "one changed byte: ssh-keygen -Y verify and osbundle verify both fail"

echo "all $pass interop checks passed"
