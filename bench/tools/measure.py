#!/usr/bin/python3
"""One measured wrk run against one server, with the server's CPU time over the window.

  measure.py --pid PID --server NAME --scenario NAME --raw FILE --records FILE.jsonl [--tag KEY=VALUE ...] -- wrk ARGS...

Reads utime+stime of every process of the server (PID and its descendants, e.g. nginx's master and
worker; /proc/PID/stat already sums a process's threads) just before starting wrk and just after wrk
exits, converts the difference with the clock ticks of `getconf CLK_TCK`, runs wrk (the command after
"--", already pinned with taskset by the caller), saves wrk's output to --raw and appends one JSON
record to --records (parsed by peers_report.py). wrk's own CPU time (user+sys, from getrusage of the
child) is recorded too: close to the duration means wrk, not the server, was the bottleneck. So is
"other CPU": the machine's busy time (/proc/stat) minus the server's and wrk's, i.e. the noise.
Each --tag adds a field to the record (e.g. mode=pipelined round=2 for the hooks scenario).
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from procstat import clk_tck, cpu_ticks_split  # noqa: E402


def machine_busy_ticks():
    """Busy ticks of all CPUs from /proc/stat (everything but idle and iowait)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is already in user)
    return sum(v[:8]) - v[3] - v[4]


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    i = argv.index("--")
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--raw", required=True)
    ap.add_argument("--records", required=True)
    ap.add_argument("--tag", action="append", default=[], metavar="KEY=VALUE")
    a = ap.parse_args(argv[:i])
    tags = {}
    for t in a.tag:
        key, eq, value = t.partition("=")
        if not eq or not key:
            ap.error(f"--tag wants KEY=VALUE, not {t!r}")
        tags[key] = value
    cmd = argv[i + 1:]

    tck = clk_tck()
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy0 = machine_busy_ticks()
    u0, s0, nproc0 = cpu_ticks_split(a.pid)
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    t1 = time.monotonic()
    u1, s1, nproc1 = cpu_ticks_split(a.pid)
    busy1 = machine_busy_ticks()
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    alive = os.path.exists(f"/proc/{a.pid}")

    with open(a.raw, "w") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.write(p.stdout)
    rec = {
        "kind": "wrk",
        "server": a.server,
        "scenario": a.scenario,
        **tags,
        "raw": a.raw,
        "wrk_exit": p.returncode,
        "clk_tck": tck,
        "server_ticks_before": u0 + s0,
        "server_ticks_after": u1 + s1,
        "server_cpu_s": (u1 + s1 - u0 - s0) / tck,
        "server_user_s": (u1 - u0) / tck,
        "server_sys_s": (s1 - s0) / tck,
        "server_processes": nproc1 if alive else nproc0,
        "server_alive_after": alive,
        "wall_s": round(t1 - t0, 3),
        "wrk_cpu_s": round((ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime), 3),
        "wrk_user_s": round(ru1.ru_utime - ru0.ru_utime, 3),
        "machine_busy_cpu_s": (busy1 - busy0) / tck,
    }
    # CPU time used on the machine by anything other than the server and wrk (other users'
    # builds, kernel threads such as ksoftirqd): the noise of the measurement.
    rec["other_cpu_s"] = round(max(0.0, rec["machine_busy_cpu_s"] - rec["server_cpu_s"] - rec["wrk_cpu_s"]), 2)
    with open(a.records, "a") as f:
        f.write(json.dumps(rec) + "\n")
    m = re.search(r"Requests/sec:\s+([\d.]+)", p.stdout)
    label = " ".join([a.scenario] + [f"{k}={v}" for k, v in tags.items()])
    print(f"  {a.server} / {label}: {m.group(1) if m else '?'} req/s, server CPU {rec['server_cpu_s']:.2f} s "
          f"(user {rec['server_user_s']:.2f} + sys {rec['server_sys_s']:.2f}, {rec['server_processes']} process(es)), wrk CPU {rec['wrk_cpu_s']:.2f} s, "
          f"other CPU {rec['other_cpu_s']:.2f} s, in {rec['wall_s']:.2f} s")
    if p.returncode != 0 or not alive:
        print(f"measure: wrk exit {p.returncode}, server alive: {alive}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
