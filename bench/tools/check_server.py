#!/usr/bin/python3
"""Wait for a benchmark server on 127.0.0.1 and check that it answers correctly.

  check_server.py --port N [--pid PID] [--wait SECONDS] [--validated] [--hooks] [--hooks5] [--static DIR]

Checks, over one keep-alive HTTP/1.1 connection:
  GET /plaintext -> 200, Content-Type text/plain..., body exactly "Hello, World!"
  GET /json      -> 200, Content-Type application/json..., body equal (as JSON) to {"message":"Hello, World!"}
With --validated (the servers that have the validated route):
  POST /validated/42 with bench/wrk/order.json -> 200 application/json, the receipt
      {"id":42,"customer":...,"email":...,"quantity":3,"total":59.97,"notes":3}
  POST /validated/42 with that order plus an unknown field, and with quantity 0 -> 400 or 422
  POST /validated/4x with the order -> 400, 404 or 422 (not an integer)
With --hooks (Sweet only): GET /hooks0 -> 200 text/plain "Hello, World!"; with --hooks5 (Sweet started
with --hooks-group 1) the same for GET /hooks5.
With --static DIR (the file scenarios): GET /static/{4k,64k,256k,1m}.bin -> 200 with exactly the bytes of
DIR's files (and for Sweet, --static-mem, the same from /static-mem/).
Exit status 0 when all are right; 1 with a message on stderr otherwise.
"""
import argparse
import http.client
import json
import os
import socket
import sys
import time

ORDER_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "wrk", "order.json")


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


def expected_receipt(order, id_):
    """What every server's validated route answers for `order` (see bench/servers/sweet_bench_server.cpp)."""
    return {"id": id_, "customer": order["customer"], "email": order["email"], "quantity": order["quantity"],
            "total": order["quantity"] * order["unit_price"], "notes": len(order["notes"])}


def same_receipt(body, want):
    got = json.loads(body)
    if not isinstance(got, dict) or set(got) != set(want):
        return False
    # the total is a double: compare with a tolerance, the rest exactly
    return all(abs(got[k] - v) < 1e-9 if k == "total" else got[k] == v for k, v in want.items())


def requests_to_check(validated, hooks, hooks5, static_dir=None, static_mem=False):
    """(method, path, body, acceptable statuses, Content-Type prefix or None, body check or None)"""
    hello = lambda b: b == b"Hello, World!"  # noqa: E731
    out = [
        ("GET", "/plaintext", None, {200}, "text/plain", hello),
        ("GET", "/json", None, {200}, "application/json", lambda b: json.loads(b) == {"message": "Hello, World!"}),
        ("GET", "/plaintext", None, {200}, "text/plain", hello),  # again on the same connection
    ]
    if validated:
        with open(ORDER_FILE, "rb") as f:
            raw = f.read()
        order = json.loads(raw)
        want = expected_receipt(order, 42)
        unknown = json.dumps(dict(order, coupon="FREE")).encode()
        too_few = json.dumps(dict(order, quantity=0)).encode()
        out += [
            ("POST", "/validated/42", raw, {200}, "application/json", lambda b: same_receipt(b, want)),
            ("POST", "/validated/42", unknown, {400, 422}, None, None),
            ("POST", "/validated/42", too_few, {400, 422}, None, None),
            ("POST", "/validated/4x", raw, {400, 404, 422}, None, None),
            ("POST", "/validated/42", raw, {200}, "application/json", lambda b: same_receipt(b, want)),
        ]
    if hooks:
        out.append(("GET", "/hooks0", None, {200}, "text/plain", hello))
    if hooks5:
        out.append(("GET", "/hooks5", None, {200}, "text/plain", hello))
    if static_dir:
        for name in ("4k.bin", "64k.bin", "256k.bin", "1m.bin"):
            with open(os.path.join(static_dir, name), "rb") as f:
                want_file = f.read()
            prefixes = ["/static/"] + (["/static-mem/"] if static_mem else [])
            for prefix in prefixes:
                out.append(("GET", prefix + name, None, {200}, None, lambda b, w=want_file: b == w))
    return out


def check(port, validated=False, hooks=False, hooks5=False, static_dir=None, static_mem=False):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    problems = []
    for method, path, payload, statuses, ctype, ok_body in requests_to_check(validated, hooks, hooks5, static_dir,
                                                                             static_mem):
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        conn.request(method, path, body=payload, headers=headers)
        r = conn.getresponse()
        body = r.read()
        ct = r.getheader("Content-Type", "")
        try:
            body_ok = ok_body is None or ok_body(body)
        except (ValueError, TypeError):
            body_ok = False
        if r.status not in statuses or (ctype and not ct.lower().startswith(ctype)) or not body_ok:
            problems.append(f"{method} {path}: status {r.status} (wanted {sorted(statuses)}), "
                            f"Content-Type {ct!r}, body {body[:120]!r}")
        if r.will_close:
            problems.append(f"{method} {path}: server closes the keep-alive connection")
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.close()
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, default=0)
    ap.add_argument("--wait", type=float, default=30)
    ap.add_argument("--validated", action="store_true", help="also check POST /validated/{id}")
    ap.add_argument("--hooks", action="store_true", help="also check GET /hooks0")
    ap.add_argument("--hooks5", action="store_true", help="also check GET /hooks5")
    ap.add_argument("--static", metavar="DIR", help="also check GET /static/{4k,64k,256k,1m}.bin against DIR's files")
    ap.add_argument("--static-mem", action="store_true", help="and the same from /static-mem/ (Sweet)")
    a = ap.parse_args()
    deadline = time.monotonic() + a.wait
    try:
        wait_listening(a.port, a.pid, deadline)
        # Some servers accept before their routes are ready: retry briefly.
        while True:
            try:
                problems = check(a.port, a.validated, a.hooks, a.hooks5, a.static, a.static_mem)
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
