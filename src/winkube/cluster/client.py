"""The Cluster: raw-JSON get, paginated list and watch against kube-apiserver over httpx."""
from __future__ import annotations

import json
import os
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Iterator
from urllib.parse import urlsplit

import httpx

from ..errors import WinkubeError
from . import deadline as _deadline
from .config import (ClusterConfig, KubeconfigError, CredentialSource, ClusterCredentials, from_in_cluster, from_kubeconfig,
                     in_cluster_available, kubeconfig_paths, SERVICE_ACCOUNT_DIR)

_RETRY_STATUS = (429, 503, 504)
_MAX_RETRIES = 3
_GONE_RESTARTS = 3
# Bounds against a broken or hostile server (issue 10). A page of 500 large objects is a few tens
# of MiB; the API server itself refuses objects over ~3 MiB, so one watch line holds at most one.
MAX_RESPONSE_BYTES = 256 * 1024 * 1024
MAX_ERROR_BODY = 64 * 1024  # error bodies are only quoted (300 characters)
MAX_WATCH_LINE = 16 * 1024 * 1024
MAX_PAGES = 10_000  # 5 million objects at kubectl's 500 per page: more than any cluster holds


@dataclass(frozen=True)
class ResourceRef:
    """What an API path names, for error messages and RBAC hints."""

    group: str  # "" for the core group
    version: str
    resource: str  # plural, with "/subresource" when there is one
    namespace: str | None  # None: cluster scope (or all namespaces for namespaced resources)
    name: str | None = None

    def describe(self) -> str:
        g = f'"{self.resource}" in API group "{self.group}"'
        where = f'namespace "{self.namespace}"' if self.namespace else "the cluster scope"
        return f"{g} in {where}"


def parse_path(path: str) -> ResourceRef | None:
    """/api/v1/nodes, /api/v1/namespaces/ns/pods/name/status, /apis/apps/v1/deployments, … → ResourceRef."""
    parts = [p for p in urlsplit(path).path.split("/") if p]
    if parts[:1] == ["api"] and len(parts) >= 3:
        group, version, rest = "", parts[1], parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 4:
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    namespace = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        namespace, rest = rest[1], rest[2:]
    elif len(rest) == 2 and rest[0] == "namespaces":
        return ResourceRef(group, version, "namespaces", None, rest[1])
    if not rest:
        return None
    resource = rest[0]
    name = rest[1] if len(rest) >= 2 else None
    if len(rest) >= 3:
        resource = f"{resource}/{rest[2]}"
    return ResourceRef(group, version, resource, namespace, name)


class ClusterError(WinkubeError):
    """Something failed talking to the cluster; str() says what. For a 403, ``permission`` names
    the missing permission (verb, resource, API group, namespace) as RBAC needs it."""

    def __init__(self, message: str, *, status: int | None = None, reason: str | None = None,
                 verb: str | None = None, resource: ResourceRef | None = None, path: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason  # the Status reason: Forbidden, NotFound, Gone, Unauthorized, …
        self.verb = verb
        self.resource = resource
        self.path = path

    @property
    def forbidden(self) -> bool:
        return self.status == 403

    @property
    def permission(self) -> str | None:
        """'list pods in API group "" in namespace "x"' for a 403, else None."""
        if self.status != 403 or self.verb is None or self.resource is None:
            return None
        return f"{self.verb} {self.resource.describe()}"

    def __str__(self) -> str:
        return self.message


def _status_message(resp: httpx.Response) -> tuple[str, str | None]:
    try:
        body = resp.json()
    except ValueError:
        text = resp.text.strip()
        return (text[:300] or resp.reason_phrase), None
    if isinstance(body, dict) and body.get("kind") == "Status":
        return str(body.get("message") or resp.reason_phrase), body.get("reason")
    return resp.reason_phrase, None


class Cluster:
    """A connection to one kube-apiserver. Thread-safe; close() (or ``with``) when done.

    Every method returns plain JSON objects (dicts) as the API server sends them, and raises only
    ClusterError.
    """

    def __init__(self, config: ClusterConfig, *, timeout: float = 30.0):
        self.config = config
        self.server = config.server
        self.context = config.context
        self.namespace = config.namespace
        self.timeout = timeout  # the deadline of each request: connect, retries, waits and the whole body
        self.max_response_bytes = MAX_RESPONSE_BYTES
        self.max_watch_line = MAX_WATCH_LINE
        self.max_pages = MAX_PAGES
        self._creds = CredentialSource(config, timeout=max(timeout, 10.0))
        self._clients: dict[tuple, httpx.Client] = {}  # by client certificate (exec plugins may rotate it)
        self._clients_lock = threading.Lock()
        self._default_headers = {"Accept": "application/json", "User-Agent": "winkube"}

    # ------------------------------------------------------------------ construction

    @classmethod
    def connect(cls, kubeconfig: str | None = None, context: str | None = None, *, timeout: float = 30.0) -> "Cluster":
        """From the kubeconfig (explicit, $KUBECONFIG, ~/.kube/config), else the in-cluster service
        account. Nothing is sent yet: the first request shows whether the cluster is reachable."""
        try:
            paths = kubeconfig_paths(kubeconfig)
            if paths:
                cfg = from_kubeconfig(paths, context)
            elif context:
                raise KubeconfigError(f"--context {context}: no kubeconfig found ($KUBECONFIG, ~/.kube/config)")
            else:
                cfg = from_in_cluster()
        except KubeconfigError as e:
            raise ClusterError(str(e)) from None
        return cls(cfg, timeout=timeout)

    @classmethod
    def in_cluster(cls, sa_dir: str = SERVICE_ACCOUNT_DIR, *, timeout: float = 30.0) -> "Cluster":
        """The pod's own service account (sa_dir holds token, ca.crt, namespace)."""
        try:
            return cls(from_in_cluster(sa_dir), timeout=timeout)
        except KubeconfigError as e:
            raise ClusterError(str(e)) from None

    @staticmethod
    def in_cluster_available(sa_dir: str = SERVICE_ACCOUNT_DIR) -> bool:
        return in_cluster_available(sa_dir)

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for c in self._clients.values():
            c.close()
        self._clients.clear()

    def __repr__(self) -> str:
        return f"Cluster({self.server!r}, context={self.context!r})"

    # ------------------------------------------------------------------ public API

    def version(self) -> dict:
        """GET /version (gitVersion, major, minor, platform, …)."""
        return self.get("/version")

    def get(self, path: str, *, retry: bool = True) -> dict:
        """GET one object. retry=False: a 503/504/429 is an error at once (a proxied kubelet that
        does not answer is not an overloaded API server worth waiting for)."""
        resp = self._request("GET", path, verb="get", retries=_MAX_RETRIES if retry else 0)
        return self._json(resp, path)

    def list(self, path: str, *, limit: int = 500, params: dict | None = None) -> Iterator[dict]:
        """Every item of a list, page by page (limit/continue). If a continue token expires (410
        Gone) the list restarts from the beginning, skipping items already yielded (by uid), up to
        3 times; then ClusterError."""
        return self._list(path, limit=limit, params=params, sink=None)

    def list_with_version(self, path: str, *, limit: int = 500, params: dict | None = None,
                          max_items: int = 1_000_000) -> tuple[list[dict], str]:
        """All items plus the list's resourceVersion (start a watch from it); more than max_items
        is a ClusterError (the items are held in memory)."""
        box: dict = {}
        items = []
        for item in self._list(path, limit=limit, params=params, sink=box):
            if len(items) >= max_items:
                raise ClusterError(f"list {path}: more than {max_items} items", verb="list",
                                   resource=parse_path(path), path=path)
            items.append(item)
        return items, box.get("resourceVersion", "")

    def watch(self, path: str, resource_version: str, *, timeout_seconds: int = 300,
              params: dict | None = None) -> Iterator[dict]:
        """{"type": ADDED|MODIFIED|DELETED|BOOKMARK, "object": {...}} events from resource_version on,
        until the server ends the watch (after timeout_seconds). An ERROR event (e.g. 410: the
        resourceVersion is too old) raises ClusterError — list again and watch from the new version."""
        q = {"watch": "true", "allowWatchBookmarks": "true", "timeoutSeconds": str(int(timeout_seconds))}
        if resource_version:
            q["resourceVersion"] = resource_version
        q.update(params or {})
        return self._watch(path, q, timeout_seconds)

    # ------------------------------------------------------------------ internals

    def _list(self, path: str, *, limit: int, params: dict | None, sink: dict | None) -> Iterator[dict]:
        if limit is not None and limit < 0:
            raise ClusterError(f"list {path}: limit must be >= 0 (0: no paging)")

        def gen() -> Iterator[dict]:
            seen: set[str] = set()
            tokens: set[int] = set()  # hashes of the continue tokens followed: a server that loops is stopped
            restarts = 0
            pages = 0
            cont = None
            while True:
                pages += 1
                if pages > self.max_pages:
                    raise ClusterError(f"list {path}: the server kept sending continue tokens past {self.max_pages} "
                                       f"pages; stopped", verb="list", resource=parse_path(path), path=path)
                q = dict(params or {})
                if limit:
                    q["limit"] = str(int(limit))
                if cont:
                    q["continue"] = cont
                try:
                    page = self._json(self._request("GET", path, params=q, verb="list"), path)
                except ClusterError as e:
                    if e.status == 410 and cont:
                        restarts += 1
                        if restarts > _GONE_RESTARTS:
                            raise ClusterError(
                                f"listing {path}: the list changed faster than it could be read (continue token "
                                f"expired, 410 Gone, {_GONE_RESTARTS} restarts); try again or raise --chunk-size",
                                status=410, reason="Expired", verb="list", resource=parse_path(path), path=path) from None
                        cont = None
                        if sink is not None:
                            sink.pop("resourceVersion", None)  # the restarted list has its own
                        continue
                    raise
                meta, items = _page_shape(page, path)
                if sink is not None and "resourceVersion" not in sink:
                    sink["resourceVersion"] = str(meta.get("resourceVersion") or "")
                cont = meta.get("continue")
                more = bool(cont)
                for item in items:
                    uid = item["metadata"].get("uid") if (more or restarts) and isinstance(item.get("metadata"), dict) else None
                    if uid:
                        if restarts and uid in seen:
                            continue
                        seen.add(uid)
                    yield item
                if not cont:
                    return
                if hash(cont) in tokens:
                    raise ClusterError(f"list {path}: the server sent a continue token it had sent before (a loop); stopped",
                                       verb="list", resource=parse_path(path), path=path)
                tokens.add(hash(cont))
        return gen()

    def _watch(self, path: str, q: dict, timeout_seconds: int) -> Iterator[dict]:
        # The server ends the watch after timeout_seconds; the whole stream gets that plus one
        # request timeout, and every line is bounded (an endless line is an error, not memory).
        end = time.monotonic() + timeout_seconds + self.timeout
        client, headers, ext = self._prepared()
        timeout = httpx.Timeout(self.timeout, read=timeout_seconds + max(self.timeout, 30.0))
        try:
            with _deadline.deadline_at(end):
                req = client.build_request("GET", path, params=q, headers=headers, timeout=timeout, extensions=ext)
                resp = client.send(req, stream=True)
            try:
                if resp.status_code >= 400:
                    body = self._read_capped(resp, MAX_ERROR_BODY, end, path, truncate=True)
                    raise self._error(_with_body(resp, body), "watch", path)
                chunks = resp.iter_bytes()
                buf = bytearray()
                while True:
                    with _deadline.deadline_at(end):
                        chunk = next(chunks, None)
                    if chunk is None:
                        break
                    start_at = 0
                    scan = len(buf)  # what is already buffered holds no newline: look only at the new bytes
                    buf += chunk
                    while True:
                        nl = buf.find(b"\n", max(start_at, scan))
                        if nl < 0:
                            break
                        line = bytes(buf[start_at:nl])
                        start_at = nl + 1
                        if line.strip():
                            yield self._event(line, path)
                    del buf[:start_at]
                    if len(buf) > self.max_watch_line:
                        raise ClusterError(f"watch {path}: the server sent a line longer than {self.max_watch_line} bytes; "
                                           f"stopped reading it", verb="watch", resource=parse_path(path), path=path)
                if buf.strip():
                    yield self._event(bytes(buf), path)
            finally:
                resp.close()
        except httpx.HTTPError as e:
            raise self._transport_error(e, "watch", path, timeout_seconds + self.timeout) from None

    def _event(self, line: bytes, path: str) -> dict:
        try:
            event = json.loads(line)
        except (ValueError, RecursionError):
            raise ClusterError(f"watch {path}: the server sent a line that is not JSON ({len(line)} bytes)",
                               path=path) from None
        if not isinstance(event, dict) or not isinstance(event.get("type"), str) or not isinstance(event.get("object"), dict):
            raise ClusterError(f"watch {path}: the server sent an event that is not {{\"type\": …, \"object\": {{…}}}}",
                               path=path)
        if event["type"] == "ERROR":
            obj = event["object"]
            code = obj.get("code") if isinstance(obj.get("code"), int) else None
            raise ClusterError(f"watch {path}: {self._redact(str(obj.get('message') or 'error')[:1000])}"
                               + (" (list again and watch from the new resourceVersion)" if code == 410 else ""),
                               status=code, reason=obj.get("reason") if isinstance(obj.get("reason"), str) else None,
                               verb="watch", resource=parse_path(path), path=path)
        return event

    def _client_for(self, creds: ClusterCredentials) -> httpx.Client:
        key = (creds.cert_pem, creds.key_pem)
        client = self._clients.get(key)
        if client is not None:
            return client
        with self._clients_lock:
            client = self._clients.get(key)
            if client is not None:
                return client
            try:
                verify = self._ssl_context(creds)
            except (ssl.SSLError, OSError, ValueError) as e:
                raise ClusterError(f"{self.config.source}: the TLS settings cannot be used: {e}") from None
            client = httpx.Client(base_url=self.server, verify=verify, timeout=self.timeout,
                                  headers=self._default_headers, proxy=self.config.proxy,
                                  limits=httpx.Limits(max_connections=16, max_keepalive_connections=16))
            _deadline.install(client)
            self._clients[key] = client
        return client

    def _ssl_context(self, creds: ClusterCredentials) -> ssl.SSLContext | bool:
        cfg = self.config
        if not self.server.startswith("https://"):
            return False
        ctx = ssl.create_default_context()
        if cfg.insecure:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        elif cfg.ca_pem:
            ctx.load_verify_locations(cadata=cfg.ca_pem.decode("ascii", errors="replace"))
        if creds.cert_pem and creds.key_pem:
            # ssl only loads certificates from files: write them to a private temporary
            # directory, load, and remove them at once.
            with tempfile.TemporaryDirectory(prefix="winkube-tls-") as d:
                cert, key = os.path.join(d, "tls.crt"), os.path.join(d, "tls.key")
                for p, data in ((cert, creds.cert_pem), (key, creds.key_pem)):
                    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "wb") as fh:
                        fh.write(data)
                ctx.load_cert_chain(cert, key)
        return ctx

    def _prepared(self, force_refresh: bool = False) -> tuple[httpx.Client, dict, dict]:
        try:
            creds = self._creds.current(force_refresh)
        except KubeconfigError as e:
            raise ClusterError(str(e)) from None
        headers = {}
        if creds.token:
            headers["Authorization"] = f"Bearer {creds.token}"
        elif self.config.username is not None and self.config.password is not None and not creds.cert_pem:
            import base64
            raw = f"{self.config.username}:{self.config.password}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
        ext = {"sni_hostname": self.config.tls_server_name} if self.config.tls_server_name else {}
        return self._client_for(creds), headers, ext

    def _request(self, method: str, path: str, *, params: dict | None = None, verb: str,
                 retries: int = _MAX_RETRIES) -> httpx.Response:
        """One request, answered in full within self.timeout — connecting, a refreshed credential,
        retries and their Retry-After waits, and reading the whole body (at most
        max_response_bytes) — however slowly the server sends it."""
        end = None
        refreshed = False
        attempt = 0
        while True:
            client, headers, ext = self._prepared(force_refresh=refreshed)
            if end is None or (refreshed and attempt == 0):
                # from when the credentials are ready (an exec plugin has its own timeout); a
                # refreshed credential starts the request anew, once
                end = time.monotonic() + self.timeout
            try:
                with _deadline.deadline_at(end):
                    req = client.build_request(method, path, params=params, headers=headers, extensions=ext)
                    resp = client.send(req, stream=True)
                try:
                    ok = resp.status_code < 400
                    body = self._read_capped(resp, self.max_response_bytes if ok else MAX_ERROR_BODY, end, path,
                                             truncate=not ok)
                finally:
                    resp.close()
            except httpx.HTTPError as e:
                raise self._transport_error(e, verb, path) from None
            resp = _with_body(resp, body)
            if resp.status_code == 401 and not refreshed and (self.config.exec or self.config.token_file):
                refreshed = True  # an expired exec / rotated token: get a fresh one once
                continue
            if resp.status_code in _RETRY_STATUS and attempt < retries:
                attempt += 1
                try:
                    wait = float(resp.headers.get("Retry-After", "1"))
                except ValueError:
                    wait = 1.0
                wait = min(max(wait, 0.1), 5.0)
                if time.monotonic() + wait >= end:
                    raise ClusterError(f"{verb} {path}: the server answered {resp.status_code} and asked to retry after "
                                       f"{resp.headers.get('Retry-After', '1')}s, past the {self.timeout:g}s request "
                                       f"timeout", status=resp.status_code, verb=verb, resource=parse_path(path), path=path)
                time.sleep(wait)
                continue
            if resp.status_code >= 400:
                raise self._error(resp, verb, path)
            return resp

    def _read_capped(self, resp: httpx.Response, limit: int, end: float, path: str, *, truncate: bool) -> bytes:
        """The body, read before the deadline; over `limit` bytes is a ClusterError (or, for an
        error page that is only quoted, the first `limit` bytes)."""
        chunks = []
        total = 0
        it = resp.iter_bytes()
        while True:
            with _deadline.deadline_at(end):
                chunk = next(it, None)
            if chunk is None:
                break
            total += len(chunk)
            if total > limit:
                if truncate:
                    chunks.append(chunk[: limit - (total - len(chunk))])
                    break
                raise ClusterError(f"GET {path}: the response is over {limit // (1024 * 1024)} MiB; stopped reading "
                                   f"(a smaller --chunk-size gives smaller pages)", status=resp.status_code, path=path)
            chunks.append(chunk)
        return b"".join(chunks)

    def _json(self, resp: httpx.Response, path: str) -> dict:
        try:
            data = json.loads(resp.content)
        except (ValueError, RecursionError):
            raise ClusterError(f"GET {path}: the server answered {resp.status_code} with something that is not JSON "
                               f"(is {self.server} a Kubernetes API server?)", status=resp.status_code, path=path) from None
        if not isinstance(data, dict):
            raise ClusterError(f"GET {path}: expected a JSON object", path=path)
        return data

    def _redact(self, text: str) -> str:
        """A server's own words, without any credential of ours it may echo back."""
        cfg = self.config
        secrets = [cfg.token, cfg.password, self._creds.last_token()]
        if cfg.username and cfg.password:
            import base64
            secrets.append(base64.b64encode(f"{cfg.username}:{cfg.password}".encode()).decode())
        for secret in secrets:
            if secret and len(secret) >= 4:
                text = text.replace(secret, "<redacted>")
        return text

    def _error(self, resp: httpx.Response, verb: str, path: str) -> ClusterError:
        message, reason = _status_message(resp)
        message = self._redact(message)
        ref = parse_path(path)
        code = resp.status_code
        if code == 401:
            text = (f"{self.server}: unauthorized (401) — the credentials of {self.config.source} were rejected"
                    f"{': ' + message if message and message != 'Unauthorized' else ''}")
        elif code == 403 and ref is not None:
            scope = f' in namespace "{ref.namespace}"' if ref.namespace else (
                " at the cluster scope" if ref.name is None else "")
            text = (f"forbidden (403): missing permission to {verb} {ref.resource!r} (API group "
                    f"{ref.group!r}){scope}. Server said: {message}")
        elif code == 404:
            text = f"{verb} {path}: not found (404): {message}"
        elif code == 410:
            text = f"{verb} {path}: gone (410): {message}"
        else:
            text = f"{verb} {path}: the server answered {code}: {message}"
        return ClusterError(text, status=code, reason=reason, verb=verb, resource=ref, path=path)

    def _transport_error(self, e: httpx.HTTPError, verb: str, path: str, limit: float | None = None) -> ClusterError:
        if isinstance(e, httpx.TimeoutException):
            what = f"timed out after {limit or self.timeout:g}s ({type(e).__name__})"
        elif isinstance(e, httpx.ConnectError):
            text = str(e)
            if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
                what = f"TLS verification failed ({text}); check certificate-authority in {self.config.source}"
            else:
                what = f"cannot connect ({text or type(e).__name__})"
        else:
            what = f"{type(e).__name__}: {e}"
        return ClusterError(f"{self.server} ({self.config.source}): {verb} {path}: {what}", verb=verb,
                            resource=parse_path(path), path=path)


def _with_body(resp: httpx.Response, body: bytes) -> httpx.Response:
    """A read response with its (capped) body, for the JSON and error helpers."""
    headers = [(k, v) for k, v in resp.headers.multi_items()
               if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]  # body already decoded
    return httpx.Response(resp.status_code, headers=headers, content=body, request=resp.request)


def _page_shape(page: dict, path: str) -> tuple[dict, list[dict]]:
    """metadata and items of a list page, or a ClusterError naming what is malformed."""
    meta = page.get("metadata")
    if meta is None:
        meta = {}
    items = page.get("items")
    if items is None:
        items = []

    def bad(what: str) -> ClusterError:
        return ClusterError(f"list {path}: the server's answer is not a Kubernetes list: {what}", verb="list",
                            resource=parse_path(path), path=path)

    if not isinstance(meta, dict):
        raise bad("metadata is not an object")
    for key in ("continue", "resourceVersion"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            raise bad(f"metadata.{key} is not a string")
    if not isinstance(items, list):
        raise bad("items is not an array")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise bad(f"items[{i}] is not an object")
        if item.get("metadata") is not None and not isinstance(item["metadata"], dict):
            raise bad(f"items[{i}].metadata is not an object")
    return meta, items
