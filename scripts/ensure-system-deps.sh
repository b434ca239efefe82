#!/usr/bin/env bash
# Installs Debian's prometheus, docker-registry, nginx and haproxy when missing: the tests run them for real.
set -euo pipefail
missing=()
command -v prometheus >/dev/null || missing+=(prometheus)
command -v docker-registry >/dev/null || missing+=(docker-registry)
# nginx and haproxy live in /usr/sbin, which a user's PATH may lack.
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing+=(nginx)
[ -x /usr/sbin/haproxy ] || command -v haproxy >/dev/null || missing+=(haproxy)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "The tests need ${missing[*]} (Debian/Ubuntu packages); install them and run again." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing ${missing[*]} with apt-get (the tests start them on 127.0.0.1)..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packages start system services we do not use; the tests run their own instances.
for service in "${missing[@]}"; do $sudo systemctl stop "$service" 2>/dev/null || true; done
