#!/usr/bin/python3
"""Wait for a benchmark server on 127.0.0.1 and check that it answers correctly.

  check_server.py --port N [--pid PID] [--wait SECONDS]

Checks, over one keep-alive HTTP/1.1 connection:
  GET /plaintext -> 200, Content-Type text/plain..., body exactly "Hello, World!"
  GET /json      -> 200, Content-Type application/json..., body equal (as JSON) to {"message":"Hello, World!"}
Exit status 0 when both are right; 1 with a message on stderr otherwise.
"""
import argparse
import http.client
import json
import os
import socket
import sys
import time


def wait_listening(port, pid, deadline):
    while True:
        if pid and not os.path.exists(f"/proc/{pid}"):
            raise RuntimeError(f"server process {pid} exited before listening on port {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError as e:
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing listening on 127.0.0.1:{port}: {e}") from e
            time.sleep(0.1)


def check(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    problems = []
    for path, ctype, ok_body in (
        ("/plaintext", "text/plain", lambda b: b == b"Hello, World!"),
        ("/json", "application/json", lambda b: json.loads(b) == {"message": "Hello, World!"}),
        ("/plaintext", "text/plain", lambda b: b == b"Hello, World!"),  # again on the same connection
    ):
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        ct = r.getheader("Content-Type", "")
        try:
            body_ok = ok_body(body)
        except ValueError:
            body_ok = False
        if r.status != 200 or not ct.lower().startswith(ctype) or not body_ok:
            problems.append(f"GET {path}: status {r.status}, Content-Type {ct!r}, body {body[:80]!r}")
        if r.will_close:
            problems.append(f"GET {path}: server closes the keep-alive connection")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.close()
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, default=0)
    ap.add_argument("--wait", type=float, default=30)
    a = ap.parse_args()
    deadline = time.monotonic() + a.wait
    try:
        wait_listening(a.port, a.pid, deadline)
        # Some servers accept before their routes are ready: retry briefly.
        while True:
            try:
                problems = check(a.port)
            except (OSError, http.client.HTTPException) as e:
                problems = [f"{type(e).__name__}: {e}"]
            if not problems or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    except RuntimeError as e:
        problems = [str(e)]
    if problems:
        for p in problems:
            print(f"check_server: port {a.port}: {p}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
