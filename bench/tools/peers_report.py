#!/usr/bin/python3
"""Result records and the Markdown report of bench/run-peers.sh (standard library only).

  peers_report.py add RECORDS.jsonl key=value ...      append one record (kind=meta|version|fail|idle)
  peers_report.py add-json RECORDS.jsonl kind=K [key=value ...] < JSON   append stdin's JSON object plus keys
  peers_report.py render RECORDS.jsonl [--out FILE]    print the report (and write it to FILE)

Record kinds: "wrk" (written by measure.py: raw wrk output file + server CPU ticks; the hooks scenario's
records also carry mode and round), "idle" (the JSON of idle_conns.py), "fail" (server, scenario,
reason), "meta" (key, value), "version" (server, version).

The report: the main table (plaintext, pipelined, json), then "Typed requests and hooks" (the validated
route with its ratios to Elysia and FastAPI and the JSON layer's overhead; the hooks scenario; the
issue's bars checked against the numbers), then the RSS per idle connection.
"""
import json
import platform
import re
import sys

SCENARIOS = [("plaintext", "plaintext"), ("pipeline", "plaintext, pipelined x16"), ("json", "json"),
             ("file4k", "GET a 4 KiB file"), ("file4k-mem", "GET a 4 KiB file, read into memory (/static-mem/)"),
             ("file64k", "GET a 64 KiB file"), ("file64k-mem", "GET a 64 KiB file, read into memory (/static-mem/)"),
             ("file256k", "GET a 256 KiB file"), ("file256k-mem", "GET a 256 KiB file, read into memory (/static-mem/)"),
             ("file1m", "GET a 1 MiB file"), ("file1m-mem", "GET a 1 MiB file, read into memory (/static-mem/)")]
HOOK_ROUTES = [("hooks0", "GET /hooks0: no hooks", ""),
               ("hooks5", "GET /hooks5, server with --hooks-group 1 (group with 5 no-op hooks, compile time)",
                "5 group hooks (compile time)"),
               ("hooks-app5", "GET /hooks0, server with --app-hooks 5 (5 no-op app-wide hooks, run time)",
                "5 app-wide hooks (run time)")]
# The bars (benchmarks, not tests): Sweet's validated route vs Elysia's and FastAPI's, the JSON
# layer's overhead over the plain JSON hello route, and what five no-op hooks may cost.
BAR_VS_ELYSIA = 1.5
BAR_VS_FASTAPI = 20.0
BAR_JSON_OVERHEAD = 0.15
BAR_HOOKS_COST = 0.05
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


def fmt_pct(v):
    return "-" if v is None else f"{100 * v:+.1f}%"


def fmt_us(v):
    return "-" if v is None else f"{v:.2f}"


def with_derived(r):
    """A wrk record plus what its raw output says and the per-request figures."""
    d = dict(r)
    d.update(parse_wrk(r["raw"]))
    cpu = d.get("server_cpu_s")
    n = d.get("requests")
    d["req_per_cpu_s"] = n / cpu if cpu and n else None
    d["user_us_per_req"] = d["server_user_s"] / n * 1e6 if n and d.get("server_user_s") is not None else None
    d["cpu_us_per_req"] = cpu / n * 1e6 if n and cpu else None
    d["wrk_saturated"] = bool(d.get("wrk_cpu_s") and d.get("wall_s") and d["wrk_cpu_s"] >= 0.9 * d["wall_s"])
    # a run whose answers were not all successful measured something else than the route
    d["invalid"] = bool(d.get("non2xx") or any((d.get("socket_errors") or {}).values()) or d.get("wrk_exit"))
    return d


def combine_rounds(runs):
    """One figure for several runs of the same thing: mean req/s, and per-CPU figures over the sums."""
    if not runs:
        return None
    n = sum(d.get("requests") or 0 for d in runs)
    cpu = sum(d["server_cpu_s"] for d in runs)
    user = sum(d.get("server_user_s") or 0 for d in runs)
    rps = [d["rps"] for d in runs if d.get("rps") is not None]
    return {
        "rps": sum(rps) / len(rps) if rps else None,
        "rps_each": rps,
        "requests": n,
        "server_cpu_s": cpu,
        "req_per_cpu_s": n / cpu if cpu and n else None,
        "req_per_cpu_s_each": [d["req_per_cpu_s"] for d in runs],
        "user_us_per_req": user / n * 1e6 if n else None,
        "p50_ms": max((d.get("p50_ms") or 0) for d in runs),
        "p99_ms": max((d.get("p99_ms") or 0) for d in runs),
        "wrk_saturated": any(d["wrk_saturated"] for d in runs),
        "other_cpu_s": sum(d.get("other_cpu_s") or 0 for d in runs),
        "invalid": any(d["invalid"] for d in runs),
        "runs": len(runs),
    }


def cost(base, other, key):
    """1 - other/base: the fraction of `key` (req/s or req per CPU-s) lost to what `other` adds."""
    if not base or not other or not base.get(key) or other.get(key) is None:
        return None
    return 1 - other[key] / base[key]


def typed_section(order, wrk, hook_runs, meta):
    """The "Typed requests and hooks" part of the report (empty when neither scenario ran)."""
    val = {s: wrk[(s, "validated")] for s in order if (s, "validated") in wrk}
    if not val and not hook_runs:
        return []
    L = ["", "## Typed requests and hooks", ""]
    bars = []
    if val:
        ely, fapi = val.get("elysia"), val.get("fastapi")
        L.append(f"### Validated route: POST /validated/42 with a {meta.get('order_bytes', '?')}-byte JSON order "
                 "(bench/wrk/order.json), keep-alive")
        L.append("")
        L.append("| server | req/s | p50 (ms) | p99 (ms) | server CPU-s | req per CPU-s | server user CPU per req (us) "
                 "| ratio vs Elysia (req/s) | ratio vs Elysia (req/CPU-s) | ratio vs FastAPI (req/s) "
                 "| ratio vs FastAPI (req/CPU-s) | json req per CPU-s | JSON layer overhead | user CPU per req added over json (us) "
                 "| wrk CPU-s | other CPU-s |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for s, d in val.items():
            j = wrk.get((s, "json"))
            over = cost(j, d, "req_per_cpu_s")
            added = (d["user_us_per_req"] - j["user_us_per_req"]
                     if j and j.get("user_us_per_req") is not None and d.get("user_us_per_req") is not None else None)
            L.append("| {} | {}{} | {} | {} | {:.2f} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.2f} | {} |".format(
                s, fmt_int(d.get("rps")), " *" if d["wrk_saturated"] else "", fmt_ms(d.get("p50_ms")),
                fmt_ms(d.get("p99_ms")), d["server_cpu_s"], fmt_int(d["req_per_cpu_s"]), fmt_us(d["user_us_per_req"]),
                fmt_ratio(d.get("rps"), ely and ely.get("rps")), fmt_ratio(d["req_per_cpu_s"], ely and ely["req_per_cpu_s"]),
                fmt_ratio(d.get("rps"), fapi and fapi.get("rps")), fmt_ratio(d["req_per_cpu_s"], fapi and fapi["req_per_cpu_s"]),
                fmt_int(j and j["req_per_cpu_s"]), fmt_pct(over), "-" if added is None else f"{added:+.2f}",
                d.get("wrk_cpu_s", 0.0), "-" if d.get("other_cpu_s") is None else f"{d['other_cpu_s']:.2f}"))
            if s.startswith("sweet-"):
                for other, bar, label in ((ely, BAR_VS_ELYSIA, "Elysia"), (fapi, BAR_VS_FASTAPI, "FastAPI")):
                    if not other:
                        bars.append(f"{s}: validated vs {label}: not measured ({label} did not run)")
                        continue
                    r1, r2 = d["rps"] / other["rps"], d["req_per_cpu_s"] / other["req_per_cpu_s"]
                    verdict = "met" if min(r1, r2) >= bar else "MISSED"
                    if d["invalid"] or other["invalid"]:
                        verdict = "NOT MEASURED (errors or non-2xx answers, see the notes above)"
                    note = " (Sweet's req/s is wrk's ceiling: a lower bound)" if d["wrk_saturated"] else ""
                    bars.append(f"{s}: validated route >= {bar:g}x {label}: {verdict}: {r1:.2f}x req/s{note}, "
                                f"{r2:.2f}x req per server CPU-s")
                if over is not None:
                    verdict = "met" if over < BAR_JSON_OVERHEAD else "MISSED"
                    if d["invalid"] or j["invalid"]:
                        verdict = "NOT MEASURED (errors or non-2xx answers, see the notes above)"
                    bars.append(f"{s}: JSON layer overhead < {100 * BAR_JSON_OVERHEAD:.0f}%: {verdict}: {100 * over:.1f}% "
                                f"(validated {fmt_int(d['req_per_cpu_s'])} vs json {fmt_int(j['req_per_cpu_s'])} req per CPU-s; "
                                f"server user CPU {d['user_us_per_req']:.2f} vs {j['user_us_per_req']:.2f} us per request)")
        L.append("")
        L.append("- The same route everywhere: integer path parameter `id`; body an Order (customer 1-64 chars, email "
                 "in email format, integer quantity 1-1000, unit_price > 0, notes at most 8 strings, unknown fields "
                 "refused) parsed and validated into the framework's typed object; response a 6-field JSON receipt "
                 "built from it (Sweet: `Body<Order>` -> `Response::json(OrderReceipt)`; Elysia: `t.Object` with "
                 "`normalize: false`; Fastify: Ajv JSON schemas; FastAPI: pydantic models, `response_model`). "
                 "Every server's answers are checked before the run (bench/tools/check_server.py --validated).")
        L.append("- JSON layer overhead = 1 - (validated req per CPU-s / json req per CPU-s), the json row being "
                 "`GET /json` (the plain JSON hello route) of the same server in the same run. The validated request "
                 "also carries 191 more bytes in and about 80 more bytes out, so part of the difference is the "
                 "kernel's; 'user CPU per req added' is the framework's own part (server user CPU-s / requests).")
        L.append("- `*`: wrk (one thread) was saturated: req/s is the client's ceiling; req per CPU-s still compares "
                 "the servers.")
    if hook_runs:
        L.append("")
        L.append("### Hooks: five no-op hooks (on_request, pre_validation, pre_handler, on_response, after_response)")
        L.append("")
        L.append("| server | mode | route | runs | req/s | req per CPU-s | server user CPU per req (us) "
                 "| cost vs no hooks (req/s) | cost vs no hooks (req/CPU-s) | p50 (ms) | p99 (ms) | other CPU-s |")
        L.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        servers = [s for s in order if any(k[0] == s for k in hook_runs)]
        for s in servers:
            for mode in ("keep-alive", "pipelined"):
                base = combine_rounds(hook_runs.get((s, "hooks0", mode), []))
                for key, label, short in HOOK_ROUTES:
                    c = combine_rounds(hook_runs.get((s, key, mode), []))
                    if c is None:
                        continue
                    each = ""
                    if c["runs"] > 1:
                        each = " (" + ", ".join(fmt_int(x) for x in c["rps_each"]) + ")"
                    L.append("| {} | {} | {} | {} | {}{}{} | {} | {} | {} | {} | {} | {} | {:.2f} |".format(
                        s, mode, label, c["runs"], fmt_int(c["rps"]), " *" if c["wrk_saturated"] else "", each,
                        fmt_int(c["req_per_cpu_s"]), fmt_us(c["user_us_per_req"]),
                        "-" if key == "hooks0" else fmt_pct(cost(base, c, "rps")),
                        "-" if key == "hooks0" else fmt_pct(cost(base, c, "req_per_cpu_s")),
                        fmt_ms(c["p50_ms"]), fmt_ms(c["p99_ms"]), c["other_cpu_s"]))
                    if key != "hooks0" and base:
                        worst = max(cost(base, c, "rps") or 0, cost(base, c, "req_per_cpu_s") or 0)
                        verdict = "met" if worst < BAR_HOOKS_COST else "MISSED"
                        if c["invalid"] or base["invalid"]:
                            verdict = "NOT MEASURED (errors or non-2xx answers, see the notes above)"
                        bars.append(f"{s}: {short}, {mode}: cost "
                                    f"< {100 * BAR_HOOKS_COST:.0f}%: {verdict}: {fmt_pct(cost(base, c, 'rps'))} req/s, "
                                    f"{fmt_pct(cost(base, c, 'req_per_cpu_s'))} req per CPU-s "
                                    f"(user CPU {fmt_us(base['user_us_per_req'])} -> {fmt_us(c['user_us_per_req'])} us per request)")
        L.append("")
        L.append("- cost = 1 - (with hooks / without), by req/s and by req per server CPU-s; negative means the run "
                 "with hooks came out faster, i.e. the difference is below the noise. Same plain-text response on "
                 "every route. With several rounds (HOOK_ROUNDS), req/s is the mean (each round in parentheses) and "
                 "req per CPU-s is over the rounds' sums.")
        L.append("- The group's hooks are part of the route's type and inlined by the compiler; each hook contains a "
                 "compiler barrier, so it is not optimized away. The app-wide hooks are stored type-erased and called "
                 "through a function pointer per hook per request.")
        L.append("- Three server instances: with an after_response hook anywhere (both hook servers have one), the "
                 "server reads the clock before and after every request (ResponseInfo::duration), so the baseline "
                 "/hooks0 runs on the main server, which has none. Those two clock reads are part of what the hooks "
                 "cost here.")
    if bars:
        L.append("")
        L.append("### Bars (issue 3 item 6, issue 4 item 1)")
        L.append("")
        for b in bars:
            L.append(f"- {b}")
    return L


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
    hook_runs = {}  # (server, route, mode) -> [records of each round]
    for r in records:
        if r["kind"] == "wrk":
            d = with_derived(r)
            if "mode" in r:
                hook_runs.setdefault((r["server"], r["scenario"], r["mode"]), []).append(d)
            else:
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
            flag = " *" if d["wrk_saturated"] else ""
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
    # the same checks for the typed-request and hooks scenarios' runs
    extra_runs = [((s, sc), d) for (s, sc), d in wrk.items() if sc not in dict(SCENARIOS)]
    extra_runs += [((s, f"{sc} {mode} round {d.get('round', '?')}"), d) for (s, sc, mode), ds in hook_runs.items() for d in ds]
    for (s, label), d in extra_runs:
        bad = {k: v for k, v in (d.get("socket_errors") or {}).items() if v}
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

    L += typed_section(order, wrk, hook_runs, meta)

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
