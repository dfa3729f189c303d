"""The webhook under the hostile clients of issue 10 (items 3-5), each for ATTACK_SECONDS against a
real server process over TLS, while ordinary reviews arrive at 100/s as the API server would send
them. `make attack` (marked `attack`, not in the default run; the short versions of each bound are
tests/webhook/test_limits.py).

Bounds proven, per attack: every ordinary review is answered, within the API server's webhook
timeout (5 s, the manifests' timeoutSeconds); the server's peak memory stays under PEAK_MIB (the
manifests' limit is 256Mi; before the fix a 150 MB header took 241 MB and 60 held 8 MiB bodies
559 MB); plus the attack's own bound (below). Latency percentiles are printed, not asserted: on
this shared machine they say more about other jobs than about the server (bench/webhook_attack_bench.py
reports them next to a run without attack)."""
from __future__ import annotations

import os

import pytest

from . import webhook_attacks as wa

pytestmark = pytest.mark.attack

ATTACK_SECONDS = float(os.environ.get("WINKUBE_ATTACK_SECONDS", "15"))
API_SERVER_TIMEOUT = 5.0
PEAK_MIB = 200


@pytest.fixture
def server(tmp_path):
    srv = wa.start_server(tmp_path)
    yield srv
    assert srv.stop() == 0, srv.logtext()[-3000:]


def _held(out: wa.Outcome, name: str) -> None:
    print(f"\n{name}: {out.probe.summary()}; server peak {out.memory['VmHWM']:.0f} MiB "
          f"(idle {out.baseline_rss:.0f} MiB), {out.server_cpu:.1f} CPU-s; attacker saw {out.attacker}")
    assert "error" not in out.attacker, out.attacker
    assert not out.probe.failures, "\n".join(out.probe.failures[:10])
    assert out.probe.pct(1.0) < API_SERVER_TIMEOUT * 1000, out.probe.summary()
    assert out.memory["VmHWM"] < PEAK_MIB, out.memory


def test_a_150_mb_header(server):
    out = wa.run(server, wa.attack_big_header, ATTACK_SECONDS)
    _held(out, "150 MB header")
    # each attempt is cut at the 64 KiB cap: answered 431, or reset while the client is still sending
    assert out.attacker["max_bytes_accepted"] < 150 * wa.MiB and out.attacker.get("sent whole header", 0) == 0, out.attacker


def test_slowloris(server):
    out = wa.run(server, wa.attack_slowloris, ATTACK_SECONDS)
    _held(out, "slowloris")
    # header_timeout (10 s) from the first byte, one-second trickle or not; up to 5 s more for the attacker's
    # own 1 s polling of 200 connections on a loaded machine (on main: never closed)
    assert out.attacker["closed_by_server"] >= 150 and out.attacker["max_kept_s"] <= 15.0, out.attacker


def test_60_connections_holding_8_mib_bodies(server):
    out = wa.run(server, wa.attack_big_bodies, ATTACK_SECONDS)
    _held(out, "60 x 8 MiB bodies")
    # the budget admits 6 bodies of 8 MiB; the others are refused (503, or reset while still sending) and
    # the admitted ones are dropped at the body deadline (closed): none is ever answered as a review
    assert out.attacker and not any(k.startswith("HTTP/1.1 2") for k in out.attacker), out.attacker
    assert sum(out.attacker.values()) > 60, out.attacker


@pytest.mark.parametrize("path_len", [60_000, 7_000], ids=["60KB-paths-414", "7KB-paths-405"])
def test_metrics_bloat(server, path_len):
    out = wa.run(server, wa.attack_metrics_bloat, ATTACK_SECONDS * 2, path_len=path_len)
    _held(out, f"/metrics bloat with {path_len}-byte paths")
    # refused: 405 (a 7 KB path), 414 or a reset while the client still sends (a 60 KB path, over the 8 KiB cap)
    refused = sum(n for k, n in out.attacker.items() if k.startswith("HTTP/1.1 4") or k in ("SSLEOFError", "BrokenPipeError", "ConnectionResetError"))
    assert refused >= 500, out.attacker
    assert out.attacker["metrics_bytes"] < 16_000, out.attacker  # was 121 MB after 2,000 requests with 60 KB paths


def test_well_formed_giant_reviews_do_not_hold_up_the_others(server):
    """Judging a 6 MiB review of 20,000 containers takes ~2 s; on the event loop three clients
    sending those held every other review for seconds. Large reviews go to a worker thread."""
    out = wa.run(server, wa.attack_giant_reviews, ATTACK_SECONDS)
    _held(out, "3 clients sending 6 MiB reviews")
    assert out.attacker.get("HTTP/1.1 200 OK", 0) >= 3, out.attacker  # they are judged too, not refused
