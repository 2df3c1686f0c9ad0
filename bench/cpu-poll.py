#!/usr/bin/env python3
"""CPU-seconds of processes in a time window, for benchmarks on a shared machine (where wall time is also the share of
the machine a process got).

  cpu-poll.py record OUT PATTERN...      every 0.1 s, append "epoch pid cpu_seconds" for each process whose command
                                         line contains one of the PATTERNs (until killed)
  cpu-poll.py window OUT START END       CPU-seconds those processes used in [START, END] (epoch seconds), summed
  cpu-poll.py last OUT                   the epoch of the last sample (a process that ended: about its end)
"""
import os
import sys
import time

TICK = os.sysconf('SC_CLK_TCK')


def record(out, patterns):
    pats = [p.encode() for p in patterns]
    with open(out, 'a') as f:
        while True:
            t = time.time()
            for pid in os.listdir('/proc'):
                if not pid.isdigit() or int(pid) == os.getpid():
                    continue
                try:
                    with open('/proc/%s/cmdline' % pid, 'rb') as c:
                        cmd = c.read().replace(b'\0', b' ')
                    if not any(p in cmd for p in pats):
                        continue
                    with open('/proc/%s/stat' % pid) as s:
                        fields = s.read().rsplit(')', 1)[1].split()
                    f.write('%.3f %s %.2f\n' % (t, pid, (int(fields[11]) + int(fields[12])) / TICK))
                except OSError:
                    pass
            f.flush()
            time.sleep(0.1)


def samples(out):
    by_pid = {}
    with open(out) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3:
                continue  # a line cut short when the recorder was stopped
            t, pid, cpu = parts
            by_pid.setdefault(pid, []).append((float(t), float(cpu)))
    return by_pid


def at(series, t):
    """CPU-seconds of one process at time t, linear between samples (its first or last value outside them)."""
    if t <= series[0][0]:
        return series[0][1]
    for (t0, c0), (t1, c1) in zip(series, series[1:]):
        if t0 <= t <= t1:
            return c0 + (c1 - c0) * (t - t0) / (t1 - t0) if t1 > t0 else c1
    return series[-1][1]


def main():
    cmd = sys.argv[1]
    if cmd == 'record':
        record(sys.argv[2], sys.argv[3:])
    elif cmd == 'window':
        start, end = float(sys.argv[3]), float(sys.argv[4])
        print('%.2f' % sum(at(s, end) - at(s, start) for s in samples(sys.argv[2]).values()))
    elif cmd == 'last':
        print('%.3f' % max(s[-1][0] for s in samples(sys.argv[2]).values()))


if __name__ == '__main__':
    main()
