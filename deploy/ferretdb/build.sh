#!/usr/bin/env bash
# Builds FerretDB v1.24.2 (Apache-2.0), a server that speaks the MongoDB wire protocol,
# from the Go module proxy, into $FERRETDB_BIN (default: ~/.cache/tintot/ferretdb-v1.24.2).
# The binary is kept between runs; a second call only checks that it is there.
set -euo pipefail
VERSION=v1.24.2
BIN=${FERRETDB_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/tintot/ferretdb-$VERSION}
if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi
mkdir -p "$(dirname "$BIN")"
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
# Download the module source (read-only in the module cache), then build a writable copy:
# FerretDB reads its version from build/version/version.txt, which the module lacks.
dir=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [ -z "$dir" ]; then
  echo "ferretdb: module download failed" >&2
  exit 1
fi
cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
mkdir -p "$work/src/build/version"
echo "$VERSION" > "$work/src/build/version/version.txt"
(cd "$work/src" && CGO_ENABLED=0 go build -trimpath -o "$BIN.tmp" ./cmd/ferretdb)
mv "$BIN.tmp" "$BIN"
echo "$BIN"
