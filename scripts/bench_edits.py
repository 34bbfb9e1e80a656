"""Drives edits for scripts/bench-edits, each client over its own keep-alive connection.

    bench_edits.py PORT TOKEN latency N        N edits, one after another: p50 / p99 request → 201
    bench_edits.py PORT TOKEN sustained S [C]  edits for S seconds from C clients (default 1) at
                                               once: edits per second
    bench_edits.py PORT TOKEN paced S R        R edits per second for S seconds (one client)
    bench_edits.py PORT TOKEN known 0          three earlier edits' instants, for known_at
"""
import http.client
import json
import random
import sys
import threading
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


def edit(conn=conn, rng=rng):
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
    clients = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    end, counts = time.perf_counter() + amount, [0] * clients

    def client(k):
        mine = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine_rng = random.Random(100 + k)
        while time.perf_counter() < end:
            edit(mine, mine_rng)
            counts[k] += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    label = f"sustained edits, {clients} client" + ("s" if clients > 1 else "")
    print(f"{label:<44} {sum(counts) / amount:.0f} edits/s")
elif mode == "paced":
    rate = float(sys.argv[5])
    start, n = time.perf_counter(), 0
    while time.perf_counter() < start + amount:
        edit()
        n += 1
        wait = start + n / rate - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
    print(f"{'paced edits':<44} {n / amount:.0f} edits/s")
else:
    # Instants of earlier edits, for known_at: scripts/bench-edits asks for the snapshots with
    # curl, like the other snapshot figures.
    conn.request("GET", "/api/edits?limit=300")
    edits = json.loads(conn.getresponse().read())["edits"]
    for back in (1, 100, 250):
        print(edits[min(back, len(edits) - 1)]["at"])
