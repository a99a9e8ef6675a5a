#!/usr/bin/python3
"""Result records and the Markdown report of bench/run-peers.sh (standard library only).

  peers_report.py add RECORDS.jsonl key=value ...      append one record (kind=meta|version|fail|idle)
  peers_report.py add-json RECORDS.jsonl kind=K [key=value ...] < JSON   append stdin's JSON object plus keys
  peers_report.py render RECORDS.jsonl [--out FILE]    print the report (and write it to FILE)

Record kinds: "wrk" (written by measure.py: raw wrk output file + server CPU ticks), "idle" (the JSON of
idle_conns.py), "fail" (server, scenario, reason), "meta" (key, value), "version" (server, version).
"""
import json
import platform
import re
import sys

SCENARIOS = [("plaintext", "plaintext"), ("pipeline", "plaintext, pipelined x16"), ("json", "json")]
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def load(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def parse_wrk(path):
    with open(path) as f:
        text = f.read()
    r = {}
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", text)
    if m:
        r["requests"] = int(m.group(1))
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if m:
        r["rps"] = float(m.group(1))
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m|h)\s*$", text, re.M)
        if m:
            r[f"p{pct}_ms"] = float(m.group(1)) * UNIT_MS[m.group(2)]
    # pipeline.lua's own per-batch percentiles (wrk's coordinated-omission correction undone)
    m = re.search(r"Per-batch latency \(uncorrected\): batches (\d+), p50 (\d+)us, p90 (\d+)us, p99 (\d+)us", text)
    if m:
        r["batches"] = int(m.group(1))
        r["wrk_p50_ms"], r["wrk_p99_ms"] = r.get("p50_ms"), r.get("p99_ms")
        r["p50_ms"] = int(m.group(2)) / 1000.0
        r["p99_ms"] = int(m.group(4)) / 1000.0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        r["socket_errors"] = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups())))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m:
        r["non2xx"] = int(m.group(1))
    return r


def fmt_int(v):
    return "-" if v is None else f"{v:,.0f}"


def fmt_ms(v):
    if v is None:
        return "-"
    return f"{v:.3f}" if v < 1 else f"{v:.2f}" if v < 100 else f"{v:.0f}"


def fmt_ratio(a, b):
    if a is None or not b:
        return "-"
    return f"{a / b:.2f}"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def render(records):
    meta = {r["key"]: r["value"] for r in records if r["kind"] == "meta"}
    versions = [(r["server"], r["version"]) for r in records if r["kind"] == "version"]
    order = []
    for r in records:
        if r["kind"] in ("wrk", "fail", "idle", "version") and r.get("server") and r["server"] not in order:
            order.append(r["server"])
    wrk = {}
    for r in records:
        if r["kind"] == "wrk":
            d = dict(r)
            d.update(parse_wrk(r["raw"]))
            cpu = d.get("server_cpu_s")
            d["req_per_cpu_s"] = d["requests"] / cpu if cpu and d.get("requests") else None
            wrk[(r["server"], r["scenario"])] = d
    fails = {}
    for r in records:
        if r["kind"] == "fail":
            fails.setdefault(r["server"], []).append(r)
    idle = {}
    for r in records:
        if r["kind"] == "idle":
            if "rss_before" in r:
                idle[r["server"]] = r
            else:
                fails.setdefault(r["server"], []).append(
                    {"server": r["server"], "scenario": "idle", "reason": r.get("error", "no result")})

    L = []
    L.append(f"# Sweet vs peers: {meta.get('date', '')}")
    L.append("")
    L.append(f"- Date: {meta.get('datetime', meta.get('date', ''))}")
    L.append(f"- Kernel: {meta.get('kernel', platform.platform())}")
    L.append(f"- CPU: {meta.get('cpu', cpu_model())} ({meta.get('cores', '?')} cores online)")
    L.append(f"- Load average (1/5/15 min) at start: {meta.get('load_start', '?')}; at end: {meta.get('load_end', '?')}")
    L.append(f"- Parameters: {meta.get('params', '')}")
    if versions:
        L.append("- Versions: " + "; ".join(f"{s}: {v}" for s, v in versions))
    L.append("")
    L.append("## Throughput, latency and server CPU")
    L.append("")
    L.append("| server | scenario | req/s | p50 (ms) | p99 (ms) | server CPU-s | req per CPU-s "
             "| ratio vs nginx (req/s) | ratio vs nginx (req/CPU-s) | server user / sys CPU-s | wrk CPU-s | other CPU-s |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    notes = []
    for s in order:
        for key, label in SCENARIOS:
            d = wrk.get((s, key))
            if d is None:
                f = [x for x in fails.get(s, []) if x.get("scenario") in (key, "all", None)]
                if f:
                    L.append(f"| {s} | {label} | FAILED | | | | | | | | | |")
                continue
            n = wrk.get(("nginx", key))
            flag = ""
            if d.get("wrk_cpu_s") and d.get("wall_s") and d["wrk_cpu_s"] >= 0.9 * d["wall_s"]:
                flag = " *"
            us = ("-" if d.get("server_user_s") is None
                  else f"{d['server_user_s']:.2f} / {d['server_sys_s']:.2f}")
            L.append("| {} | {} | {}{} | {} | {} | {:.2f} | {} | {} | {} | {} | {:.2f} | {} |".format(
                s, label, fmt_int(d.get("rps")), flag, fmt_ms(d.get("p50_ms")), fmt_ms(d.get("p99_ms")),
                d["server_cpu_s"], fmt_int(d["req_per_cpu_s"]),
                fmt_ratio(d.get("rps"), n and n.get("rps")),
                fmt_ratio(d["req_per_cpu_s"], n and n["req_per_cpu_s"]), us,
                d.get("wrk_cpu_s", 0.0),
                "-" if d.get("other_cpu_s") is None else f"{d['other_cpu_s']:.2f}"))
            errs = d.get("socket_errors") or {}
            bad = {k: v for k, v in errs.items() if v}
            if bad or d.get("non2xx"):
                notes.append(f"{s} / {label}: socket errors {bad or 'none'}, non-2xx responses {d.get('non2xx', 0)}")
            if d.get("wrk_exit"):
                notes.append(f"{s} / {label}: wrk exited with status {d['wrk_exit']}")
            if not d.get("server_alive_after", True):
                notes.append(f"{s} / {label}: the server was no longer running after the run")
    L.append("")
    depth = meta.get("pipeline_depth", "16")
    L.append("- p50/p99: the latency samples wrk recorded (`--latency`), WITHOUT wrk's coordinated-omission "
             "correction, which bench/wrk/pipeline.lua undoes after the run (that correction is wrong with "
             "pipelining, and turns every short stall, e.g. the kernel's RT throttling, into a p99 of tens of "
             "ms; wrk's own corrected lines stay in the raw outputs). In the pipelined run wrk records one "
             f"sample per batch of {depth} requests (write of the batch to its last response), so p50/p99 "
             "there are PER BATCH. req/s always counts every response.")
    L.append("- server CPU-s: utime+stime of every process of the server (nginx: master + worker; threads "
             "included) from /proc/PID/stat, read just before wrk starts and just after it exits, divided by "
             "`getconf CLK_TCK`. req per CPU-s = requests completed in the run / server CPU-s. "
             "server user / sys CPU-s splits it (utime / stime): over loopback most of a keep-alive server's "
             "time is the kernel's TCP work (sys), the part a framework cannot avoid.")
    L.append("- wrk CPU-s: wrk's own user+sys time. `*` marks runs where it is >= 90% of the run's wall time: "
             "wrk (one thread, one core) was saturated, so req/s measures wrk rather than the server; "
             "compare req per CPU-s instead.")
    L.append("- other CPU-s: the machine's busy CPU time over the run (/proc/stat, both cores) minus the server's "
             "and wrk's: other users' processes and kernel threads (e.g. ksoftirqd), the noise gauge. Under "
             "SCHED_RR (see Parameters) others get at most 5% of each core, so 0.1-0.3 s per second of run is "
             "normal on a busy machine; far more means the row was disturbed.")
    if any(s == "h2o" for s in order):
        L.append("- h2o: Debian's h2o is built with mruby; both endpoints are fixed responses from an "
                 "`mruby.handler`. Its second process is h2o's idle crash-report helper (perl "
                 "annotate-backtrace-symbols), counted with it.")
    for x in notes:
        L.append(f"- {x}")
    for s, fl in fails.items():
        for x in fl:
            L.append(f"- {s}: FAILED{' (' + x['scenario'] + ')' if x.get('scenario') else ''}: {x.get('reason', '')}")

    if idle or any(x.get("scenario") == "idle" for fl in fails.values() for x in fl):
        L.append("")
        L.append("## RSS per idle keep-alive connection")
        L.append("")
        L.append("| server | idle connections held | RSS before (MiB) | RSS after (MiB) | bytes per idle connection | ratio vs nginx |")
        L.append("|---|---:|---:|---:|---:|---:|")
        n = idle.get("nginx")
        for s in order:
            r = idle.get(s)
            if r is None:
                if any(x.get("scenario") == "idle" for x in fails.get(s, [])):
                    L.append(f"| {s} | FAILED | | | | |")
                continue
            bpc = r.get("bytes_per_connection")
            L.append("| {} | {:,} of {:,} | {:.1f} | {:.1f} | {} | {} |".format(
                s, r.get("idle_connections", 0), r.get("requested", 0), r["rss_before"] / 2**20,
                r["rss_after"] / 2**20, fmt_int(bpc), fmt_ratio(bpc, n and n.get("bytes_per_connection"))))
        L.append("")
        L.append("- Each server is started alone; bench/tools/idle_conns.py opens the connections, each sends one "
                 "GET /plaintext and reads the full response, and all are then held idle. RSS = sum of VmRSS "
                 "of the server's processes; bytes per idle connection = (RSS after - RSS before) / "
                 "connections held. Kernel socket memory is not in RSS and is not counted.")
        for s, r in idle.items():
            if r.get("errors") or r.get("closed_by_server"):
                L.append(f"- {s}: errors {r.get('errors')}, closed by the server {r.get('closed_by_server')}")
    L.append("")
    return "\n".join(L)


def parse_kv(args):
    out = {}
    for a in args:
        k, _, v = a.partition("=")
        out[k] = v
    return out


def main(argv):
    if len(argv) >= 3 and argv[1] == "add":
        with open(argv[2], "a") as f:
            f.write(json.dumps(parse_kv(argv[3:])) + "\n")
        return 0
    if len(argv) >= 3 and argv[1] == "add-json":
        text = sys.stdin.read().strip()
        rec = json.loads(text.splitlines()[-1]) if text else {}
        rec.update(parse_kv(argv[3:]))
        with open(argv[2], "a") as f:
            f.write(json.dumps(rec) + "\n")
        return 0
    if len(argv) >= 3 and argv[1] == "render":
        md = render(load(argv[2]))
        if len(argv) >= 5 and argv[3] == "--out":
            with open(argv[4], "w") as f:
                f.write(md)
        sys.stdout.write(md)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
