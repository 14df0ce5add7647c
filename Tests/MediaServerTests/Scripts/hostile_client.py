#!/usr/bin/env python3
"""Hostile input against a media server process, with a valid range read checked between every phase.
Usage: hostile_client.py URL IMAGE PID IDLE_TIMEOUT. Prints one JSON object with per-phase results and the
server's open file descriptors and RSS before, during and after."""
import http.client, json, os, random, socket, sys, time, urllib.parse

url, image_path, pid, idle_timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
data = open(image_path, "rb").read()
parts = urllib.parse.urlsplit(url)
address = (parts.hostname, parts.port)
report = {"phases": {}, "valid_failures": []}

def fds():
    return len(os.listdir(f"/proc/{pid}/fd"))

def rss_kib():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

def valid(tag):
    a = random.randrange(0, len(data) - 5000)
    conn = http.client.HTTPConnection(*address, timeout=10)
    try:
        conn.request("GET", parts.path, headers={"Range": f"bytes={a}-{a + 4095}"})
        r = conn.getresponse()
        body = r.read()
        if r.status != 206 or body != data[a:a + 4096]:
            report["valid_failures"].append(f"{tag}: {r.status}")
    except Exception as e:
        report["valid_failures"].append(f"{tag}: {e!r}")
    finally:
        conn.close()

def raw(payload, read_timeout=5):
    """Sends raw bytes, returns the first response line (or '' when closed without one)."""
    s = socket.create_connection(address, timeout=read_timeout)
    try:
        s.sendall(payload)
        received = b""
        while b"\r\n" not in received:
            chunk = s.recv(4096)
            if not chunk:
                break
            received += chunk
        return received.split(b"\r\n", 1)[0].decode("latin-1")
    except (ConnectionResetError, BrokenPipeError):
        return "reset"
    finally:
        s.close()

def closed_by_server(s, timeout):
    s.settimeout(timeout)
    try:
        while True:
            chunk = s.recv(4096)
            if not chunk:
                return True
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True

for i in range(20): valid("warm-up")
time.sleep(0.5)
report["baseline"] = {"fds": fds(), "rss_kib": rss_kib()}

# Garbage request lines and binary junk: 400, connection closed.
garbage = [b"GARBAGE\r\n\r\n", b"\x00\x01\x02\xff\xfe\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n",
           b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", b"G E T / HTTP/1.1\r\n\r\n", b"GET / HTTP/1.1\r\nHost\r\n\r\n"]
report["phases"]["garbage"] = [raw(p) for p in garbage]
valid("after garbage")

# Oversized headers: one huge field, many fields.
big_field = b"GET " + parts.path.encode() + b" HTTP/1.1\r\nX-Big: " + b"x" * 20000 + b"\r\n\r\n"
many_fields = b"GET " + parts.path.encode() + b" HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(500)) + b"\r\n"
report["phases"]["oversized"] = [raw(big_field), raw(many_fields)]
valid("after oversized headers")

# 1,000 connections opened and dropped: plain, after a partial request, and in the middle of a full download.
for i in range(1000):
    s = socket.create_connection(address, timeout=5)
    if i % 3 == 1:
        s.sendall(b"GET " + parts.path.encode() + b" HTTP/1.1\r\nRange: bytes=0-")
    elif i % 3 == 2:
        s.sendall(b"GET " + parts.path.encode() + b" HTTP/1.1\r\n\r\n")
        s.recv(1000)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00" if i % 2 else b"\x00" * 8)
    s.close()
    if i % 250 == 0:
        valid(f"during drops {i}")
report["phases"]["dropped"] = 1000
report["during"] = {"fds": fds(), "rss_kib": rss_kib()}
valid("after drops")

# Idle clients: connect, send nothing (and one trickling a header): the server closes them after the idle timeout.
idle = [socket.create_connection(address, timeout=5) for _ in range(50)]
idle[0].sendall(b"GET / HTTP/1.1\r\nX-Slow: ")
valid("with idle clients")
start = time.time()
report["phases"]["idle_closed"] = sum(closed_by_server(s, idle_timeout + 3) for s in idle)
report["phases"]["idle_seconds"] = round(time.time() - start, 1)
for s in idle: s.close()
valid("after idle clients")

# Invalid and overlapping ranges, dot segments and percent-encodings.
def status(path, headers):
    conn = http.client.HTTPConnection(*address, timeout=10)
    conn.request("GET", path, headers=headers)
    r = conn.getresponse(); r.read(); conn.close()
    return r.status
p = parts.path
report["phases"]["ranges"] = [status(p, {"Range": r}) for r in
    ["bytes=5-1", "bytes=--1", "bytes=1-2-3", "bytes=0-0,0-0,0-0", "bytes=0-100,50-150", "bytes=" + ",".join(["0-1"] * 100),
     f"bytes={len(data)}-", "bytes=-0", "bytes=99999999999999999999999-", "bytes=0-99999999999999999999999"]]
head, token, name = p.rsplit("/", 2)
report["phases"]["paths"] = [status(x, {}) for x in
    [head + "/" + token + "/../" + token + "/" + name, head + "/" + token + "/%2e%2e/" + name,
     head.replace("/", "/%2F", 1) + "/" + token + "/" + name, p.replace(".iso", "%2eiso"), p + "?a=b", "/../../etc/passwd",
     "/%2e%2e/%2e%2e/etc/passwd", p.upper()]]
valid("after ranges and paths")

# Let the server settle, then compare with the baseline.
deadline = time.time() + 15
while time.time() < deadline and fds() > report["baseline"]["fds"]:
    time.sleep(0.2)
report["after"] = {"fds": fds(), "rss_kib": rss_kib()}
print(json.dumps(report))
