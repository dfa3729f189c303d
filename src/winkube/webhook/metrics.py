"""Prometheus text exposition (format 0.0.4), hand-written.

Why not prometheus_client: the hot path here is one event loop thread, so plain dict increments
need no lock; prometheus_client takes a mutex per observation and adds a dependency for a dozen
series. The format is small and stable, and a test parses the output.
"""
from __future__ import annotations

import bisect
import time

BUCKETS = (0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


def _labels(pairs: tuple) -> str:
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{_escape(str(v))}"' for k, v in pairs) + "}"


def _escape(v: str) -> str:
    return v.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


class Histogram:
    __slots__ = ("counts", "sum", "n")

    def __init__(self):
        self.counts = [0] * (len(BUCKETS) + 1)
        self.sum = 0.0
        self.n = 0

    def observe(self, v: float) -> None:
        self.counts[bisect.bisect_left(BUCKETS, v)] += 1
        self.sum += v
        self.n += 1


class Metrics:
    def __init__(self):
        self.started = time.time()
        self.requests: dict[tuple, int] = {}  # (path, code) -> n
        self.decisions: dict[tuple, int] = {}  # (endpoint, decision) -> n
        self.findings: dict[tuple, int] = {}  # (rule, action) -> n
        self.errors: dict[str, int] = {}  # kind -> n
        self.latency: dict[str, Histogram] = {}  # endpoint -> review latency
        self.inflight = 0

    def request(self, path: str, code: int) -> None:
        k = (path, code)
        self.requests[k] = self.requests.get(k, 0) + 1

    def decision(self, endpoint: str, decision: str) -> None:
        k = (endpoint, decision)
        self.decisions[k] = self.decisions.get(k, 0) + 1

    def finding(self, rule: str, action: str) -> None:
        k = (rule, action)
        self.findings[k] = self.findings.get(k, 0) + 1

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def observe(self, endpoint: str, seconds: float) -> None:
        h = self.latency.get(endpoint)
        if h is None:
            h = self.latency[endpoint] = Histogram()
        h.observe(seconds)

    def render(self, knowledge=None) -> bytes:
        out = []

        def family(name, typ, help_):
            out.append(f"# HELP {name} {help_}")
            out.append(f"# TYPE {name} {typ}")

        family("winkube_webhook_requests_total", "counter", "HTTP requests by path and status code.")
        for (path, code), n in sorted(self.requests.items()):
            out.append(f"winkube_webhook_requests_total{_labels((('path', path), ('code', code)))} {n}")
        family("winkube_webhook_decisions_total", "counter", "Admission decisions by endpoint (validate, mutate) and outcome.")
        for (ep, d), n in sorted(self.decisions.items()):
            out.append(f"winkube_webhook_decisions_total{_labels((('endpoint', ep), ('decision', d)))} {n}")
        family("winkube_webhook_findings_total", "counter", "Findings reported in reviews, by rule and action (deny, warn).")
        for (rule, act), n in sorted(self.findings.items()):
            out.append(f"winkube_webhook_findings_total{_labels((('rule', rule), ('action', act)))} {n}")
        family("winkube_webhook_errors_total", "counter", "Errors by kind: bad_request, too_large, busy, disconnected, header_too_large, url_too_long, "
               "header_timeout, body_timeout, internal, image_timeout, watch.")
        for kind, n in sorted(self.errors.items()):
            out.append(f"winkube_webhook_errors_total{_labels((('kind', kind),))} {n}")
        family("winkube_webhook_review_duration_seconds", "histogram", "Time from the request's arrival to its answer, by endpoint.")
        for ep, h in sorted(self.latency.items()):
            acc = 0
            for b, c in zip(BUCKETS, h.counts):
                acc += c
                out.append(f"winkube_webhook_review_duration_seconds_bucket{_labels((('endpoint', ep), ('le', repr(b))))} {acc}")
            out.append(f"winkube_webhook_review_duration_seconds_bucket{_labels((('endpoint', ep), ('le', '+Inf')))} {h.n}")
            out.append(f"winkube_webhook_review_duration_seconds_sum{_labels((('endpoint', ep),))} {h.sum!r}")
            out.append(f"winkube_webhook_review_duration_seconds_count{_labels((('endpoint', ep),))} {h.n}")
        family("winkube_webhook_inflight_reviews", "gauge", "Reviews being answered now.")
        out.append(f"winkube_webhook_inflight_reviews {self.inflight}")
        if knowledge is not None:
            h = knowledge.health
            family("winkube_webhook_profile_ready", "gauge", "1 once a cluster profile is loaded.")
            out.append(f"winkube_webhook_profile_ready {int(h.ready)}")
            family("winkube_webhook_profile_stale", "gauge", "1 while the cluster watch is lost and the last profile is served.")
            out.append(f"winkube_webhook_profile_stale {int(h.stale)}")
            family("winkube_webhook_profile_last_sync_timestamp_seconds", "gauge", "Unix time of the last good list or watch event.")
            out.append(f"winkube_webhook_profile_last_sync_timestamp_seconds {h.last_sync or 0}")
            family("winkube_webhook_watch_failures_total", "counter", "Times the cluster list/watch failed.")
            out.append(f"winkube_webhook_watch_failures_total {h.watch_failures}")
            family("winkube_webhook_kube_version_outside_range", "gauge",
                   "1 when the server's release is outside the ones winkube encodes (the nearest one's rules apply; see /readyz).")
            out.append(f"winkube_webhook_kube_version_outside_range {int(bool(h.version_note))}")
            p = knowledge.profile
            if p is not None:
                family("winkube_webhook_profile_nodes", "gauge", "Nodes in the profile, by OS.")
                for os_ in ("linux", "windows"):
                    out.append(f"winkube_webhook_profile_nodes{_labels((('os', os_),))} {sum(x.count for x in p.pools if x.os == os_)}")
            family("winkube_webhook_image_timeouts_total", "counter", "Reviews whose image platforms fell back to tag conventions after the time budget.")
            out.append(f"winkube_webhook_image_timeouts_total {knowledge.images.timeouts}")
        family("winkube_webhook_start_time_seconds", "gauge", "Unix time the server started.")
        out.append(f"winkube_webhook_start_time_seconds {self.started}")
        return ("\n".join(out) + "\n").encode()
