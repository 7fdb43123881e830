#!/usr/bin/env bash
# Installs what is missing, builds Klaxon (release) and runs the app on the embedded default:
# the local alert intake on 127.0.0.1:9797 and the example team file (written on first run to
# $XDG_CONFIG_HOME/klaxon/klaxon.toml). Try it from another terminal:
#   target/release/klaxon fire --title "Disk full" --severity sev1
# The window starts the pager (target/release/klaxon watch --tray), which keeps paging after the
# window closes; stop it with target/release/klaxon stop.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/check-toolchain.sh
scripts/install-deps.sh build
(cd ui && npm run build)
cargo build --release --locked -p klaxon-app -p klaxon-cli
app="$PWD/target/release/klaxon-app"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "klaxon: no display found; running the app on a virtual X display (Xvfb :77)" >&2
  Xvfb :77 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  trap 'kill "$xvfb_pid" 2>/dev/null || true' EXIT
  export DISPLAY=:77
  sleep 1
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  echo "klaxon: no D-Bus session; starting one with a keyring for this run" >&2
  status=0
  KLAXON_SHOW_SESSION=1 dbus-run-session -- scripts/with-keyring.sh "$app" || status=$?
  # That session (and its keyring and notification server) ended with the window: stop the pager
  # that ran on it too.
  target/release/klaxon stop >/dev/null 2>&1 || true
  exit "$status"
fi
exec "$app"
