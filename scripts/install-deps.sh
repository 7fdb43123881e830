#!/usr/bin/env bash
# Installs every system package and tool Klaxon needs to build, run and test on Debian 12 (run as root).
# Idempotent: skips what is already there. Usage: scripts/install-deps.sh [build|test]
set -euo pipefail
mode="${1:-test}"
here="$(cd "$(dirname "$0")/.." && pwd)"

build_pkgs=(libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev libdbus-1-dev libasound2-dev
  pkg-config build-essential xvfb dbus-x11 gnome-keyring)
test_pkgs=(webkit2gtk-driver prometheus-alertmanager python3-dbusmock iproute2)

want=("${build_pkgs[@]}")
[ "$mode" = test ] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ "$mode" = test ] && ! command -v tauri-driver >/dev/null 2>&1; then
  cargo install tauri-driver --locked --version 2.1.0
fi

if [ ! -d "$here/ui/node_modules" ] || [ "$here/ui/package-lock.json" -nt "$here/ui/node_modules/.package-lock.json" ]; then
  (cd "$here/ui" && npm ci --no-audit --no-fund)
fi
if [ "$mode" = test ] && { [ ! -d "$here/tests/prism/node_modules" ] || [ "$here/tests/prism/package-lock.json" -nt "$here/tests/prism/node_modules/.package-lock.json" ]; }; then SCARF_ANALYTICS=false npm ci --prefix "$here/tests/prism" --no-audit --no-fund; fi
