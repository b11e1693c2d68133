#!/usr/bin/env bash
# Packs what the scaling benchmark needs on a machine that has no Node (the 16-core `device`
# machine, which gets a copy of the working tree but not its ignored files): node itself, the
# built dist folders, the oclif manifest and the node_modules that `gomr run` loads, into
# bench/device/kit.tar.xz (ignored by git), small enough to be carried there (64 MiB).
# What `gomr run` never loads stays out: the Kubernetes client and schemas, TypeScript, the
# browser of the status-page tests, type definitions.
# Usage: bash bench/device/make-kit.sh      (then see bench/device/run-scaling.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run build >/dev/null
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin"
cp "$(command -v node)" "$stage/bin/node"
tar -cf "$stage/tree.tar" \
  --exclude='node_modules/@kubernetes' --exclude='node_modules/kubernetes-models' \
  --exclude='node_modules/typescript' --exclude='node_modules/playwright-core' \
  --exclude='node_modules/playwright' --exclude='node_modules/@types' \
  --exclude='node_modules/.cache' --exclude='*.tsbuildinfo' --exclude='*.d.ts.map' \
  node_modules packages/*/dist packages/cli/oclif.manifest.json
tar -C "$stage" -cf - bin tree.tar | xz -6 -T0 > bench/device/kit.tar.xz
ls -l bench/device/kit.tar.xz | awk '{printf "bench/device/kit.tar.xz: %.1f MiB\n", $5 / 1048576}'
