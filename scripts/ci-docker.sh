#!/usr/bin/env bash
# Makes a Docker engine and a local Node base image available for the Docker tests.
# Idempotent: installs Debian's docker.io if dockerd is missing, starts dockerd if no daemon
# answers, waits for the socket, and builds `gomr-test-base:local` if it is missing.
#
# Why a home-made base image: these machines reach no image registry, so `node:20-slim`
# cannot be pulled. The image holds only this machine's `node` binary and the shared
# libraries it links, imported with `docker import`; the Dockerfiles take it as BASE_IMAGE.
#
# The registry tests (packages/cli/test/docker/registry-push) run Debian's docker-registry
# (distribution 2.8) on 127.0.0.1 and make its htpasswd file with apache2-utils' htpasswd.
#
# Without a bridge network (none can be created here) containers use host networking only,
# so all test traffic stays on 127.0.0.1.
set -euo pipefail

BASE_IMAGE="${GOMR_TEST_BASE_IMAGE:-gomr-test-base:local}"
SOCK=/var/run/docker.sock

log() { echo "ci-docker: $*"; }

if ! command -v dockerd >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    log "dockerd is missing and this is not root; Docker tests will skip"
    exit 0
  fi
  log "installing docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

if ! [ -x /usr/bin/docker-registry ] || ! command -v htpasswd >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    log "installing docker-registry and apache2-utils (registry push tests)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq docker-registry apache2-utils >/dev/null
    # The package starts no service here (no systemd); the tests start their own registries.
  else
    log "docker-registry or htpasswd is missing and this is not root; registry tests will skip"
  fi
fi

# `docker` may be a client without a daemon: ask the daemon itself.
daemon_up() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if ! daemon_up; then
  log "starting dockerd"
  mkdir -p /var/log
  nohup dockerd --bridge=none --iptables=false </dev/null >/var/log/gomr-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    if [ -S "$SOCK" ] && daemon_up; then break; fi
    sleep 1
  done
  if ! daemon_up; then
    log "dockerd did not start; last log lines:"
    tail -20 /var/log/gomr-dockerd.log || true
    exit 1
  fi
fi
log "docker $(docker version --format '{{.Server.Version}}') is up"

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  log "$BASE_IMAGE exists"
  exit 0
fi

log "building $BASE_IMAGE from $(command -v node) ($(node --version))"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
node_bin="$(readlink -f "$(command -v node)")"
mkdir -p "$root/usr/local/bin" "$root/tmp"
cp "$node_bin" "$root/usr/local/bin/node"
# Every library node links, at the same path, plus the dynamic loader.
for lib in $(ldd "$node_bin" | grep -o '/[^ ]*' | sort -u) /lib64/ld-linux-x86-64.so.2; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
chmod 1777 "$root/tmp"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'CMD ["node"]' - "$BASE_IMAGE" >/dev/null
docker run --rm --network host "$BASE_IMAGE" node -e 'console.log("ci-docker: base image runs node " + process.version)'
