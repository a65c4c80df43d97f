#!/usr/bin/env bash
# Copies Espressif's flasher stubs (esptool JSON format, one <chip>.json per chip) out of the
# esptool-js npm package into ./stubs (or the directory given). Station looks there by default;
# the stubs are Espressif's and are not committed to this repository.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-stubs}"
version="0.7.0"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "esptool-js@$version" --silent >/dev/null && tar -xzf "esptool-js-$version.tgz")
mkdir -p "$target"
cp "$work"/package/lib/targets/stub_flasher/*.json "$target"/
echo "Copied $(ls "$work"/package/lib/targets/stub_flasher/*.json | wc -l) stub files from esptool-js $version into $target/"
