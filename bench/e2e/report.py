#!/usr/bin/env python3
"""Turns run.sh's raw measurements (path, metric, round, value per line) into the markdown results."""
import argparse
import statistics
from collections import defaultdict

PATHS = ["direct", "haproxy", "nginx", "lb"]
THEIRS = ["haproxy", "nginx"]

# metric, label, decimals, better ("higher" / "lower" / None = no ratio), derived-from-direct
ROWS = [
    ("conns", "TCP connections/s (wrk, `Connection: close`)", 0, "higher"),
    ("conns_cpu", "  proxy CPU during it, % of one core", 0, None),
    ("conns_wait", "  proxy threads runnable but waiting for the CPU, % (summed over threads)", 0, None),
    ("conns_per_cpu", "  connections per proxy CPU-second", 0, "higher"),
    ("conns_err", "  wrk socket errors + non-2xx (sum over rounds)", 0, None),
    ("mbps", "TCP throughput MB/s (iperf3, 1 stream)", 0, "higher"),
    ("mbps_cpu", "  proxy CPU during it, % of one core", 0, None),
    ("mbps_wait", "  proxy threads waiting for the CPU, % (summed)", 0, None),
    ("tcp_p50", "TCP round trip p50 µs (sockperf ping-pong)", 1, "lower"),
    ("tcp_p99", "TCP round trip p99 µs", 1, "lower"),
    ("tcp_add_p50", "  added by the proxy, p50 µs", 1, "lower"),
    ("tcp_add_p99", "  added by the proxy, p99 µs", 1, "lower"),
    ("udp_dps", "UDP datagrams/s delivered (sockperf, counted at the backends)", 0, "higher"),
    ("udp_sent", "  offered by the client, datagrams/s", 0, None),
    ("udp_cpu", "  proxy CPU during it, % of one core", 0, None),
    ("udp_wait", "  proxy threads waiting for the CPU, % (summed)", 0, None),
    ("udp_dps_per_cpu", "  datagrams per proxy CPU-second", 0, "higher"),
    ("udp_p50", "UDP round trip p50 µs (sockperf ping-pong)", 1, "lower"),
    ("udp_p99", "UDP round trip p99 µs", 1, "lower"),
    ("udp_add_p50", "  added by the proxy, p50 µs", 1, "lower"),
    ("udp_add_p99", "  added by the proxy, p99 µs", 1, "lower"),
]


def load(path):
    data = defaultdict(lambda: defaultdict(dict))  # metric -> path -> round -> value
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4 or parts[3] == "":
                continue
            try:
                data[parts[1]][parts[0]][int(parts[2])] = float(parts[3])
            except ValueError:
                continue
    return data


def derive(data):
    """Per-round derived metrics: added latency vs direct, work per proxy CPU-second."""
    for proto in ("tcp", "udp"):
        for q in ("p50", "p99"):
            base = data[f"{proto}_{q}"].get("direct", {})
            for p in [p for p in data[f"{proto}_{q}"] if p != "direct"]:
                for r, v in data[f"{proto}_{q}"].get(p, {}).items():
                    if r in base:
                        data[f"{proto}_add_{q}"][p][r] = v - base[r]
    for metric, cpu, out in (("conns", "conns_cpu", "conns_per_cpu"), ("udp_dps", "udp_cpu", "udp_dps_per_cpu")):
        for p in [p for p in data[metric] if p != "direct"]:
            for r, v in data[metric].get(p, {}).items():
                c = data[cpu].get(p, {}).get(r, 0)
                if c > 0:
                    data[out][p][r] = v / (c / 100.0)


def summary(data, metric, path):
    values = list(data[metric].get(path, {}).values())
    if not values:
        return None
    return sum(values) if metric == "conns_err" else statistics.median(values)


def fmt(v, decimals):
    if v is None:
        return "–"
    return f"{v:,.{decimals}f}"


def ratio(ours, theirs, better):
    if ours is None or theirs is None or better is None:
        return ""
    if theirs == 0 or (better == "lower" and ours <= 0 and theirs <= 0):
        return "–"
    r = ours / theirs
    ok = r >= 1.0 if better == "higher" else r <= 1.0
    return f"{r:.2f}×" + ("" if ok else " ⚠")


def main():
    a = argparse.ArgumentParser()
    a.add_argument("raw")
    for name in ("command", "date", "lb", "machine", "versions", "profile", "nice", "tuned-env"):
        a.add_argument(f"--{name}")
    for name in ("rounds", "duration", "conns", "msg", "load-cpu", "proxy-cpu"):
        a.add_argument(f"--{name}", type=int)
    args = a.parse_args()

    data = load(args.raw)
    derive(data)
    out = []
    w = out.append
    w(f"# End-to-end proxy benchmark, {args.date}")
    w("")
    w(f"Command: `{args.command}`  ")
    w(f"lb: {args.lb}  ")
    if args.tuned_env:
        w(f"lb + knobs: a second `lb serve` of the same build (VIP 127.0.0.24, same lb.yaml otherwise) started with `{args.tuned_env}`  ")
    w(f"Machine: {args.machine}  ")
    w(f"Tools: {args.versions}  ")
    w(f"Pinning: load generators (wrk, iperf3 client, sockperf client) and all backends on CPU {args.load_cpu}; "
      f"the proxy under test on CPU {args.proxy_cpu} (taskset, whole process); everything measured runs in a session of its own at nice {args.nice}, the machine being shared with builds. Workers: haproxy `nbthread 1`, "
      f"nginx `worker_processes 1`, lb `frontend.workers: 1`. All three proxies run all the time; only one is loaded at once.  ")
    w(f"Each figure: median of {args.rounds} round(s) of {args.duration} s, paths interleaved within a round; "
      f"wrk -t1 -c{args.conns}; sockperf messages of {args.msg} bytes; round trips are full RTT (`--full-rtt`).")
    w("")
    paths = PATHS + (["lbtuned"] if args.tuned_env else [])
    ours = ["lb"] + (["lbtuned"] if args.tuned_env else [])
    names = {"lbtuned": "lb + knobs"}
    header = ["measure"] + [names.get(p, p) for p in paths] + [f"{names.get(o, o)} / {t}" for o in ours for t in THEIRS]
    w("| " + " | ".join(header) + " |")
    w("|---|" + "---:|" * (len(header) - 1))
    for metric, label, decimals, better in ROWS:
        vals = {p: summary(data, metric, p) for p in paths}
        if all(v is None for v in vals.values()):
            continue
        cells = [fmt(vals[p], decimals) for p in paths]
        if metric.endswith(("_cpu", "_wait", "_per_cpu")) or "_add_" in metric:
            cells[0] = ""
        if metric.startswith("udp"):
            cells[1] = "n/a"
        ratios = []
        for o in ours:
            for t in THEIRS:
                ratios.append("" if metric.startswith("udp") and t == "haproxy" else ratio(vals[o], vals[t], better))
        shown = label.replace("  ", "↳ ", 1) if label.startswith("  ") else label
        w(f"| {shown} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    w("")
    w("Ratios are lb ÷ the other proxy: above 1 is better for rates, below 1 is better for latencies; ⚠ marks a "
      "ratio on the wrong side of 1. HAProxy does not proxy UDP (n/a). Direct = client to one backend, no proxy "
      "(its CPU columns are empty: there is no proxy).")
    w("")
    if args.rounds and args.rounds > 1:
        w("<details><summary>Per-round values</summary>")
        w("")
        w("| measure | path | " + " | ".join(f"round {r}" for r in range(1, args.rounds + 1)) + " |")
        w("|---|---|" + "---:|" * args.rounds)
        for metric, label, decimals, _ in ROWS:
            for p in paths:
                rounds = data[metric].get(p, {})
                if rounds:
                    w(f"| {label.strip()} | {p} | " + " | ".join(fmt(rounds.get(r), decimals) for r in range(1, args.rounds + 1)) + " |")
        w("")
        w("</details>")
        w("")
    if args.profile:
        with open(args.profile) as f:
            w(f.read())
    print("\n".join(out))


if __name__ == "__main__":
    main()
