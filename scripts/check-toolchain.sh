#!/usr/bin/env bash
# Fails early, and clearly, when the Rust or Node toolchain is missing or too old.
set -euo pipefail
need() { printf 'klaxon: %s\n' "$1" >&2; exit 2; }
command -v cargo >/dev/null || need "cargo not found: install Rust 1.94 or newer (https://rustup.rs), then retry"
command -v node >/dev/null || need "node not found: install Node.js 20.19 or newer with npm, then retry"
rust_minor=$(rustc --version | sed -E 's/rustc 1\.([0-9]+).*/\1/')
[ "$rust_minor" -ge 94 ] || need "Rust $(rustc --version) is too old: Klaxon needs 1.94 or newer"
node_ver=$(node --version | sed 's/^v//')
IFS=. read -r major minor _ <<<"$node_ver"
{ [ "$major" -gt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -ge 19 ]; }; } || need "Node $node_ver is too old: Klaxon's UI build needs 20.19 or newer"
