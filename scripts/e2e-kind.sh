#!/usr/bin/env bash
# End-to-end test on a real Kubernetes cluster: the test to run before a release. It cannot
# run on the machines gomr is developed on (no kind node image, no cluster); CI runs it on a
# hosted runner (.github/workflows/e2e-kind.yml).
#
#   scripts/e2e-kind.sh            needs docker, kind, kubectl, mc (MinIO client), node, npm
#
# 1. creates a kind cluster (GOMR_E2E_CLUSTER, default gomr-e2e; reused if it exists);
# 2. `gomr start` runs the word-count example on examples/data (2 workers, 2 maps, 2 reduces);
# 3. port-forwards to MinIO with kubectl and reads the outputs with the MinIO client, as the
#    README says, and compares them with an independent count, and with `gomr output`;
# 4. `gomr down --purge`, and checks that the namespace goes;
# 5. deletes the cluster (GOMR_E2E_KEEP=1 keeps it, for a look after a failure).
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER="${GOMR_E2E_CLUSTER:-gomr-e2e}"
NS="${GOMR_E2E_NAMESPACE:-gomr-e2e}"
CONTEXT="kind-$CLUSTER"
LOCAL_PORT="${GOMR_E2E_MINIO_PORT:-19000}"
WORK="$(mktemp -d)"
export GOMR_HOME="$WORK/home"
GOMR=(node packages/cli/bin/run.js)

log() { echo "e2e-kind: $*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

for tool in docker kind kubectl mc node npm; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not on PATH"
done

PF_PID=""
cleanup() {
  local rc=$?
  [ -n "$PF_PID" ] && kill "$PF_PID" 2>/dev/null || true
  if [ "$rc" != 0 ]; then
    log "diagnostics (exit $rc):"
    kubectl --context "$CONTEXT" -n "$NS" get all,pvc,secrets -o wide 2>&1 | sed 's/^/  /' >&2 || true
    kubectl --context "$CONTEXT" -n "$NS" get events --sort-by=.lastTimestamp 2>&1 | tail -30 | sed 's/^/  /' >&2 || true
  fi
  if [ -z "${GOMR_E2E_KEEP:-}" ]; then
    log "deleting kind cluster $CLUSTER"
    kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
  else
    log "keeping kind cluster $CLUSTER (GOMR_E2E_KEEP)"
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT

[ -f packages/cli/dist/src/index.js ] || { log "building"; npm run build >/dev/null; }

if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
  log "reusing kind cluster $CLUSTER"
else
  log "creating kind cluster $CLUSTER"
  kind create cluster --name "$CLUSTER" --wait 180s
fi
kubectl --context "$CONTEXT" get nodes -o wide

INPUT="$WORK/input.txt"
cat examples/data/river.txt examples/data/lighthouse.txt examples/data/market.txt > "$INPUT"

log "gomr start"
"${GOMR[@]}" start --context "$CONTEXT" -n "$NS" --input "$INPUT" --workers 2 --mappers 2 --reducers 2 \
  --json examples/wordcount/worker.ts > "$WORK/start.json"
JOB_ID="$(node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); if (s.state !== "SUCCEEDED") { console.error("state " + s.state); process.exit(1) } console.log(s.jobId)' "$WORK/start.json")" \
  || fail "the job did not succeed: $(cat "$WORK/start.json")"
log "job $JOB_ID succeeded"

log "reading the outputs with the MinIO client through kubectl port-forward"
kubectl --context "$CONTEXT" -n "$NS" port-forward svc/gomr-minio "$LOCAL_PORT:9000" >/dev/null 2>&1 &
PF_PID=$!
for _ in $(seq 1 30); do
  curl -fs "http://127.0.0.1:$LOCAL_PORT/minio/health/live" >/dev/null 2>&1 && break
  sleep 1
done
secret() { kubectl --context "$CONTEXT" -n "$NS" get secret gomr-minio-credentials -o "jsonpath={.data.$1}" | base64 -d; }
export MC_CONFIG_DIR="$WORK/mc"
mc alias set gomr-e2e "http://127.0.0.1:$LOCAL_PORT" "$(secret MINIO_ROOT_USER)" "$(secret MINIO_ROOT_PASSWORD)" >/dev/null
mc ls "gomr-e2e/gomr/jobs/$JOB_ID/output/"
PARTS="$(mc ls --json "gomr-e2e/gomr/jobs/$JOB_ID/output/" | node -e 'let t = ""; process.stdin.on("data", (d) => (t += d)).on("end", () => console.log(t.trim().split("\n").map((l) => JSON.parse(l).key).filter((k) => /^part-\d{5}$/.test(k)).length))')"
[ "$PARTS" = 2 ] || fail "expected 2 part files, found $PARTS"
mc cat "gomr-e2e/gomr/jobs/$JOB_ID/output/part-00000" "gomr-e2e/gomr/jobs/$JOB_ID/output/part-00001" | LC_ALL=C sort > "$WORK/mc.txt"

# The independent count: the example's word rule, over the same input, in plain node.
node -e '
  const counts = new Map();
  for (const w of require("fs").readFileSync(process.argv[1], "utf8").split(/[^\p{L}]+/u)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  process.stdout.write([...counts].map(([w, n]) => `${w}\t${n}\n`).join(""));
' "$INPUT" | LC_ALL=C sort > "$WORK/expected.txt"
diff -q "$WORK/expected.txt" "$WORK/mc.txt" >/dev/null || { diff "$WORK/expected.txt" "$WORK/mc.txt" | head -20 >&2; fail "the outputs read with mc differ from an independent count"; }
log "outputs equal an independent count ($(wc -l < "$WORK/expected.txt") words)"

"${GOMR[@]}" output "$JOB_ID" --context "$CONTEXT" -n "$NS" | LC_ALL=C sort > "$WORK/gomr-output.txt"
diff -q "$WORK/expected.txt" "$WORK/gomr-output.txt" >/dev/null || fail "gomr output differs from the independent count"
kill "$PF_PID" 2>/dev/null || true
PF_PID=""

log "gomr down --purge"
"${GOMR[@]}" down --purge --context "$CONTEXT" -n "$NS"
for _ in $(seq 1 120); do
  kubectl --context "$CONTEXT" get namespace "$NS" >/dev/null 2>&1 || break
  sleep 1
done
! kubectl --context "$CONTEXT" get namespace "$NS" >/dev/null 2>&1 || fail "namespace $NS still exists 120 s after gomr down --purge"
log "passed"
