"""Call the ASGI app in-process (no sockets): for unit tests and the fuzz test."""
from __future__ import annotations

import asyncio
import json


async def call(app, method: str, path: str, body: bytes = b"", headers: list | None = None, chunk: int | None = None):
    hdrs = list(headers or [])
    if not any(k == b"content-length" for k, _ in hdrs):
        hdrs.append((b"content-length", str(len(body)).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "path": path,
             "raw_path": path.encode(), "query_string": b"", "headers": hdrs, "scheme": "https",
             "server": ("127.0.0.1", 8443), "client": ("127.0.0.1", 5555)}
    parts = [body[i:i + chunk] for i in range(0, len(body), chunk)] if chunk and body else [body]
    queue = [{"type": "http.request", "body": p, "more_body": i < len(parts) - 1} for i, p in enumerate(parts)]
    sent = []

    async def receive():
        if queue:
            return queue.pop(0)
        await asyncio.sleep(0)
        return {"type": "http.disconnect"}

    async def send(msg):
        sent.append(msg)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    data = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), data


def run(app, method, path, body=b"", **kw):
    return asyncio.run(call(app, method, path, body, **kw))


def post_review(app, doc) -> tuple[int, dict | bytes]:
    status, _, data = run(app, "POST", "/validate" if doc.pop("_mutate", False) is False else "/mutate", json.dumps(doc).encode())
    return status, (json.loads(data) if status == 200 else data)
