#!/usr/bin/python3
"""Process-tree accounting for bench/run-peers.sh (Linux /proc only, standard library only).

A "server" is the process we started plus all of its descendants (nginx: master + worker).

  procstat.py tree PID        print the PIDs of PID and its descendants
  procstat.py cpu-ticks PID   print the sum of utime+stime (in clock ticks) over that tree
  procstat.py rss PID         print the sum of VmRSS (in bytes) over that tree
  procstat.py free-ports N    print N distinct free TCP ports on 127.0.0.1
"""
import os
import socket
import subprocess
import sys


def clk_tck() -> int:
    """Clock ticks per second, as `getconf CLK_TCK` reports it."""
    try:
        return int(subprocess.run(["getconf", "CLK_TCK"], capture_output=True, text=True,
                                  check=True).stdout.strip())
    except (OSError, ValueError, subprocess.CalledProcessError):
        return os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int):
    """Fields of /proc/PID/stat after the command name (field 3, "state", is index 0)."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        data = f.read().decode("ascii", "replace")
    return data[data.rindex(")") + 2:].split()


def tree(root: int):
    """PIDs of root and all of its descendants (root first)."""
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            ppid = int(_stat_fields(int(name))[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in out:
            continue
        if not os.path.exists(f"/proc/{pid}"):
            continue
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def cpu_ticks_split(root: int):
    """(utime ticks, stime ticks, number of processes) summed over the tree. /proc/PID/stat of a
    process already sums all of its threads."""
    user, system, n = 0, 0, 0
    for pid in tree(root):
        try:
            f = _stat_fields(pid)
        except OSError:
            continue
        # stat fields 14 (utime) and 15 (stime); index 0 here is field 3.
        user += int(f[11])
        system += int(f[12])
        n += 1
    return user, system, n


def cpu_ticks(root: int):
    """(utime+stime ticks summed over the tree, number of processes)."""
    user, system, n = cpu_ticks_split(root)
    return user + system, n


def rss_bytes(root: int):
    """(VmRSS summed over the tree in bytes, number of processes)."""
    total, n = 0, 0
    for pid in tree(root):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        n += 1
                        break
        except OSError:
            continue
    return total, n


def free_ports(n: int):
    socks, ports = [], []
    try:
        while len(ports) < n:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, arg = argv[1], int(argv[2])
    if cmd == "tree":
        print(" ".join(map(str, tree(arg))))
    elif cmd == "cpu-ticks":
        print(cpu_ticks(arg)[0])
    elif cmd == "rss":
        print(rss_bytes(arg)[0])
    elif cmd == "free-ports":
        print(" ".join(map(str, free_ports(arg))))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
