#!/usr/bin/env bash
# On the device machine, from the repository root of its copy of the working tree, with
# bench/device/kit.tar.xz carried there (see make-kit.sh): unpacks node and the build, then
# runs the scaling scenario and leaves its table, JSON and chart in $OUT (or bench/results).
# Extra arguments go to bench/run.mjs, e.g. --scale-bytes 1e9 --reps-large 1 to fit a
# 10-minute command.
set -euo pipefail
cd "$(dirname "$0")/../.."
kit=bench/device/kit.tar.xz
[ -f "$kit" ] || { echo "no $kit: run bench/device/make-kit.sh where Node is, and carry it" >&2; exit 2; }
unpacked=$(mktemp -d)
xz -dc "$kit" | tar -C "$unpacked" -xf -
tar -xf "$unpacked/tree.tar"
export PATH="$unpacked/bin:$PATH"
out="${OUT:-bench/results}"
mkdir -p "$out"
echo "node $(node --version) on $(nproc) cpus"
node bench/run.mjs --only scaling --out "$out/scaling-$(date +%Y-%m-%d-%H-%M)-$(hostname).json" "$@" | tee "$out/scaling.txt"
