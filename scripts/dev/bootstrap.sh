#!/usr/bin/env bash
# Installs what building needs on a fresh machine of this kind (Debian + rustup):
# the pinned Rust toolchain, a C compiler, libpq headers, Node.js for the web app.
set -euo pipefail
cd "$(dirname "$0")/../.."

need_apt=()
command -v cc >/dev/null 2>&1 || need_apt+=(build-essential)
command -v pg_config >/dev/null 2>&1 || need_apt+=(libpq-dev)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "bootstrap: installing ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "bootstrap: cargo is missing; install rustup (https://rustup.rs) and re-run" >&2
  exit 1
fi
# rust-toolchain.toml pins the version; this installs it when absent.
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install "$(sed -n 's/^channel = "\(.*\)"/\1/p' rust-toolchain.toml)" --profile minimal -c rustfmt,clippy
