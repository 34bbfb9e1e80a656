"""Drives edits for scripts/bench-edits over one keep-alive connection.

    bench_edits.py PORT TOKEN latency N     N edits, one after another: p50 / p99 request → 201
    bench_edits.py PORT TOKEN sustained S   edits for S seconds: edits per second
    bench_edits.py PORT TOKEN known 0       an uncached snapshot with known_at (ms)
"""
import http.client
import json
import random
import sys
import time

port, token, mode, amount = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
conn.request("GET", "/api/districts?geometry=none")
districts = [f["id"] for f in json.loads(conn.getresponse().read())["features"]]
conn.request("GET", "/api/factions")
factions = [f["id"] for f in json.loads(conn.getresponse().read())]
conn.request("GET", "/api/sources")
sources = [s["id"] for s in json.loads(conn.getresponse().read())]
rng = random.Random(5)
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def edit():
    d = rng.choice(districts)
    day = rng.randrange(0, 1000)
    body = {
        "status": "held", "factions": [rng.choice(factions)],
        "valid_from": time.strftime("%Y-%m-%d", time.gmtime(1577836800 + day * 86400)),
        "valid_to": time.strftime("%Y-%m-%d", time.gmtime(1577836800 + (day + 3) * 86400)),
        "confidence": "reported", "sources": [rng.choice(sources)], "comment": "bench",
    }
    start = time.perf_counter()
    conn.request("POST", f"/api/districts/{d}/states", json.dumps(body), headers)
    r = conn.getresponse()
    r.read()
    assert r.status == 201, r.status
    return time.perf_counter() - start


if mode == "latency":
    times = sorted(edit() for _ in range(int(amount)))
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000
    print(f"{'one edit request → 201 (' + str(len(times)) + ' edits)':<44} p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms")
elif mode == "sustained":
    end, n = time.perf_counter() + amount, 0
    while time.perf_counter() < end:
        edit()
        n += 1
    print(f"{'sustained edits, one client':<44} {n / amount:.0f} edits/s")
else:
    conn.request("GET", "/api/edits?limit=2")
    at = json.loads(conn.getresponse().read())["edits"][-1]["at"]
    start = time.perf_counter()
    conn.request("GET", f"/api/snapshot?at=2021-06-01&known_at={at}")
    r = conn.getresponse()
    r.read()
    assert r.status == 200, r.status
    print(f"{(time.perf_counter() - start) * 1000:.0f} ms")
