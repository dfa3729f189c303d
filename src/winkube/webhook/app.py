"""The raw ASGI application (no framework: dependencies.md measured raw ASGI on uvicorn + uvloop +
httptools as the fastest option).

POST /validate, /mutate   AdmissionReview admission.k8s.io/v1 -> AdmissionReview with a response
GET  /healthz             the process answers
GET  /readyz              a profile is loaded (200, with "stale" when serving a lost watch's last profile); 503 before, and while stopping
GET  /metrics             Prometheus text format

Bad input never becomes a 500: malformed, truncated, wrong-version reviews are a 400 with a
reason; a body over the cap is a 413; an unexpected error while judging a well-formed review is
answered "allowed" with a warning (and counted), so a bug in winkube fails open per review rather
than blocking the cluster.
"""
from __future__ import annotations

import json
import logging
import time

from . import mutate as mutation
from .metrics import Metrics
from .review import BadReview, Decision, image_refs, one_line, parse, response, validate

log = logging.getLogger("winkube.webhook")
MAX_BODY = 8 * 1024 * 1024  # an AdmissionReview carries object + oldObject; etcd's limit per object is 1.5 MiB
TOO_LARGE, BUSY, GONE = object(), object(), object()  # what _read returns instead of a body
# metric labels come from this fixed set only: a label per raw request path let anyone grow /metrics
PATHS = frozenset(("/validate", "/mutate", "/healthz", "/livez", "/readyz", "/metrics"))

_JSON = [(b"content-type", b"application/json")]
_TEXT = [(b"content-type", b"text/plain; charset=utf-8")]
_CLOSE = [(b"connection", b"close")]  # after a refused body: do not read the rest of it
_PROM = [(b"content-type", b"text/plain; version=0.0.4; charset=utf-8")]


def settle_memory(knowledge) -> None:
    """Warm the engine once (every rule module, knowledge file and regex loaded), then move all
    start-up objects out of the collector's reach (gc.freeze) and collect young objects less often:
    a full collection over the loaded rules and knowledge otherwise shows up as 10-100 ms stalls
    in the latency tail."""
    import gc

    from .review import warm_up
    warm_up(knowledge)
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)


class BodyBudget:
    """Bytes of request bodies held at once, across all connections. A body over `small` may
    only use the budget up to `total - reserve`: the reserve is kept for ordinary reviews
    (a few KB each), so clients holding large bodies cannot starve the API server's requests.
    The bytes are counted as they arrive and given back when the review is parsed or dropped."""

    def __init__(self, total: int = 64 * 1024 * 1024, reserve: int = 16 * 1024 * 1024, small: int = 256 * 1024):
        self.total, self.reserve, self.small = total, reserve, small
        self.used = 0

    def take(self, n: int, small: bool) -> bool:
        if self.used + n > (self.total if small else self.total - self.reserve):
            return False
        self.used += n
        return True

    def give(self, n: int) -> None:
        self.used -= n


def _dumps(doc) -> bytes:
    # ASCII with escapes: a uid or name with a lone surrogate (legal in JSON text) cannot break the encoding
    return json.dumps(doc, separators=(",", ":")).encode()


class WebhookApp:
    def __init__(self, knowledge, metrics: Metrics | None = None, max_body: int = MAX_BODY, on_startup=None, on_shutdown=None,
                 budget: BodyBudget | None = None):
        self.knowledge = knowledge
        self.metrics = metrics or Metrics()
        self.max_body = max_body
        self.budget = budget or BodyBudget()
        self._worker = None  # the thread large reviews are judged on (created on first use)
        self.stopping = False
        self._on_startup, self._on_shutdown = on_startup, on_shutdown

    async def __call__(self, scope, receive, send):
        typ = scope["type"]
        if typ == "http":
            await self._http(scope, receive, send)
        elif typ == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive, send):
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                try:
                    if self._on_startup:
                        await self._on_startup()
                    settle_memory(self.knowledge)
                except Exception as e:  # noqa: BLE001
                    await send({"type": "lifespan.startup.failed", "message": str(e)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                self.stopping = True
                if self._on_shutdown:
                    try:
                        await self._on_shutdown()
                    except Exception:  # noqa: BLE001
                        log.exception("shutdown hook failed")
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _reply(self, send, status: int, body: bytes, headers=_JSON, path: str = ""):
        self.metrics.request(path if path in PATHS else "other", status)
        await send({"type": "http.response.start", "status": status,
                    "headers": headers + [(b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def _read(self, scope, receive, held_out: list):
        """The body, or TOO_LARGE (over max_body, checked on Content-Length first, then as it
        arrives), BUSY (the budget for bodies held across connections is spent) or GONE (the
        client left or its body deadline passed: limits.py closed the connection).

        A declared Content-Length is taken from the budget whole, before any of it is read, so
        that clients refused for lack of budget cost no reading and admitted ones cannot be
        starved half-way; a chunked body takes its bytes as they arrive. What is taken is put in
        held_out[0], given back by the caller once the review is answered (a large review waiting
        for the worker thread keeps its share)."""
        declared = None
        for k, v in scope["headers"]:
            if k == b"content-length":
                try:
                    declared = int(v)
                except ValueError:
                    pass
                break
        if declared is not None and declared > self.max_body:
            return TOO_LARGE
        budget = self.budget
        held = 0
        if declared is not None:
            if not budget.take(declared, declared <= budget.small):
                return BUSY
            held = declared
        chunks, size = [], 0
        try:
            while True:
                held_out[0] = held
                msg = await receive()
                if msg["type"] == "http.disconnect":
                    return GONE
                chunk = msg.get("body", b"")
                size += len(chunk)
                if size > self.max_body:
                    return TOO_LARGE
                if size > held:  # chunked (the parser holds a Content-Length body to its length)
                    if not budget.take(size - held, size <= budget.small):
                        return BUSY
                    held = size
                chunks.append(chunk)
                if not msg.get("more_body"):
                    break
            return b"".join(chunks) if len(chunks) != 1 else chunks[0]
        finally:
            held_out[0] = held

    async def _http(self, scope, receive, send):
        path, method = scope["path"], scope["method"]
        if path in ("/validate", "/mutate"):
            if method != "POST":
                await self._reply(send, 405, b"use POST with an AdmissionReview\n", _TEXT + [(b"allow", b"POST")], path)
                return
            await self._review(path, scope, receive, send)
            return
        if method not in ("GET", "HEAD"):
            await self._reply(send, 405, b"method not allowed\n", _TEXT + [(b"allow", b"GET")], path)
            return
        if path == "/healthz" or path == "/livez":
            await self._reply(send, 200, b"ok\n", _TEXT, path)
        elif path == "/readyz":
            status, text = self.readiness()
            await self._reply(send, status, text.encode(), _TEXT, path)
        elif path == "/metrics":
            await self._reply(send, 200, self.metrics.render(self.knowledge), _PROM, path)
        else:
            await self._reply(send, 404, b"not found: POST /validate or /mutate; GET /healthz, /readyz, /metrics\n", _TEXT, "other")

    def readiness(self) -> tuple[int, str]:
        h = self.knowledge.health
        if self.stopping:
            return 503, "stopping\n"
        if not h.ready:
            return 503, f"not ready: no cluster profile yet{f' ({h.last_error})' if h.last_error else ''}\n"
        if h.stale:
            age = time.time() - (h.stale_since or time.time())
            return 200, (f"ok (stale: the cluster watch is lost since {age:.0f}s: {h.last_error}; "
                         f"serving from the last profile synced at {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(h.last_sync or 0))})\n")
        return 200, f"ok (profile: {h.source}{f'; {h.version_note}' if h.version_note else ''})\n"

    async def _review(self, path, scope, receive, send):
        m = self.metrics
        t0 = time.perf_counter()
        endpoint = path[1:]
        m.inflight += 1
        held = [0]
        try:
            body = await self._read(scope, receive, held)
            if body is TOO_LARGE:
                m.error("too_large")
                await self._reply(send, 413, f"AdmissionReview over the {self.max_body}-byte limit\n".encode(), _TEXT + _CLOSE, path)
                return
            if body is BUSY:
                m.error("busy")
                await self._reply(send, 503, b"too many large request bodies in flight; retry\n",
                                  _TEXT + _CLOSE + [(b"retry-after", b"1")], path)
                return
            if body is GONE:
                m.error("disconnected")
                return
            large = len(body) > self.budget.small
            try:
                req = await self._run(large, parse, body)
            except BadReview as e:
                m.error("bad_request")
                await self._reply(send, 400, f"bad AdmissionReview: {e}\n".encode(), _TEXT, path)
                return
            try:
                doc = await (self._validate(req, large) if endpoint == "validate" else self._mutate(req, large))
            except Exception as e:  # noqa: BLE001 - a bug must not become a 500 or block the cluster
                log.exception("internal error answering %s %s", endpoint, req.uid)
                m.error("internal")
                m.decision(endpoint, "error")
                doc = response(req.uid, True, warnings=[one_line(f"winkube webhook: internal error ({type(e).__name__}); allowed without checks")])
            await self._reply(send, 200, _dumps(doc), _JSON, path)
        finally:
            self.budget.give(held[0])
            m.inflight -= 1
            m.observe(endpoint, time.perf_counter() - t0)

    async def _run(self, large: bool, fn, *args):
        """fn(*args) here, or for a large review on the one worker thread: parsing and judging a
        pod of 20,000 containers takes ~2 s, which on the event loop would hold up every other
        review; on the worker it yields the interpreter every few ms (sys.getswitchinterval) and
        large reviews wait for each other, not the ordinary ones."""
        if not large:
            return fn(*args)
        if self._worker is None:
            from concurrent.futures import ThreadPoolExecutor
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="winkube-large-review")
        import asyncio
        return await asyncio.get_running_loop().run_in_executor(self._worker, fn, *args)

    async def _images(self, obj) -> tuple[dict, list[str]]:
        k = self.knowledge
        if not k.policy.resolve_images:
            return {}, []
        images, warnings = await k.images.resolve(image_refs(obj))
        if warnings:
            self.metrics.error("image_timeout")
        return images, warnings

    async def _validate(self, req, large: bool = False) -> dict:
        k = self.knowledge
        if k.engine is None:  # not ready: answer, do not guess (failurePolicy decides while we start)
            self.metrics.decision("validate", "not_ready")
            return response(req.uid, True, warnings=["winkube webhook: no cluster profile loaded yet; not checked"])
        images, warnings = await self._images(req.obj)
        d: Decision = await self._run(large, validate, req, k, images, warnings)
        self.metrics.decision("validate", d.verdict)
        for f, act in d.findings:
            self.metrics.finding(f.rule, act)
        return d.to_response(req.uid)

    async def _mutate(self, req, large: bool = False) -> dict:
        k = self.knowledge
        obj = req.obj
        if k.engine is None or req.operation != "CREATE" or req.kind != "Pod" or req.sub_resource or not isinstance(obj, dict):
            self.metrics.decision("mutate", "skipped")
            return response(req.uid, True, audit={"decision": "skipped"})
        if obj.get("kind") != "Pod":
            if "kind" in obj and obj["kind"] is not None:
                self.metrics.decision("mutate", "skipped")
                return response(req.uid, True, audit={"decision": "skipped"})
            obj = dict(obj, kind="Pod")
        from .review import object_labels
        why = k.policy.excluded(req.namespace, object_labels(obj))
        if why:
            self.metrics.decision("mutate", "skipped")
            return response(req.uid, True, audit={"decision": "skipped", "skipped": why})
        images, warnings = await self._images(obj)
        key = k.plans.key(k.admission_engine, obj, images)
        plan = k.plans.get(key)
        if plan is None:
            adm = k.admission_engine  # one engine, its own profile: consistent even while the watch swaps them
            plan = await self._run(large, mutation.plan, obj, adm.options.profile, k.policy, adm, images)
            k.plans.put(key, plan, ())
        warnings = warnings + [one_line(f"winkube: {s}") for s in plan.skipped]
        audit = {"decision": "patched" if plan.ops else "unchanged"}
        if plan.notes:
            audit["patch"] = one_line("; ".join(plan.notes), 1024)
        self.metrics.decision("mutate", audit["decision"])
        return response(req.uid, True, warnings=warnings, audit=audit, patch=plan.patch_b64())
