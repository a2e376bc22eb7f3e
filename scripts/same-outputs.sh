#!/usr/bin/env bash
# same-outputs.sh BIN OUTDIR: runs a fixed set of commands (check in every format, with
# and without --deep; build; verify, inspect, extract and macros of what was built; diff;
# verify of every peer-corpus file; rules, explain, config, reply) with the binary BIN,
# writing each stdout, stderr and exit code, the bundles' SHA-256 and the extracted files'
# SHA-256 into OUTDIR. Two binaries whose OUTDIRs `diff -r` finds identical behave the
# same on all of it: the check of a refactoring that must change no output.
set -u
[ $# -eq 2 ] || { echo "usage: scripts/same-outputs.sh BIN OUTDIR" >&2; exit 2; }
bin=$(realpath "$1"); out=$(realpath -m "$2"); rm -rf "$out"; mkdir -p "$out"
cd "$(dirname "$0")/.."
peers=${PEER_CORPUS:-../shared/peer-corpus}
run() { local name=$1; shift; "$@" >"$out/$name.out" 2>"$out/$name.err"; echo $? >"$out/$name.rc"; }
for f in text json sarif github junit gitlab; do
  run check-$f $bin check --format $f --rules testdata/osimages.json testdata/profiles
  run checkdeep-$f $bin check --deep --format $f --rules testdata/osimages.json testdata/profiles
done
run check-embedded $bin check testdata/profiles
work=$(mktemp -d /tmp/same.XXXX); mkdir -p $work/dist
for p in sles15-webserver win2016-datacenter rhels75-bad; do
  SOURCE_DATE_EPOCH=1482113961 run build-$p $bin build --force --format json testdata/profiles/$p -o $work/dist
done
(cd $work/dist && sha256sum *.tar.gz) > "$out/bundles.sha256"
for b in $work/dist/*.tar.gz; do n=$(basename $b)
  for f in text json sarif; do run verify-$n-$f $bin verify --format $f $b; done
  run inspect-$n $bin inspect --format json $b
  mkdir -p $work/x-$n; run extract-$n $bin extract --format json $b -C $work/x-$n
  (cd $work/x-$n 2>/dev/null && find . -type f | sort | xargs sha256sum) > "$out/extract-$n.files"
  run macros-$n $bin macros --format json $b
done
run diff $bin diff --format json $work/dist/*sles15*.tar.gz testdata/profiles/sles15-webserver
for t in "$peers"/*.tar "$peers"/*.gz "$peers"/*.tgz; do
  [ -f "$t" ] || continue; run peer-$(basename $t) $bin verify --format json "$t"
done
run rules $bin rules --format json --rules testdata/osimages.json
run explain $bin explain --format json
run config $bin config macros --format json testdata/config/reference-corrected.json
run configshow $bin config show --format json
run configbad $bin check --format json testdata/config/reference-malformed.json
run reply $bin reply --format json testdata/replies/lxca-failed.json
sed -i "s#$work#WORK#g" "$out"/* 2>/dev/null
rm -rf $work
