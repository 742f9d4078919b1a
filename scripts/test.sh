#!/usr/bin/env bash
# Runs every test: unit tests (the benchmarks module included, for its simulation tests), then integration tests against real servers that the tests start
# themselves on free loopback ports (etcd, dnsmasq as a DNS server, nginx in front of rendered upstreams, headless
# Chromium for the registry console, ZooKeeper inside the JVM).
# Installs Debian's etcd-server, dnsmasq-base, nginx, chromium and chromium-driver first when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ] || missing+=(dnsmasq-base)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
{ [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; } || missing+=(chromium chromium-driver)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages the integration tests need: ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

exec mvn -B -Pbenchmarks verify "$@"
