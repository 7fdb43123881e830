#!/usr/bin/env bash
# Runs a command with an unlocked gnome-keyring (Secret Service) on the current D-Bus session,
# kept in a throwaway directory. Use inside `dbus-run-session -- ...`.
set -euo pipefail
keyring_home="$(mktemp -d)"
export NO_AT_BRIDGE=1
printf 'klaxon-session' | XDG_DATA_HOME="$keyring_home" HOME="$keyring_home" \
  gnome-keyring-daemon --unlock --components=secrets >/dev/null
exec "$@"
