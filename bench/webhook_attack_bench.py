"""make bench-webhook-attack: ordinary reviews while hostile clients run (issue 10).

For each attack of tests/attack/webhook_attacks.py, and once with no attack (the reference in
the same run), a fresh `winkube webhook serve` over TLS on 127.0.0.1 gets ordinary Pod reviews
at RATE/s, open loop (timed from each request's scheduled send), for SECONDS while the attack
runs in another process at the lowest CPU priority (a real attacker is on another machine).
Reported: p50/p99/max of the reviews, failures, the server's peak memory (VmHWM) and the CPU
time it spent per second of attack. Compare the no-attack row with `make bench-webhook`'s floor.
Environment: WINKUBE_BENCH_SECONDS (default 15), WINKUBE_BENCH_RATE (default 100).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
SECONDS = float(os.environ.get("WINKUBE_BENCH_SECONDS", "15"))
RATE = float(os.environ.get("WINKUBE_BENCH_RATE", "100"))


def main() -> int:
    from attack import webhook_attacks as wa

    rows = []
    for name, attack in [("no attack", None), *wa.ATTACKS.items()]:
        srv = wa.start_server(Path(tempfile.mkdtemp(prefix="winkube-bench-attack-")))
        try:
            if attack is None:
                cpu0 = wa.cpu_seconds(srv.proc.pid)
                res = wa.probe(srv.port, str(srv.ca), RATE, SECONDS - 2)
                mem, cpu = wa.memory(srv.proc.pid), wa.cpu_seconds(srv.proc.pid) - cpu0
            else:
                out = wa.run(srv, attack, SECONDS, RATE)
                res, mem, cpu = out.probe, out.memory, out.server_cpu
            rows.append((name, res, mem, cpu))
            print(f"{name}: {res.summary()}; peak {mem['VmHWM']:.0f} MiB; {cpu / SECONDS:.2f} CPU-s/s", flush=True)
        finally:
            srv.stop()
    print(f"\n{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; ordinary reviews at {RATE:g}/s for {SECONDS - 2:g} s "
          f"during each attack; server: one uvicorn worker over TLS\n")
    print("| attack | reviews answered | p50 ms | p99 ms | max ms | server peak MiB | server CPU-s per s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, res, mem, cpu in rows:
        print(f"| {name} | {len(res.latencies)}/{len(res.latencies) + len(res.failures)} | {res.pct(0.5):.1f} | "
              f"{res.pct(0.99):.1f} | {res.pct(1.0):.1f} | {mem['VmHWM']:.0f} | {cpu / SECONDS:.2f} |")
    return 0 if all(not r.failures for _, r, _, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
