#!/usr/bin/env bash
# Runs a command with an unlocked gnome-keyring (Secret Service) on the current D-Bus session,
# kept in a throwaway directory. Use inside `dbus-run-session -- ...`.
set -euo pipefail
keyring_home="$(mktemp -d)"
export NO_AT_BRIDGE=1
printf 'klaxon-session' | XDG_DATA_HOME="$keyring_home" HOME="$keyring_home" \
  gnome-keyring-daemon --unlock --components=secrets >/dev/null
if [ -n "${KLAXON_SHOW_SESSION:-}" ]; then
  echo "klaxon: to reach this run's keyring from another terminal:" >&2
  echo "  export DBUS_SESSION_BUS_ADDRESS='$DBUS_SESSION_BUS_ADDRESS'" >&2
fi
exec "$@"
