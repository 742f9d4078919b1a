#!/usr/bin/env bash
# Runs every test: unit tests, then integration tests against a real etcd that the tests start
# themselves on free loopback ports. Installs Debian's etcd-server first when etcd is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v etcd >/dev/null 2>&1; then
  echo "etcd is not installed: installing Debian's etcd-server" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq etcd-server >/dev/null
fi

exec mvn -B verify "$@"
