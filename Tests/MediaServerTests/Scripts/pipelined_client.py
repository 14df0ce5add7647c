#!/usr/bin/env python3
"""Independent pipelining client: sends COUNT range requests in one write on one connection, only then reads,
slowly at first so the server has responses in flight and requests queued behind them, and checks every response
in order, byte for byte, against the materialized image. Usage: pipelined_client.py URL IMAGE COUNT SEED
Prints one JSON object: {"ok": n, "failures": [...]}."""
import json, random, socket, sys, time, urllib.parse

url, image_path, count, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = open(image_path, "rb").read()
parts = urllib.parse.urlsplit(url)
rng = random.Random(seed)
ranges = []
for _ in range(count):
    a = rng.randrange(0, len(data) - 1)
    ranges.append((a, min(len(data) - 1, a + rng.randrange(0, 256 << 10))))
request = b"".join(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.hostname}\r\nRange: bytes={a}-{b}\r\n\r\n".encode()
                   for a, b in ranges)
sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 10)
sock.sendall(request)
buffer = b""
def read_until(predicate, slow):
    global buffer
    while not predicate():
        chunk = sock.recv(16 << 10)
        if not chunk:
            raise EOFError(f"connection closed with {len(buffer)} bytes unparsed")
        buffer += chunk
        if slow:
            time.sleep(0.002)
result = {"ok": 0, "failures": []}
for index, (a, b) in enumerate(ranges):
    slow = index < 5  # the first responses are read slowly: the server must queue the rest, not drop them
    read_until(lambda: b"\r\n\r\n" in buffer, slow)
    head, _, buffer = buffer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "-1"))
    read_until(lambda: len(buffer) >= length, slow)
    body, buffer = buffer[:length], buffer[length:]
    status = lines[0].split(" ")[1]
    want = data[a:b + 1]
    if status == "206" and headers.get("content-range") == f"bytes {a}-{b}/{len(data)}" and body == want:
        result["ok"] += 1
    else:
        result["failures"].append({"index": index, "status": status, "range": f"{a}-{b}",
                                   "content_range": headers.get("content-range"), "same_body": body == want})
print(json.dumps(result))
