#!/usr/bin/env python3
"""Independent range client: N random Range requests over keep-alive connections, each response checked
byte for byte against the materialized image. Usage: range_client.py URL IMAGE COUNT SEED CONNECTIONS
Prints one JSON object: {"ok": n, "failures": [...], "statuses": {...}}."""
import http.client, json, random, sys, threading, urllib.parse

url, image_path, count, seed, connections = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
data = open(image_path, "rb").read()
size = len(data)
parts = urllib.parse.urlsplit(url)
lock = threading.Lock()
result = {"ok": 0, "failures": [], "statuses": {}}

def expected(spec):
    """(status, first, last) per RFC 9110 for a single range-spec; None for a 416."""
    a, b = spec
    if a is None:  # suffix
        return (206, max(0, size - b), size - 1) if b > 0 else None
    if a >= size:
        return None
    return (206, a, min(b, size - 1) if b is not None else size - 1)

def worker(index, n):
    rng = random.Random(seed * 1000 + index)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    for _ in range(n):
        kind = rng.random()
        if kind < 0.6:
            a = rng.randrange(0, size); b = a + rng.randrange(0, 1 << 17)
            spec, header = (a, b), f"bytes={a}-{b}"
        elif kind < 0.75:
            a = rng.randrange(0, size); spec, header = (a, None), f"bytes={a}-"
        elif kind < 0.9:
            n_ = rng.randrange(1, 1 << 17); spec, header = (None, n_), f"bytes=-{n_}"
        elif kind < 0.95:
            a = size + rng.randrange(0, 1000); spec, header = (a, None), f"bytes={a}-"
        else:
            a = rng.randrange(0, size); spec, header = (a, a + (1 << 30)), f"bytes={a}-{a + (1 << 30)}"
        conn.request("GET", parts.path, headers={"Range": header})
        response = conn.getresponse()
        body = response.read()
        want = expected(spec)
        problem = None
        if want is None:
            if response.status != 416 or response.getheader("Content-Range") != f"bytes */{size}":
                problem = f"{header}: want 416, got {response.status} {response.getheader('Content-Range')}"
        else:
            _, first, last = want
            if response.status != 206:
                problem = f"{header}: want 206, got {response.status}"
            elif response.getheader("Content-Range") != f"bytes {first}-{last}/{size}":
                problem = f"{header}: Content-Range {response.getheader('Content-Range')}"
            elif int(response.getheader("Content-Length")) != last - first + 1 or body != data[first:last + 1]:
                problem = f"{header}: body differs ({len(body)} bytes)"
        with lock:
            result["statuses"][str(response.status)] = result["statuses"].get(str(response.status), 0) + 1
            if problem:
                result["failures"].append(problem)
            else:
                result["ok"] += 1
    conn.close()

threads = [threading.Thread(target=worker, args=(i, count // connections)) for i in range(connections)]
for t in threads: t.start()
for t in threads: t.join()
result["failures"] = result["failures"][:20]
print(json.dumps(result))
