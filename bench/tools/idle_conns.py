#!/usr/bin/python3
"""RSS per idle keep-alive connection of a server on 127.0.0.1 (standard library only).

  idle_conns.py --port N --pid PID [--count 10000] [--path /plaintext] [--settle 2]

1. Measures the server's RSS: the sum of VmRSS over PID and its descendants (/proc/PID/status).
2. Opens --count TCP connections with non-blocking sockets and a selector (at most --concurrency
   handshakes/requests in flight at once). Each connection sends one
   "GET <path> HTTP/1.1" and reads the full response (status line, headers, Content-Length or
   chunked body); then it stays open and idle.
3. When all are open and idle, waits --settle seconds, measures the RSS again, then checks that
   every connection is still open (the server closed none of them).
4. Prints one JSON object: rss_before, rss_after, idle connections held, (after-before)/held, errors.
   Exit status 1 unless all --count connections were held open.

RLIMIT_NOFILE is raised to its hard limit (and to count+64 if root may raise the hard limit).
"""
import argparse
import errno
import json
import os
import resource
import selectors
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from procstat import rss_bytes  # noqa: E402


def raise_nofile(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < need:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (need, need))
            return need
        except (ValueError, OSError):
            pass
    new_soft = hard if hard == resource.RLIM_INFINITY or hard < need else max(soft, need)
    if hard != resource.RLIM_INFINITY and new_soft > hard:
        new_soft = hard
    resource.setrlimit(resource.RLIMIT_NOFILE, (new_soft, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Conn:
    __slots__ = ("sock", "state", "buf", "tries")

    def __init__(self):
        self.sock = None
        self.state = "new"
        self.buf = b""
        self.tries = 0


def response_complete(buf):
    """None if incomplete, else (status, complete?) for an HTTP/1.1 response in buf."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = buf[:end].decode("latin-1").split("\r\n")
    try:
        status = int(head[0].split()[1])
    except (IndexError, ValueError):
        return (0, True)
    headers = {}
    for line in head[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    body = buf[end + 4:]
    if "content-length" in headers:
        try:
            n = int(headers["content-length"])
        except ValueError:
            return (0, True)
        return (status, True) if len(body) >= n else None
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return (status, True) if body.endswith(b"0\r\n\r\n") else None
    return None  # no length: would need EOF, which a keep-alive server never sends


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True, help="server process (its descendants are counted too)")
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--path", default="/plaintext")
    ap.add_argument("--concurrency", type=int, default=256, help="handshakes/requests in flight at once")
    ap.add_argument("--settle", type=float, default=2.0, help="seconds to wait before the second RSS reading")
    ap.add_argument("--timeout", type=float, default=120.0, help="give up opening after this many seconds")
    a = ap.parse_args()

    limit = raise_nofile(a.count + 64)
    if limit < a.count + 16:
        print(json.dumps({"error": f"RLIMIT_NOFILE is {limit}, too low for {a.count} connections"}))
        return 1

    time.sleep(0.5)
    rss_before, nprocs = rss_bytes(a.pid)
    if nprocs == 0:
        print(json.dumps({"error": f"server process {a.pid} not found"}))
        return 1

    request = f"GET {a.path} HTTP/1.1\r\nHost: 127.0.0.1:{a.port}\r\n\r\n".encode()
    sel = selectors.DefaultSelector()
    conns = [Conn() for _ in range(a.count)]
    pending = list(reversed(conns))  # not started yet
    in_flight = 0
    idle = []
    errors = {}
    t0 = time.monotonic()

    def fail(c, why):
        nonlocal in_flight
        try:
            sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass
        c.sock.close()
        in_flight -= 1
        c.tries += 1
        if c.tries < 3:
            c.state = "new"
            c.buf = b""
            pending.append(c)
        else:
            c.state = "failed"
            errors[why] = errors.get(why, 0) + 1

    def start(c):
        nonlocal in_flight
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        c.sock = s
        in_flight += 1
        err = s.connect_ex(("127.0.0.1", a.port))
        if err not in (0, errno.EINPROGRESS):
            sel.register(s, selectors.EVENT_WRITE, c)
            fail(c, f"connect: {os.strerror(err)}")
            return
        c.state = "connecting"
        sel.register(s, selectors.EVENT_WRITE, c)

    while pending or in_flight:
        while pending and in_flight < a.concurrency:
            start(pending.pop())
        if time.monotonic() - t0 > a.timeout:
            errors["timeout opening connections"] = in_flight + len(pending)
            break
        for key, _ in sel.select(timeout=1.0):
            c = key.data
            if c.state == "connecting":
                err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    fail(c, f"connect: {os.strerror(err)}")
                    continue
                try:
                    n = c.sock.send(request)  # small: goes out in one piece on a fresh socket
                except OSError as e:
                    fail(c, f"send: {e.strerror}")
                    continue
                if n != len(request):
                    fail(c, "send: short write")
                    continue
                c.state = "reading"
                sel.modify(c.sock, selectors.EVENT_READ, c)
            elif c.state == "reading":
                try:
                    data = c.sock.recv(65536)
                except BlockingIOError:
                    continue
                except OSError as e:
                    fail(c, f"recv: {e.strerror}")
                    continue
                if not data:
                    fail(c, "closed before the response was complete")
                    continue
                c.buf += data
                done = response_complete(c.buf)
                if done is None:
                    continue
                sel.unregister(c.sock)
                in_flight -= 1
                if done[0] != 200:
                    c.state = "failed"
                    errors[f"status {done[0]}"] = errors.get(f"status {done[0]}", 0) + 1
                    c.sock.close()
                    continue
                c.state = "idle"
                c.buf = b""
                idle.append(c)
    open_seconds = time.monotonic() - t0

    time.sleep(a.settle)
    rss_after, nprocs_after = rss_bytes(a.pid)

    # Still open? An idle connection the server has closed is readable (EOF or RST).
    for c in idle:
        sel.register(c.sock, selectors.EVENT_READ, c)
    closed = 0
    for key, _ in sel.select(timeout=0):
        c = key.data
        try:
            data = c.sock.recv(1)
        except BlockingIOError:
            continue
        except OSError:
            data = b""
        if not data:
            closed += 1
    for c in conns:
        if c.sock is not None:
            c.sock.close()

    held = len(idle) - closed
    out = {
        "port": a.port,
        "pid": a.pid,
        "processes": nprocs_after,
        "requested": a.count,
        "idle_connections": held,
        "closed_by_server": closed,
        "errors": errors,
        "open_seconds": round(open_seconds, 2),
        "rss_before": rss_before,
        "rss_after": rss_after,
        # (after - before) / connections actually held open (= --count when all went well)
        "bytes_per_connection": round((rss_after - rss_before) / held, 1) if held > 0 else None,
    }
    print(json.dumps(out))
    return 0 if held == a.count else 1


if __name__ == "__main__":
    sys.exit(main())
