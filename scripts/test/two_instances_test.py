#!/usr/bin/env python3
"""Two `ttokjang serve` instances on one PostgreSQL database (stdlib only); run
through scripts/test/two-instances-test.sh, which creates and drops the database.

Clients alternate between the instances, as behind no balancer, and check that
sessions, payment idempotency and the scheduler stay correct.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

BIN = os.environ["TTOKJANG_BIN"]
WORK = os.environ["TI_WORK"]
DB_URL = os.environ["TI_DATABASE_URL"]
PSQL = os.environ.get("TI_PSQL", "psql")
ADMIN_URL = os.environ["TI_ADMIN_URL"]
PASSWORD = os.environ["TI_PASSWORD"]
SECRET = os.environ["TI_JWT_SECRET"]
PORTS = [int(p) for p in os.environ["TI_PORTS"].split(",")]
LOGDIR = os.environ["TI_LOGDIR"]
EMAIL = "demo@ttokjang.app"
A, B = (f"http://127.0.0.1:{p}" for p in PORTS)
servers = []
checks = [0]


def stop_all():
    for s in servers:
        if s.poll() is None:
            s.kill()
            s.wait()


def fail(msg):
    print(f"two-instances: FAIL: {msg}", file=sys.stderr)
    stop_all()
    sys.exit(1)


def ok(msg):
    checks[0] += 1
    print(f"two-instances: ok: {msg}")


def req(base, method, path, body=None, token=None, headers=None, timeout=15):
    data = None if body is None else json.dumps(body).encode()
    r = urllib.request.Request(base + "/api/v1" + path if not path.startswith("/healthz") else base + path,
                               data=data, method=method)
    if data is not None:
        r.add_header("Content-Type", "application/json")
    if token:
        r.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        r.add_header(k, v)
    try:
        with urllib.request.urlopen(r, timeout=timeout) as resp:
            raw = resp.read()
            return resp.status, (json.loads(raw) if raw else None), dict(resp.headers)
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, (json.loads(raw) if raw else None), dict(e.headers)
        except ValueError:
            return e.code, raw, dict(e.headers)


def expect(cond, msg):
    if not cond:
        fail(msg)


def code(body):
    return body.get("error", {}).get("code") if isinstance(body, dict) else None


def sql(query):
    out = subprocess.run([PSQL, "-X", "-qAt", DB_URL, "-c", query], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        fail(f"psql: {out.stderr.strip()}")
    return out.stdout.strip()


def start(idx):
    env = dict(os.environ, DATA_DIR=os.path.join(WORK, f"data{idx}"), DATABASE_URL=DB_URL,
               BIND_ADDR=f"127.0.0.1:{PORTS[idx]}", DEMO_PASSWORD=PASSWORD, JWT_SECRET=SECRET,
               RUST_LOG="info", HTTP_WORKERS="2", SCHEDULER_ENABLED="true", SCHEDULER_POLL_S="1",
               WEB_DIST=os.path.join(WORK, "no-web"))
    os.makedirs(env["DATA_DIR"], exist_ok=True)
    log = open(os.path.join(LOGDIR, f"two-instances-{'ab'[idx]}.log"), "wb")
    # Output to a file, never a pipe.
    p = subprocess.Popen([BIN, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    with open(os.path.join(WORK, f"server{idx}.pid"), "w") as f:  # for the watchdog
        f.write(str(p.pid))
    servers.append(p)


def wait_healthy(base, proc, limit=120):
    end = time.time() + limit
    while time.time() < end:
        if proc.poll() is not None:
            fail(f"the instance at {base} exited with {proc.returncode}; see {LOGDIR}")
        try:
            if req(base, "GET", "/healthz", timeout=2)[0] == 200:
                return
        except Exception:
            pass
        time.sleep(0.1)
    fail(f"the instance at {base} did not become healthy")


def login(base):
    st, body, _ = req(base, "POST", "/auth/login", {"email": EMAIL, "password": PASSWORD})
    expect(st == 200, f"login on {base} answered {st}: {body}")
    return body


def concurrently(*calls):
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i, f):
        barrier.wait()
        try:
            results[i] = f()
        except Exception as e:  # noqa: BLE001
            results[i] = e

    ts = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(calls)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    return results


def sessions():
    s = login(A)
    st, me, _ = req(B, "GET", "/auth/me", token=s["access_token"])
    expect(st == 200 and me["email"] == EMAIL, f"GET /auth/me on B with A's token answered {st}: {me}")
    ok("login on A, /auth/me on B")

    st, s2, _ = req(A, "POST", "/auth/refresh", {"refresh_token": s["refresh_token"]})
    expect(st == 200, f"refresh on A answered {st}: {s2}")
    st, me, _ = req(B, "GET", "/auth/me", token=s2["access_token"])
    expect(st == 200, f"the refreshed access token on B answered {st}")
    st, body, _ = req(B, "POST", "/auth/refresh", {"refresh_token": s["refresh_token"]})
    expect(st == 401 and code(body) == "REFRESH_TOKEN_REUSED",
           f"reusing the spent refresh token on B answered {st}: {body}")
    for name, base in (("A", A), ("B", B)):
        st, body, _ = req(base, "GET", "/auth/me", token=s2["access_token"])
        expect(st == 401, f"after reuse, the session's access token on {name} answered {st}")
        st, body, _ = req(base, "POST", "/auth/refresh", {"refresh_token": s2["refresh_token"]})
        expect(st == 401, f"after reuse, the session's newest refresh token on {name} answered {st}")
    ok("refresh on A, reuse of the old refresh token on B → 401 REFRESH_TOKEN_REUSED, session dead on both")

    s = login(B)
    st, body, _ = req(B, "POST", "/auth/logout", token=s["access_token"])
    expect(st == 204, f"logout on B answered {st}: {body}")
    st, body, _ = req(A, "GET", "/auth/me", token=s["access_token"])
    expect(st == 401, f"after logout on B, the access token on A answered {st}")
    st, body, _ = req(A, "POST", "/auth/refresh", {"refresh_token": s["refresh_token"]})
    expect(st == 401, f"after logout on B, the refresh token on A answered {st}")
    ok("logout on B → access and refresh token refused on A")

    for i in range(5):
        s = login(A if i % 2 else B)
        rs = concurrently(lambda: req(A, "POST", "/auth/refresh", {"refresh_token": s["refresh_token"]}),
                          lambda: req(B, "POST", "/auth/refresh", {"refresh_token": s["refresh_token"]}))
        sts = sorted(r[0] for r in rs)
        expect(sts == [200, 401], f"concurrent refresh of one token on A and B answered {sts}")
    ok("concurrent refresh of one token on A and B: exactly one succeeds (5 rounds)")


def idempotency():
    tok = login(A)["access_token"]
    rounds = 8
    for i in range(rounds):
        st, order, _ = req(A if i % 2 else B, "POST", "/users/me/orders",
                           {"lines": [{"name": f"two-instances {i}", "quantity": 1, "unit_price_krw": 1000 + i}]},
                           token=tok)
        expect(st == 201, f"creating an order answered {st}: {order}")
        key = str(uuid.uuid4())
        body = {"order_id": order["id"], "amount_krw": order["total_krw"]}

        def send(base):
            # 409 means "the first request still runs": retry shortly, get the replay.
            for _ in range(100):
                st, ans, hdr = req(base, "POST", "/payments/intents", body, tok, {"Idempotency-Key": key})
                if st != 409:
                    return st, ans, hdr
                time.sleep(0.05)
            return st, ans, hdr

        rs = concurrently(lambda: send(A), lambda: send(B))
        for r in rs:
            expect(not isinstance(r, Exception), f"intent request failed: {r}")
            expect(r[0] == 201, f"creating the intent answered {r[0]}: {r[1]}")
        ids = {r[1]["id"] for r in rs}
        expect(len(ids) == 1, f"the same Idempotency-Key on A and B made two intents: {ids}")
        replayed = [r[2].get("Idempotent-Replayed") or r[2].get("idempotent-replayed") for r in rs]
        expect(replayed.count("true") == 1, f"exactly one answer should be a replay, got {replayed}")
        n = sql(f"SELECT count(*) FROM payment_intents WHERE order_id = '{order['id']}'")
        expect(n == "1", f"{n} payment intents stored for one order and one key")
    ok(f"same Idempotency-Key + body on A and B concurrently → one intent ({rounds} rounds)")


def scheduler():
    tok = login(B)["access_token"]
    # A run plans the basket: an empty one would (rightly) end the run failed.
    st, body, _ = req(A, "POST", "/basket/items", {"name": "우유", "quantity": 1}, token=tok)
    expect(st in (200, 201), f"adding to the basket answered {st}: {body}")
    total, batch = 30, 15  # at most 20 live reservations per shopper: two batches, cancelled after
    all_runs = 0
    for b in range(total // batch):
        res = []
        for i in range(batch):
            base = A if i % 2 else B
            st, r, _ = req(base, "POST", "/reservations",
                           {"title": f"two-instances {b}-{i}", "schedule_type": "once",
                            "run_at": "2030-01-01T09:00:00+09:00"}, token=tok)
            expect(st == 201, f"creating a reservation answered {st}: {r}")
            res.append(r["id"])
        # How many runs each reservation must end with: one per 202.
        accepted = {}
        for i, rid in enumerate(res):
            if i % 3 == 0:
                # Run now on both instances at once: one queues it, the other is 409.
                rs = concurrently(lambda: req(A, "POST", f"/reservations/{rid}/run", token=tok),
                                  lambda: req(B, "POST", f"/reservations/{rid}/run", token=tok))
                sts = sorted(r[0] for r in rs)
                # Normally one queues it and the other is 409; if the first run
                # already finished when the second arrived, both are accepted
                # (two runs, each still carried out exactly once).
                expect(sts in ([202, 409], [202, 202]), f"run now on A and B at once answered {sts}")
                accepted[rid] = sts.count(202)
            else:
                st, run, _ = req(B if i % 2 else A, "POST", f"/reservations/{rid}/run", token=tok)
                expect(st == 202, f"run now answered {st}: {run}")
                accepted[rid] = 1
        deadline = time.time() + 60
        pending = set(res)
        runs = {}
        while pending and time.time() < deadline:
            for rid in sorted(pending):
                st, page, _ = req(A if len(pending) % 2 else B, "GET", f"/reservations/{rid}/runs?limit=100", token=tok)
                expect(st == 200, f"GET runs answered {st}: {page}")
                if page["items"] and all(r["status"] not in ("queued", "running") for r in page["items"]):
                    runs[rid] = page["items"]
                    pending.discard(rid)
            if pending:
                time.sleep(0.5)
        expect(not pending, f"{len(pending)} run-now runs were not carried out within 60 s")
        for rid, items in runs.items():
            expect(len(items) == accepted[rid],
                   f"reservation {rid} has {len(items)} runs for {accepted[rid]} accepted run-now: {items}")
            for r in items:
                expect(r["trigger"] == "manual" and r["status"] in ("success", "degraded"),
                       f"run {r['id']} ended {r['status']}: {r}")
                expect(r["started_at"] and r["finished_at"], f"run {r['id']} lacks start/finish times")
        # Each finished run is in the inbox once (a run carried out twice would show twice).
        ids = ",".join(f"'{rid}'" for rid in res)
        dup = sql(f"SELECT count(*) FROM (SELECT run_id FROM notifications WHERE reservation_id IN ({ids}) "
                  f"GROUP BY run_id HAVING count(*) > 1) d")
        expect(dup == "0", f"{dup} runs were notified more than once")
        n_runs = sql(f"SELECT count(*) FROM reservation_runs WHERE reservation_id IN ({ids})")
        want = sum(accepted.values())
        expect(n_runs == str(want), f"{n_runs} runs stored for {want} accepted run-nows")
        n_notes = sql(f"SELECT count(*) FROM notifications WHERE reservation_id IN ({ids})")
        expect(n_notes == str(want), f"{n_notes} notifications for {want} runs")
        all_runs += len(runs)
        for i, rid in enumerate(res):
            st, body, _ = req(A if i % 2 else B, "DELETE", f"/reservations/{rid}", token=tok)
            expect(st == 204, f"cancelling a reservation answered {st}: {body}")
    ok(f"{total} run-nows spread over A and B: each carried out exactly once, notified once ({all_runs} runs)")


def main():
    t0 = time.time()
    # Both start at once on the empty database: migrations, demo account and
    # sample catalog must cope with the race.
    start(0)
    start(1)
    wait_healthy(A, servers[0])
    wait_healthy(B, servers[1])
    ok("both instances started at once on one empty database")
    n = sql("SELECT count(*) FROM users")
    expect(n == "1", f"{n} users after both instances seeded the demo account")
    sessions()
    idempotency()
    scheduler()
    for s in servers:
        expect(s.poll() is None, "an instance died during the test")
    for s in servers:
        s.send_signal(signal.SIGTERM)
    for s in servers:
        try:
            s.wait(20)
        except subprocess.TimeoutExpired:
            fail("an instance did not stop on SIGTERM within 20 s")
    print(f"two-instances: all {checks[0]} checks passed in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_all()
