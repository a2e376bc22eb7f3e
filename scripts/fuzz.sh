#!/usr/bin/env bash
# A fuzzing campaign: build every target, seed it, run each for SECONDS (one at a
# time, at the lowest priority), and print executions, coverage and crashes.
#
#   scripts/fuzz.sh SECONDS [TARGET...]
#
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
# Seeds: bundles built from testdata/, the example bundle with and without defects,
# generated bundles, `tar` output in every format (gnu, ustar, pax, v7), and
# ../shared/peer-corpus/ when present. The corpus grows in fuzz/corpus/<target>/;
# crashes land in fuzz/artifacts/<target>/. Each target runs in libFuzzer's fork
# mode with crashes ignored, so one known crash does not end its time early; every
# crash file is listed at the end.
#
# Environment: FUZZ_SANITIZER (default none: the library is safe Rust, and without
# a sanitizer each target runs several times faster), FUZZ_JOBS (parallel fork
# jobs per target, default 1), FUZZ_PARALLEL (targets run at once, default 1; on a
# machine of N idle cores, N gives each target a core and ends N times sooner),
# FUZZ_ARGS (more libFuzzer flags), FUZZ_BUILD=0 (skip the build), PEER_CORPUS
# (default ../shared/peer-corpus beside the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=${1:-}
if [[ ! $seconds =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz.sh SECONDS [TARGET...]" >&2
    exit 2
fi
shift
sanitizer=${FUZZ_SANITIZER:-none}
jobs=${FUZZ_JOBS:-1}
parallel=${FUZZ_PARALLEL:-1}
if [[ ! $jobs =~ ^[1-9][0-9]*$ || ! $parallel =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz.sh: FUZZ_JOBS and FUZZ_PARALLEL are whole numbers from 1" >&2
    exit 2
fi

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: needs a nightly toolchain and cargo-fuzz:" >&2
    echo "  rustup toolchain install nightly && cargo install cargo-fuzz --locked" >&2
    exit 2
fi

cd fuzz
mapfile -t known < <(cargo +nightly fuzz list)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=("${known[@]}")
fi
for target in "${targets[@]}"; do
    if ! printf '%s\n' "${known[@]}" | grep -qxF -- "$target"; then
        echo "fuzz.sh: no target '$target'; the targets: ${known[*]}" >&2
        exit 2
    fi
done

echo "== build (${#targets[@]} targets, sanitizer $sanitizer)" >&2
if [ "${FUZZ_BUILD:-1}" = 0 ]; then
    echo "FUZZ_BUILD=0: using the targets built before" >&2
elif [ $# -eq 0 ]; then
    nice -n 19 cargo +nightly fuzz build -s "$sanitizer" >&2
else
    for target in "${targets[@]}"; do
        nice -n 19 cargo +nightly fuzz build -s "$sanitizer" "$target" >&2
    done
fi

triple=$(rustc +nightly -vV | sed -n 's/^host: //p')
bin=$root/fuzz/target/$triple/release

echo "== seeds" >&2
seeds=$root/fuzz/target/seeds
rm -rf "$seeds"
mkdir -p "$seeds"
(cd "$root" && nice -n 19 cargo run --quiet --manifest-path fuzz/Cargo.toml \
    --no-default-features --example seed -- corpus "$seeds") >&2
# `tar` in every format, of every example profile; gzip'd for the bundle reader.
scratch=$root/fuzz/target/fuzz-run
rm -rf "$scratch"
mkdir -p "$scratch"
mkdir -p "$seeds/tar_reader" "$seeds/bundle_verify"
for format in gnu ustar pax v7 oldgnu posix; do
    for profile in "$root"/testdata/profiles/*/; do
        name=$(basename "$profile")
        out=$seeds/tar_reader/tar-$format-$name.tar
        if tar --format="$format" -C "$profile" -cf "$out" . 2>/dev/null; then
            gzip -c -n "$out" >"$seeds/bundle_verify/tar-$format-$name.tar.gz"
        else
            rm -f "$out"
        fi
    done
done
peers=${PEER_CORPUS:-$root/../shared/peer-corpus}
if [ -d "$peers" ]; then
    for f in "$peers"/*; do
        [ -f "$f" ] || continue
        case $f in
            *.gz | *.tgz) cp "$f" "$seeds/bundle_verify/peer-$(basename "$f")" ;;
            *.tar)
                cp "$f" "$seeds/tar_reader/peer-$(basename "$f")"
                gzip -c -n "$f" >"$seeds/bundle_verify/peer-$(basename "$f").gz"
                ;;
        esac
    done
else
    echo "fuzz.sh: $peers not found; no peer seeds" >&2
fi

dict_for() {
    case $1 in
        tar_reader | bundle_verify | bundle_gen | sidecar | checksum_lines) echo "-dict=$root/fuzz/bundle.dict" ;;
        json_document | config | rules | profile_json | reply | inventory) echo "-dict=$root/fuzz/json.dict" ;;
    esac
}

results=$scratch/results
rm -f "$scratch"/*.result
start=$scratch/start
touch "$start"

# One target: run it, then write its line of the table to $scratch/TARGET.result.
run_target() {
    local target=$1
    local corpus=$root/fuzz/corpus/$target
    local artifacts=$root/fuzz/artifacts/$target
    mkdir -p "$corpus" "$artifacts" "$seeds/$target"
    local before after status execs cov ft corp crashes
    before=$(find "$artifacts" -type f | wc -l)
    local log=$scratch/$target.log
    echo "== $target: $seconds s" >&2
    # The binary itself, as `cargo fuzz run` would start it (without a rebuild).
    # shellcheck disable=SC2046,SC2086
    nice -n 19 "$bin/$target" "$corpus" "$seeds/$target" -artifact_prefix="$artifacts/" \
        -max_total_time="$seconds" -fork="$jobs" -ignore_crashes=1 -ignore_ooms=1 \
        -ignore_timeouts=1 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        $(dict_for "$target") ${FUZZ_ARGS:-} >"$log" 2>&1 || true
    after=$(find "$artifacts" -type f | wc -l)
    # The last status line: "#N: cov: C ft: F corp: K ..." (fork mode).
    status=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1 || true)
    execs=$(sed -E 's/^#([0-9]+):.*/\1/' <<<"$status")
    cov=$(sed -nE 's/.* cov: ([0-9]+) .*/\1/p' <<<"$status")
    ft=$(sed -nE 's/.* ft: ([0-9]+) .*/\1/p' <<<"$status")
    corp=$(sed -nE 's/.* corp: ([0-9]+) .*/\1/p' <<<"$status")
    crashes=$(sed -nE 's/.*crash: [0-9]+\/[0-9]+\/([0-9]+) .*/\1/p' <<<"$status")
    if [ -z "$status" ]; then
        echo "fuzz.sh: $target did not report; last lines of its log:" >&2
        tail -n 15 "$log" >&2
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "${execs:--}" "${cov:--}" "${ft:--}" \
        "${corp:--}" "${crashes:-?}" "$((after - before))" >"$scratch/$target.result"
    cp "$log" "$root/fuzz/target/fuzz-$target.log"
}

# Up to $parallel targets at a time; Ctrl-C stops them all.
trap 'kill 0 2>/dev/null; exit 130' INT TERM
running=0
for target in "${targets[@]}"; do
    if [ "$running" -ge "$parallel" ]; then
        wait -n || true
        running=$((running - 1))
    fi
    run_target "$target" &
    running=$((running + 1))
done
wait
trap - INT TERM
: >"$results"
for target in "${targets[@]}"; do
    if [ -f "$scratch/$target.result" ]; then
        cat "$scratch/$target.result" >>"$results"
    else
        printf '%s\t-\t-\t-\t-\t?\t-\n' "$target" >>"$results"
    fi
done

echo
printf '%-16s %12s %8s %8s %8s %8s %10s\n' target executions cov features corpus crashes new-files
while IFS=$'\t' read -r t e c f k x n; do
    printf '%-16s %12s %8s %8s %8s %8s %10s\n' "$t" "$e" "$c" "$f" "$k" "$x" "$n"
done <"$results"
echo
echo "logs: fuzz/target/fuzz-<target>.log; crashes: fuzz/artifacts/<target>/"
new=$(find "$root/fuzz/artifacts" -type f -newer "$start" 2>/dev/null | head -n 20 || true)
if [ -n "$new" ]; then
    echo "crash files (reproduce: cargo +nightly fuzz run -s $sanitizer TARGET FILE;"
    echo "minimize: cargo +nightly fuzz tmin -s $sanitizer TARGET FILE):"
    echo "$new"
fi
