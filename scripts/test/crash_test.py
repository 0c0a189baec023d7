#!/usr/bin/env python3
"""Crash-safety driver (stdlib only); run through scripts/test/crash-test.sh.

Starts the server on a fresh SQLite file, loops order and basket writes from a
few client threads while SIGKILLing the server at random moments and restarting
it on the same file, then checks that every write answered 2xx is stored exactly
once, that no write is stored twice, and that PRAGMA integrity_check is ok.
"""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

BIN = os.environ["TTOKJANG_BIN"]
WORK = os.environ["CRASH_WORK"]
LOG = os.environ["CRASH_LOG"]
PORT = int(os.environ["CRASH_PORT"])
PASSWORD = os.environ["CRASH_PASSWORD"]
SECRET = os.environ["CRASH_JWT_SECRET"]
DURATION = float(os.environ.get("CRASH_DURATION_S", "60"))
WRITERS = int(os.environ.get("CRASH_WRITERS", "4"))
DB = os.path.join(WORK, "crash.db")
BASE = f"http://127.0.0.1:{PORT}"
EMAIL = "demo@ttokjang.app"
MAX_BASKET = 95  # the basket holds at most 100 lines

rng = random.Random(int(os.environ.get("CRASH_SEED", str(int(time.time())))))


def fail(msg):
    print(f"crash-test: FAIL: {msg}", file=sys.stderr)
    stop_server(signal.SIGKILL)
    sys.exit(1)


def request(method, path, body=None, token=None, timeout=10):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw) if raw else None
        except ValueError:
            return e.code, raw
    # Anything else (refused, reset, timeout) propagates: the outcome is unknown.


# --- the server ---------------------------------------------------------------
server = None
server_lock = threading.Lock()
logf = open(LOG, "ab")


def start_server():
    global server
    env = dict(os.environ, DATA_DIR=WORK, DATABASE_URL=f"sqlite://{DB}",
               BIND_ADDR=f"127.0.0.1:{PORT}", DEMO_PASSWORD=PASSWORD,
               JWT_SECRET=SECRET, RUST_LOG="info", HTTP_WORKERS="2",
               SCHEDULER_ENABLED="false", WEB_DIST=os.path.join(WORK, "no-web"))
    logf.write(b"\n===== crash-test: start =====\n")
    logf.flush()
    with server_lock:
        # Output to a file, never a pipe: a dead reader can never block it.
        server = subprocess.Popen([BIN, "serve"], env=env, stdout=logf,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        with open(os.path.join(WORK, "server.pid"), "w") as f:  # for the watchdog
            f.write(str(server.pid))
    return server


def stop_server(sig):
    global server
    with server_lock:
        if server and server.poll() is None:
            server.send_signal(sig)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def wait_healthy(limit=60):
    end = time.time() + limit
    while time.time() < end:
        if server.poll() is not None:
            return False
        try:
            if request("GET", "/healthz", timeout=2)[0] == 200:
                return True
        except Exception:
            pass
        time.sleep(0.05)
    return False


# --- the shared session -------------------------------------------------------
token_lock = threading.Lock()
token = [None]


def login():
    st, body = request("POST", "/api/v1/auth/login", {"email": EMAIL, "password": PASSWORD})
    if st != 200:
        raise RuntimeError(f"login answered {st}: {body}")
    return body["access_token"]


def relogin(stale):
    with token_lock:
        if token[0] == stale:
            token[0] = login()
        return token[0]


# --- the writers --------------------------------------------------------------
stats_lock = threading.Lock()
acked_orders, acked_items = set(), set()
attempted = {"order": 0, "item": 0}
unknown = {"order": 0, "item": 0}
http_5xx = []
other_4xx = []
seq = [0]
t_start = [time.time()]
basket_sent = [0]
stop = threading.Event()
run_id = f"{int(time.time())}-{rng.randrange(1 << 30):x}"


def next_write():
    with stats_lock:
        seq[0] += 1
        n = seq[0]
        # Basket additions are spread over the whole run (the basket holds 100 lines).
        due = MAX_BASKET * min(1.0, (time.time() - t_start[0]) / DURATION)
        if basket_sent[0] < due and rng.random() < 0.5:
            basket_sent[0] += 1
            return "item", f"crash-item-{run_id}-{n}"
        return "order", f"crash-order-{run_id}-{n}"


def writer():
    while not stop.is_set():
        kind, name = next_write()
        if kind == "order":
            path, body = "/api/v1/users/me/orders", {
                "lines": [{"name": name, "quantity": 1 + rng.randrange(3), "unit_price_krw": 1000}],
                "fees_krw": 0}
        else:
            path, body = "/api/v1/basket/items", {"name": name, "quantity": 1}
        with stats_lock:
            attempted[kind] += 1
        tok = token[0]
        for _ in range(2):  # a 401 is answered before anything is written: retry once
            try:
                st, ans = request("POST", path, body, tok)
            except Exception:
                with stats_lock:
                    unknown[kind] += 1
                time.sleep(0.02)
                break
            if st == 401:
                try:
                    tok = relogin(tok)
                except Exception:
                    with stats_lock:
                        unknown[kind] += 1
                    break
                continue
            with stats_lock:
                if 200 <= st < 300:
                    (acked_orders if kind == "order" else acked_items).add(name)
                elif st >= 500:
                    http_5xx.append((st, path, ans))
                else:
                    other_4xx.append((st, path, ans))
            break


def main():
    t0 = time.time()
    start_server()
    if not wait_healthy(120):
        fail(f"the server did not start; see {LOG}")
    token[0] = login()
    t_start[0] = time.time()
    threads = [threading.Thread(target=writer, daemon=True) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    kills = during_start = 0
    end = time.time() + DURATION
    while time.time() < end:
        time.sleep(rng.uniform(0.5, 3.0))
        stop_server(signal.SIGKILL)
        kills += 1
        start_server()
        if rng.random() < 0.15:
            # Sometimes kill it again while it is still starting (migrations, pool).
            time.sleep(rng.uniform(0.0, 0.4))
            stop_server(signal.SIGKILL)
            kills += 1
            during_start += 1
            start_server()
        if not wait_healthy(60):
            fail(f"the server did not come back after kill #{kills}; see {LOG}")
    stop.set()
    for t in threads:
        t.join(30)
    stop_server(signal.SIGKILL)
    kills += 1

    # The file as the last SIGKILL left it.
    con = sqlite3.connect(DB)
    integrity = con.execute("PRAGMA integrity_check").fetchall()
    fk = con.execute("PRAGMA foreign_key_check").fetchall()
    con.close()

    start_server()
    if not wait_healthy(60):
        fail(f"the server did not start for the final check; see {LOG}")
    tok = login()
    orders, cursor, pages = [], None, 0
    while True:
        q = "/api/v1/users/me/orders?limit=100" + (f"&cursor={urllib.request.quote(cursor)}" if cursor else "")
        st, page = request("GET", q, token=tok)
        if st != 200:
            fail(f"listing orders answered {st}: {page}")
        orders += page["items"]
        pages += 1
        cursor = page.get("next_cursor")
        if not cursor:
            break
        if pages > 1000:
            fail("order pagination does not end")
    st, basket = request("GET", "/api/v1/basket", token=tok)
    if st != 200:
        fail(f"GET /basket answered {st}: {basket}")
    stop_server(signal.SIGTERM)

    problems = []
    if [r[0] for r in integrity] != ["ok"]:
        problems.append(f"PRAGMA integrity_check: {integrity[:10]}")
    if fk:
        problems.append(f"PRAGMA foreign_key_check: {fk[:10]}")
    ids = [o["id"] for o in orders]
    if len(ids) != len(set(ids)):
        problems.append("an order id appears on two pages of the listing")
    count = {}
    for o in orders:
        for line in o["lines"]:
            count[line["name"]] = count.get(line["name"], 0) + 1
    icount = {}
    for it in basket["items"]:
        icount[it["name"]] = icount.get(it["name"], 0) + 1
    lost_o = sorted(n for n in acked_orders if count.get(n, 0) == 0)
    dup_o = sorted(n for n, c in count.items() if c > 1)
    lost_i = sorted(n for n in acked_items if icount.get(n, 0) == 0)
    dup_i = sorted(n for n, c in icount.items() if c > 1)
    bad_qty = sorted(it["name"] for it in basket["items"] if it["quantity"] != 1)
    stray_o = sorted(n for n in count if not n.startswith(f"crash-order-{run_id}-"))
    stray_i = sorted(n for n in icount if not n.startswith(f"crash-item-{run_id}-"))
    for label, xs in [("acknowledged orders missing", lost_o), ("orders stored twice", dup_o),
                      ("acknowledged basket lines missing", lost_i), ("basket lines stored twice", dup_i),
                      ("basket lines whose quantity is not 1 (a write applied twice)", bad_qty),
                      ("orders nobody wrote", stray_o), ("basket lines nobody wrote", stray_i)]:
        if xs:
            problems.append(f"{label}: {len(xs)}, e.g. {xs[:5]}")
    if http_5xx:
        problems.append(f"{len(http_5xx)} answers were 5xx, e.g. {http_5xx[:3]}")
    if other_4xx:
        problems.append(f"{len(other_4xx)} unexpected 4xx answers, e.g. {other_4xx[:3]}")
    if not acked_orders or not acked_items:
        problems.append("no write was acknowledged at all")

    print(f"crash-test: {time.time() - t0:.0f} s, {kills} SIGKILLs ({during_start} during start-up); "
          f"orders: {attempted['order']} sent, {len(acked_orders)} acknowledged, {unknown['order']} unanswered, "
          f"{len(orders)} stored; basket: {attempted['item']} sent, {len(acked_items)} acknowledged, "
          f"{unknown['item']} unanswered, {len(basket['items'])} stored; integrity_check: {integrity[0][0]}")
    if problems:
        for p in problems:
            print(f"crash-test: VIOLATION: {p}", file=sys.stderr)
        sys.exit(1)
    print("crash-test: ok — every acknowledged write is stored exactly once, nothing twice, the file is sound")


if __name__ == "__main__":
    try:
        main()
    finally:
        stop.set()
        stop_server(signal.SIGKILL)
