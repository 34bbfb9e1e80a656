"""The crash and race suite: a real server and real imports, abused as an attacker or an
unlucky operator would, with what must hold after each step asserted and the figures printed.

1. kill -9 during imports, at random points: the database is intact and holds the old data set
   or the new one, never a mix.
2. imports during reloads: a server that reloads while readers hammer it answers every request
   from one whole data set.
3. a crash during an export: the temporary file it leaves is removed at the next start.
4. slow readers: clients that read a large export a byte a second hold little memory, and the
   server goes on answering others; a client that stops reading is dropped after the stall
   timeout.
5. parallel heavy requests: 24 largest report maps and 8 exports at once stay under a memory
   ceiling; what cannot be served at once gets 503 with Retry-After.
6. a connection flood: 2,000 idle connections, and the server still answers.

Run by scripts/test-abuse, which builds the server and passes its path in FRONTLINE_BIN.
Figures go to stdout and to artifacts/abuse.json.
"""

import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

BIN = os.environ["FRONTLINE_BIN"]
# Peak resident memory the server may reach under abuse, MiB.
CEILING_MIB = int(os.environ.get("ABUSE_CEILING_MIB", "1024"))
KILLS = int(os.environ.get("ABUSE_KILLS", "20"))
WORK = tempfile.mkdtemp(prefix="frontline-abuse-")
figures: dict[str, object] = {}
# Every server started, so that none outlives a failed run.
servers: list[subprocess.Popen] = []


def fail(message: str) -> None:
    print(f"abuse: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


def run(*args: str) -> None:
    done = subprocess.run([BIN, *args], capture_output=True, text=True)
    check(done.returncode == 0, f"frontline {' '.join(args)} failed: {done.stderr}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stored(db: str) -> tuple[int, int]:
    """(districts, states) in the database, after an integrity check."""
    con = sqlite3.connect(db)
    try:
        (ok,) = con.execute("PRAGMA integrity_check").fetchone()
        check(ok == "ok", f"integrity_check says {ok}")
        d = con.execute("SELECT count(*) FROM districts").fetchone()[0]
        s = con.execute("SELECT count(*) FROM control_states").fetchone()[0]
        return d, s
    finally:
        con.close()


def rss_mib(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process, MiB."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    kib = lambda k: int(fields[k].split()[0]) / 1024  # noqa: E731
    return kib("VmRSS"), kib("VmHWM")


def lower(headers) -> dict:
    return {k.lower(): v for k, v in headers.items()}


class Server:
    def __init__(self, db: str, seed: str, *extra: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(WORK, f"server-{self.port}.log"), "w")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--db", db, "--listen", f"127.0.0.1:{self.port}",
             "--seed-data", seed, "--web", "web", "--reload-interval", "0.2", *extra],
            stdout=self.log, stderr=subprocess.STDOUT)
        servers.append(self.proc)
        for _ in range(600):
            try:
                self.get("/api/meta")
                return
            except OSError:
                check(self.proc.poll() is None, "the server stopped while starting")
                time.sleep(0.1)
        fail("the server did not start")

    def get(self, path: str, timeout: float = 60) -> tuple[int, dict, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as r:
                return r.status, lower(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, lower(e.headers), e.read()

    def stop(self, signal: str = "TERM") -> None:
        if signal == "KILL":
            self.proc.kill()
        else:
            self.proc.terminate()
        self.proc.wait()


def synth(name: str, districts: int, states: int, seed: int) -> tuple[str, tuple[int, int]]:
    path = os.path.join(WORK, name)
    run("synth", path, "--districts", str(districts), "--states", str(states), "--seed", str(seed))
    return path, (districts, states)


def kills(db: str, small, big) -> None:
    """kill -9 at random points of imports; every time old-or-new, intact."""
    start = time.monotonic()
    run("import", "--db", db, big[0])
    full = time.monotonic() - start
    run("import", "--db", db, small[0])
    rng = random.Random(11)
    outcomes = {"old": 0, "new": 0}
    for _ in range(KILLS):
        before = stored(db)
        target = big if before == small[1] else small
        proc = subprocess.Popen([BIN, "import", "--db", db, target[0]],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, full * 1.2))
        proc.kill()
        proc.wait()
        after = stored(db)
        check(after in (before, target[1]), f"after a kill the store holds {after}: "
              f"neither the old {before} nor the new {target[1]}")
        outcomes["old" if after == before else "new"] += 1
    figures["kill -9 during import"] = {"kills": KILLS, "full import s": round(full, 2),
                                        **outcomes}
    print(f"abuse: {KILLS} imports killed at random points (a whole import takes {full:.1f} s): "
          f"{outcomes['old']} left the old data set, {outcomes['new']} the new, all intact")


def reloads(server: Server, db: str, small, big) -> None:
    """Imports while readers hammer the server: every answer from one whole data set."""
    whole = {small[1], big[1]}
    seen: list[tuple[int, int, int]] = []
    errors: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        last = 0
        while not stop.is_set():
            status, _, body = server.get("/api/meta")
            if status != 200:
                errors.append(f"/api/meta: {status}")
                continue
            meta = json.loads(body)
            pair = (meta["districts"], meta["states"])
            if pair not in whole:
                errors.append(f"a mixed data set: {pair}")
            if meta["revision"] < last:
                errors.append(f"revision went back from {last} to {meta['revision']}")
            last = meta["revision"]
            seen.append((meta["revision"], *pair))
            status, _, body = server.get("/api/snapshot?at=2021-06-01")
            if status != 200:
                errors.append(f"/api/snapshot: {status}")
            elif len(json.loads(body)["features"]) not in (small[1][0], big[1][0]):
                errors.append("a snapshot of neither data set")

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    imports = 8
    for i in range(imports):
        run("import", "--db", db, (big if i % 2 == 0 else small)[0])
        time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join()
    check(not errors, f"{len(errors)} bad answers during reloads, e.g. {errors[:3]}")
    revisions = {r for r, _, _ in seen}
    check(len(revisions) >= imports // 2, f"the server saw only revisions {sorted(revisions)}")
    figures["imports during reloads"] = {"imports": imports, "requests": 2 * len(seen),
                                         "revisions seen": len(revisions)}
    print(f"abuse: {imports} imports while 4 readers made {2 * len(seen)} requests: "
          f"{len(revisions)} revisions served, every answer from one whole data set")


def crash_during_export(db: str, seed: str) -> None:
    """A server killed while writing an export leaves a temporary file; the next start removes it."""
    server = Server(db, seed)
    exports = db + ".exports"
    def export() -> None:
        try:
            server.get("/api/export/kml", timeout=120)
        except OSError:
            pass  # the server was killed: that is the point

    t = threading.Thread(target=export)
    t.start()
    for _ in range(600):
        if os.path.isdir(exports) and any(n.endswith(".tmp") for n in os.listdir(exports)):
            break
        time.sleep(0.01)
    left = [n for n in os.listdir(exports) if n.endswith(".tmp")]
    server.stop("KILL")
    t.join()
    check(left != [], "no temporary export file was seen while writing")
    Server(db, seed).stop()
    remaining = [n for n in os.listdir(exports) if n.endswith(".tmp")]
    check(remaining == [], f"temporary files survive a restart: {remaining}")
    print(f"abuse: a server killed while writing an export left {len(left)} temporary file(s); "
          "the next start removed them")


def slow_readers(server: Server, readers: int = 20, seconds: float = 15) -> None:
    """Clients that read a large export a byte a second."""
    status, _, body = server.get("/api/export/gpkg", timeout=300)
    check(status == 200, f"the export failed: {status}")
    size = len(body)
    base = rss_mib(server.proc.pid)[0]
    socks = []
    for _ in range(readers):
        s = socket.create_connection(("127.0.0.1", server.port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(b"GET /api/export/gpkg HTTP/1.1\r\nHost: x\r\n\r\n")
        s.recv(1024)
        socks.append(s)
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for s in socks:
            s.recv(1)
        start = time.monotonic()
        status, _, _ = server.get("/api/meta")
        latencies.append(time.monotonic() - start)
        check(status == 200, "the server stopped answering others")
        time.sleep(1)
    held = rss_mib(server.proc.pid)[0] - base
    for s in socks:
        s.close()
    latencies.sort()
    median = latencies[len(latencies) // 2] * 1000
    check(held < 200, f"{readers} slow readers hold {held:.0f} MiB")
    figures["slow readers"] = {"readers": readers, "export MB": round(size / 1e6, 1),
                               "memory held MiB": round(held, 1),
                               "others' median ms": round(median, 1)}
    print(f"abuse: {readers} clients reading a {size / 1e6:.0f} MB export a byte a second "
          f"hold {held:.0f} MiB; others are answered in {median:.1f} ms (median)")


def stalled(db: str, seed: str, timeout: int = 5) -> None:
    """A client that stops reading a download is dropped after --stall-timeout."""
    server = Server(db, seed, "--stall-timeout", str(timeout))
    s = socket.create_connection(("127.0.0.1", server.port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(b"GET /api/export/gpkg HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(timeout * 3)
    # What reached the client's buffer is still there; reading it opens the window, and a
    # dropped connection answers that with a reset (or ends), a live one sends more.
    s.settimeout(10)
    got, ended = 0, False
    try:
        while got < 5_000_000:
            chunk = s.recv(65536)
            if not chunk:
                ended = True
                break
            got += len(chunk)
    except ConnectionResetError:
        ended = True
    except TimeoutError:
        pass
    s.close()
    status, _, _ = server.get("/api/meta")
    server.stop()
    check(ended, f"a client that stopped reading for {3 * timeout} s is still connected ({got} bytes)")
    check(status == 200, "the server stopped answering")
    figures["stalled reader"] = {"stall timeout s": timeout, "bytes before the drop": got}
    print(f"abuse: a client that stopped reading a download was dropped after the {timeout} s "
          f"stall timeout ({got} bytes had reached it)")


def heavy(server: Server) -> None:
    """Many of the largest requests at once."""
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()
    peak = [0.0]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mib(server.proc.pid)[0])
            time.sleep(0.05)

    def one(path: str) -> None:
        status, headers, _ = server.get(path, timeout=300)
        with lock:
            results.append((status, headers))

    paths = [f"/api/maps/report.png?at=2021-0{1 + i % 9}-15&width=5000&height=5000"
             for i in range(24)]
    paths += [f"/api/export/{f}" for f in ("kml", "csv", "geojson", "fgb") * 2]
    watcher = threading.Thread(target=watch)
    watcher.start()
    start = time.monotonic()
    threads = [threading.Thread(target=one, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - start
    done.set()
    watcher.join()
    ok = sum(1 for s, _ in results if s == 200)
    busy = [h for s, h in results if s == 503]
    others = [s for s, _ in results if s not in (200, 503)]
    check(not others, f"heavy requests answered {others}")
    check(all("retry-after" in h for h in busy), "a 503 without Retry-After")
    check(ok >= 4, f"only {ok} heavy requests were served")
    check(peak[0] < CEILING_MIB, f"peak memory {peak[0]:.0f} MiB is over {CEILING_MIB} MiB")
    figures["parallel heavy requests"] = {"requests": len(paths), "served": ok,
                                          "503 Retry-After": len(busy),
                                          "peak RSS MiB": round(peak[0]), "s": round(took, 1)}
    print(f"abuse: {len(paths)} heavy requests at once (24 5000×5000 PNG maps, 8 exports): "
          f"{ok} served, {len(busy)} told to retry, peak memory {peak[0]:.0f} MiB "
          f"(ceiling {CEILING_MIB}), {took:.1f} s")


def flood(server: Server, connections: int = 2000) -> None:
    socks = []
    for _ in range(connections):
        socks.append(socket.create_connection(("127.0.0.1", server.port)))
    start = time.monotonic()
    status, _, _ = server.get("/api/meta", timeout=30)
    took = (time.monotonic() - start) * 1000
    for s in socks:
        s.close()
    check(status == 200, f"with {connections} idle connections open, /api/meta gave {status}")
    figures["connection flood"] = {"idle connections": connections, "answer ms": round(took, 1)}
    print(f"abuse: with {connections} idle connections open, a request is answered in "
          f"{took:.1f} ms")


def timed(step, *args) -> None:
    start = time.monotonic()
    step(*args)
    print(f"abuse:   ({time.monotonic() - start:.1f} s)")


def main() -> None:
    small = synth("small", 300, 3_000, 1)
    big = synth("big", 5_000, 100_000, 2)
    db = os.path.join(WORK, "abuse.db")
    timed(kills, db, small, big)
    server = Server(db, small[0])
    timed(reloads, server, db, small, big)
    server.stop()
    run("import", "--db", db, big[0])
    timed(crash_during_export, db, small[0])
    timed(stalled, db, small[0])
    server = Server(db, small[0])
    timed(slow_readers, server)
    timed(heavy, server)
    timed(flood, server)
    figures["peak RSS MiB, whole run"] = round(rss_mib(server.proc.pid)[1])
    server.stop()
    os.makedirs("artifacts", exist_ok=True)
    with open("artifacts/abuse.json", "w") as f:
        json.dump(figures, f, indent=2)
    print(f"abuse: all held; peak memory of the server over the run "
          f"{figures['peak RSS MiB, whole run']} MiB (artifacts/abuse.json)")


if __name__ == "__main__":
    try:
        main()
    finally:
        for proc in servers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        subprocess.run(["rm", "-rf", WORK])
