#!/usr/bin/env bash
# Builds Pipewright and serves it with live rebuild on http://127.0.0.1:8080/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/tools/node_modules/.bin:$PATH"
echo
echo "Pipewright will be served on http://127.0.0.1:8080/ (Ctrl-C stops it)."
echo
exec trunk serve --address 127.0.0.1 --port 8080
