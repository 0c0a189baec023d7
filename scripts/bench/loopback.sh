# Sourced by scripts/bench/bench-http.sh and scripts/bench/load-test.sh: wrk and the
# tools they need, the release binary, a work folder and a free loopback
# port, and the server started there. Uses $BIN; sets WORK, PORT, BASE and
# SERVER_PID (the server is stopped and WORK removed on exit).

# wrk from Debian's packages when missing; curl and python3 must be there.
need_load_tools() {
  if ! command -v wrk >/dev/null; then
    echo "installing wrk (Debian package)…"
    if [ "$(id -u)" = 0 ]; then
      apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
    else
      sudo apt-get install -y -qq wrk
    fi
  fi
  for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
  done
}

# Builds the release binary unless SKIP_BUILD=1; $BIN must then exist.
release_binary() {
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    cargo build --release --locked -p ttokjang
  fi
  [ -x "$BIN" ] || { echo "no release binary at $BIN" >&2; exit 1; }
}

# A fresh work folder and a free port; both are cleaned up on exit.
loopback_setup() {
  WORK="$(mktemp -d)"
  PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  BASE="http://127.0.0.1:$PORT"
  SERVER_PID=""
  trap loopback_cleanup EXIT
}

loopback_cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}

# start_server TRIES COMMAND…: runs the server command in the background
# (output in $WORK/server.log) and waits up to TRIES × 0.2 s for /readyz.
start_server() {
  local tries="$1"; shift
  "$@" >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 "$tries"); do
    curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS "$BASE/readyz" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
}
