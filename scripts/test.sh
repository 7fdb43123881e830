#!/usr/bin/env bash
# Installs what is missing, then runs every test: Rust unit and integration tests, the UI's type
# check and component tests, the real keyring, a real Alertmanager, and end-to-end runs of
# `klaxon watch` and of the app window (Xvfb + tauri-driver + WebKitWebDriver).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/check-toolchain.sh
scripts/install-deps.sh test
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}" NO_AT_BRIDGE=1

echo "== Formatting"
cargo fmt --all --check

echo "== UI: type check, component tests, build"
(cd ui && npm run check && npm test && npm run build)

echo "== Clippy, warnings are errors (after the UI build: the app embeds ui/dist)"
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== Rust: build everything"
cargo build --workspace --all-targets --locked

echo "== Generated UI bindings (types, command wrappers, event listeners) match Rust"
cargo test --locked -p klaxon-app bindings

echo "== Rust: all tests, including those needing the keyring, Alertmanager, D-Bus and a display"
dbus-run-session -- scripts/with-keyring.sh \
  cargo test --workspace --locked -- --include-ignored --skip missing_keyring_is_a_clear_error

echo "== Rust: a missing keyring is a clear error"
DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent \
  cargo test --locked -p klaxon-secrets --test os_keyring -- --ignored missing_keyring_is_a_clear_error
