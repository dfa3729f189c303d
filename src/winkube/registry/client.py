"""A small OCI distribution client (pull side only) on httpx.AsyncClient.

Handles: the standard manifest Accept headers, anonymous pulls, the bearer-token challenge
flow (realm, service, scope), basic auth, redirects (to blob storage; Authorization is dropped
when the redirect leaves the registry host; loops are bounded), retries with exponential backoff
on 429/5xx honouring ``Retry-After``, a size cap on manifests, and digest verification.
Credentials never reach an error message.
"""

from __future__ import annotations

import asyncio
import contextvars
import email.utils
import functools
import ipaddress
import json
import random
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlencode

import httpx

from winkube.registry.auth import Challenge, CredentialStore, Credentials, parse_challenge
from winkube.registry.cache import digest_of
from winkube.registry.errors import ErrorKind, ResolveFailure
from winkube.registry.reference import Reference

__all__ = ["RegistryClient", "MANIFEST_ACCEPT", "is_loopback"]

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MANIFEST_ACCEPT = ", ".join([OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST])

# The loop time by which the current image must be resolved (set per image by the resolver, as
# --timeout): a Retry-After that would end past it fails the image at once instead of waiting.
DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("winkube_registry_deadline", default=None)
MAX_TOKEN_RESPONSE = 1024 * 1024

_RETRY_STATUS = {429, 500, 502, 503, 504}
_REDIRECT_STATUS = {301, 302, 303, 307, 308}


def is_loopback(host: str) -> bool:
    """``host`` (optionally with ``:port``, IPv6 in brackets) is localhost or a loopback IP."""
    h = host
    if h.startswith("["):
        h = h[1 : h.find("]")] if "]" in h else h[1:]
    elif h.count(":") == 1:
        h = h.split(":", 1)[0]
    if h.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def _hostname(netloc: str) -> str:
    """``[::1]:5000`` -> ``::1``; ``Reg.Example:443`` -> ``reg.example``; userinfo dropped."""
    h = netloc.rpartition("@")[2].lower()
    if h.startswith("["):
        return h[1:h.find("]")] if "]" in h else h[1:]
    return h.split(":", 1)[0] if h.count(":") == 1 else h


@functools.lru_cache(maxsize=1)
def _token_hosts() -> dict[tuple[str, str], tuple[str, ...]]:
    from winkube.knowledge import load

    return {(row["registry"], row["api_host"]): tuple(row["token_hosts"])
            for row in load("registry_token_services")["services"]}


def _safe_url(url: str) -> str:
    """URL for messages: no userinfo, no query (signed blob URLs carry secrets in the query)."""
    p = urlsplit(url)
    host = p.hostname or ""
    if p.port:
        host = f"{host}:{p.port}"
    return f"{p.scheme}://{host}{p.path}"


@dataclass
class _Token:
    value: str
    expires: float


class RegistryClient:
    def __init__(
        self,
        *,
        credentials: CredentialStore,
        timeout: float = 30.0,
        concurrency: int = 16,
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_retry_after: float = 60.0,
        max_redirects: int = 5,
        ca_file: str | None = None,
        insecure_registries: tuple[str, ...] = (),
    ) -> None:
        self.credentials = credentials
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.max_redirects = max_redirects
        self.ca_file = ca_file
        self.insecure = {h.lower() for h in insecure_registries}
        self._limits = httpx.Limits(max_connections=max(1, concurrency), max_keepalive_connections=max(1, concurrency))
        self._secure: httpx.AsyncClient | None = None
        self._insecure_client: httpx.AsyncClient | None = None
        self._scheme: dict[str, str] = {}
        self._probe_locks: dict[str, asyncio.Lock] = {}
        self._challenges: dict[str, Challenge] = {}
        self._tokens: dict[tuple[str, str], _Token] = {}
        self._token_locks: dict[tuple[str, str], asyncio.Lock] = {}
        self._cred_cache: dict[tuple[str, str], Credentials | None] = {}

    # ------------------------------------------------------------------ lifecycle
    def _client(self, verify: bool) -> httpx.AsyncClient:
        if verify:
            if self._secure is None:
                ctx = ssl.create_default_context()
                try:
                    import certifi  # noqa: PLC0415 - optional, httpx depends on it

                    ctx.load_verify_locations(certifi.where())
                except ImportError:  # pragma: no cover
                    pass
                if self.ca_file:
                    try:
                        ctx.load_verify_locations(self.ca_file)
                    except (OSError, ssl.SSLError) as e:
                        raise ResolveFailure(ErrorKind.TLS, f"cannot load CA file {self.ca_file}: {e.__class__.__name__}")
                self._secure = self._make(ctx)
            return self._secure
        if self._insecure_client is None:
            self._insecure_client = self._make(False)
        return self._insecure_client

    def _make(self, verify: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            verify=verify,
            timeout=httpx.Timeout(self.timeout),
            limits=self._limits,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": "winkube"},
        )

    async def aclose(self) -> None:
        for c in (self._secure, self._insecure_client):
            if c is not None:
                await c.aclose()

    # ------------------------------------------------------------------ scheme
    def _is_insecure(self, host: str) -> bool:
        return host.lower() in self.insecure

    def _base(self, host: str) -> str:
        return f"{self._scheme.get(host, 'https')}://{host}"

    # ------------------------------------------------------------------ public
    async def get_manifest(self, ref: Reference, max_bytes: int) -> tuple[bytes, str, str | None]:
        """Fetch the manifest or index for ``ref``: (body, content type, Docker-Content-Digest)."""
        path = f"/v2/{ref.repository}/manifests/{ref.reference}"
        resp_body, headers = await self._get(ref, path, {"Accept": MANIFEST_ACCEPT}, max_bytes, what="manifest")
        ctype = (headers.get("content-type") or "").split(";", 1)[0].strip()
        return resp_body, ctype, headers.get("docker-content-digest")

    async def get_blob(self, ref: Reference, digest: str, max_bytes: int) -> bytes:
        path = f"/v2/{ref.repository}/blobs/{digest}"
        body, _ = await self._get(ref, path, {}, max_bytes, what="config blob")
        algo = digest.split(":", 1)[0]
        try:
            actual = digest_of(body, algo)
        except ValueError:
            raise ResolveFailure(ErrorKind.UNSUPPORTED, f"unsupported digest algorithm in {digest}")
        if actual != digest:
            raise ResolveFailure(ErrorKind.DIGEST_MISMATCH, f"config blob digest mismatch: expected {digest}, got {actual}")
        return body

    # ------------------------------------------------------------------ auth
    async def _creds(self, ref: Reference) -> Credentials | None:
        key = (ref.registry, ref.repository)
        if key not in self._cred_cache:
            self._cred_cache[key] = await self.credentials.lookup(ref.registry, ref.repository)
        return self._cred_cache[key]

    async def _auth_header(self, ref: Reference, host: str) -> str | None:
        ch = self._challenges.get(host)
        if ch is None:
            return None
        if ch.scheme == "basic":
            cred = await self._creds(ref)
            return cred.basic_header() if cred else None
        scope = f"repository:{ref.repository}:pull"
        tok = self._tokens.get((host, scope))
        if tok and tok.expires > time.monotonic():
            return f"Bearer {tok.value}"
        # the host is known to want bearer tokens: get one for this repository up front
        # instead of collecting another 401 first
        return await self._authorize(ref, host, ch)

    async def _authorize(self, ref: Reference, host: str, challenge: Challenge) -> str | None:
        """Answer a challenge; returns the Authorization header value, or None when impossible."""
        self._challenges[host] = challenge
        if challenge.scheme == "basic":
            cred = await self._creds(ref)
            return cred.basic_header() if cred else None
        scope = f"repository:{ref.repository}:pull"
        key = (host, scope)
        lock = self._token_locks.setdefault(key, asyncio.Lock())
        async with lock:
            tok = self._tokens.get(key)
            if tok and tok.expires > time.monotonic():
                return f"Bearer {tok.value}"
            value, ttl = await self._fetch_token(ref, challenge, scope)
            self._tokens[key] = _Token(value, time.monotonic() + max(0.0, ttl - 10))
            return f"Bearer {value}"

    def _realm_allowed(self, ref: Reference, realm: Any) -> bool:
        """May this realm (a urlsplit result) be asked at all? HTTPS always; plain HTTP only on
        the very loopback host of an allowed --insecure-registry (any port): a token request over
        HTTP to any other host could be read on the way."""
        if realm.scheme == "https":
            return True
        return (realm.scheme == "http" and self._is_insecure(ref.api_host) and is_loopback(realm.netloc)
                and _hostname(realm.netloc) == _hostname(ref.api_host))

    @staticmethod
    def _realm_gets_credentials(ref: Reference, realm: Any) -> bool:
        """Are the registry's credentials sent to this realm? Only when it is on the registry's own
        host name or a token service listed for it (knowledge/registry_token_services.yaml).
        Stricter than Docker, which sends them to whatever realm a registry names."""
        host = _hostname(realm.netloc)
        if host == _hostname(ref.api_host):
            return True
        return host in _token_hosts().get((ref.registry, _hostname(ref.api_host)), ())

    async def _fetch_token(self, ref: Reference, ch: Challenge, scope: str) -> tuple[str, float]:
        if not ch.realm:
            raise ResolveFailure(ErrorKind.UNAUTHORIZED, "registry sent a bearer challenge without a realm")
        realm = urlsplit(ch.realm)
        if realm.scheme not in ("https", "http") or not realm.netloc:
            raise ResolveFailure(ErrorKind.UNAUTHORIZED, f"bearer realm {_safe_url(ch.realm)} is not an http(s) URL")
        realm_host = realm.netloc
        if not self._realm_allowed(ref, realm):
            raise ResolveFailure(ErrorKind.INSECURE, f"token realm {_safe_url(ch.realm)} is plain HTTP and not on the "
                                 f"registry's own loopback host; refusing to ask it for a token")
        params = {"scope": scope}
        if ch.service:
            params["service"] = ch.service
        sep = "&" if realm.query else "?"
        url = ch.realm + sep + urlencode(params)
        cred = await self._creds(ref)
        withheld = cred is not None and not self._realm_gets_credentials(ref, realm)
        if withheld:
            cred = None  # ask anonymously: public images still resolve
        headers = {}
        if cred is not None and cred.identity_token is None:
            headers["Authorization"] = cred.basic_header()
        verify = not self._is_insecure(realm_host)
        if cred is not None and cred.identity_token is not None:
            # OAuth2 refresh-token grant (docker login to a registry with identity tokens)
            form = {"grant_type": "refresh_token", "refresh_token": cred.identity_token,
                    "service": ch.service or "", "scope": scope, "client_id": "winkube"}
            resp = await self._send("POST", ch.realm, {}, verify, data=form, what="token")
        else:
            resp = await self._send("GET", url, headers, verify, what="token")
        body = resp.content
        if resp.status_code in (401, 403):
            kind = ErrorKind.UNAUTHORIZED if resp.status_code == 401 else ErrorKind.FORBIDDEN
            who = "with the configured credentials" if cred else "anonymously"
            if withheld:
                who += (f" (the credentials for {ref.registry} were not sent: the token server is on another host, "
                        f"{_hostname(realm_host)}, which winkube does not trust with them)")
            raise ResolveFailure(kind, f"token server {_safe_url(ch.realm)} refused a pull token {who} (HTTP {resp.status_code})", resp.status_code)
        if resp.status_code != 200:
            raise ResolveFailure(ErrorKind.UNAUTHORIZED, f"token server {_safe_url(ch.realm)} answered HTTP {resp.status_code}", resp.status_code)
        try:
            d = json.loads(body)
            value = d.get("token") or d.get("access_token")
            ttl = float(d.get("expires_in") or 60)
        except (ValueError, AttributeError, TypeError):
            raise ResolveFailure(ErrorKind.UNAUTHORIZED, f"token server {_safe_url(ch.realm)} returned an invalid token response")
        if not isinstance(value, str) or not value:
            raise ResolveFailure(ErrorKind.UNAUTHORIZED, f"token server {_safe_url(ch.realm)} returned no token")
        return value, ttl

    # ------------------------------------------------------------------ transport
    async def _get(self, ref: Reference, path: str, headers: dict[str, str], max_bytes: int, *, what: str) -> tuple[bytes, httpx.Headers]:
        host = ref.api_host
        if self._is_insecure(host) and host not in self._scheme:
            async with self._probe_locks.setdefault(host, asyncio.Lock()):
                if host not in self._scheme:
                    await self._probe_scheme(host)
        auth = await self._auth_header(ref, host)
        challenged = False
        while True:
            h = dict(headers)
            if auth:
                h["Authorization"] = auth
            body, resp = await self._get_following(self._base(host) + path, h, host, max_bytes, what=what)
            if resp.status_code == 401 and not challenged:
                challenged = True
                ch = parse_challenge(resp.headers.get("www-authenticate"))
                if ch is None:
                    raise ResolveFailure(ErrorKind.UNAUTHORIZED, f"{what}: HTTP 401 from {host} without an authentication challenge", 401)
                new_auth = await self._authorize(ref, host, ch)
                if new_auth is None:
                    raise ResolveFailure(ErrorKind.UNAUTHORIZED, f"{what}: {host} requires authentication (basic) and no credentials are configured for it", 401)
                auth = new_auth
                continue
            self._check_status(resp, ref, host, what)
            return body, resp.headers

    def _check_status(self, resp: httpx.Response, ref: Reference, host: str, what: str) -> None:
        s = resp.status_code
        if 200 <= s < 300:
            return
        target = f"{ref.repository}:{ref.reference}" if what == "manifest" else f"{what} of {ref.repository}"
        if s == 401:
            if self._cred_cache.get((ref.registry, ref.repository)) is None:
                raise ResolveFailure(ErrorKind.UNAUTHORIZED, f"{host} requires authentication for {target} (HTTP 401) and no credentials are configured for {ref.registry}", s)
            raise ResolveFailure(ErrorKind.UNAUTHORIZED, f"{host} rejected the configured credentials for {target} (HTTP 401)", s)
        if s == 403:
            raise ResolveFailure(ErrorKind.FORBIDDEN, f"access to {target} on {host} is forbidden (HTTP 403)", s)
        if s == 404:
            raise ResolveFailure(ErrorKind.NOT_FOUND, f"{target} not found on {host} (HTTP 404)", s)
        if s == 429:
            raise ResolveFailure(ErrorKind.RATE_LIMITED, f"{host} is rate limiting requests (HTTP 429) and retries were exhausted", s)
        if s >= 500:
            raise ResolveFailure(ErrorKind.SERVER, f"{host} answered HTTP {s} for {target} and retries were exhausted", s)
        raise ResolveFailure(ErrorKind.HTTP, f"{host} answered HTTP {s} for {target}", s)

    async def _probe_scheme(self, host: str) -> None:
        """Insecure registries: HTTPS without verification, else plain HTTP (as Docker does)."""
        try:
            await self._client(False).get(f"https://{host}/v2/", timeout=min(self.timeout, 5.0))
            self._scheme[host] = "https"
        except httpx.TimeoutException:
            self._scheme[host] = "https"
        except httpx.HTTPError:
            self._scheme[host] = "http"

    async def _get_following(self, url: str, headers: dict[str, str], registry_host: str, max_bytes: int, *, what: str) -> tuple[bytes, httpx.Response]:
        seen: list[str] = []
        current = url
        h = headers
        for _ in range(self.max_redirects + 1):
            u = urlsplit(current)
            if u.scheme not in ("https", "http"):
                raise ResolveFailure(ErrorKind.HTTP, f"{what}: redirect to unsupported URL scheme {u.scheme!r}")
            if u.scheme == "http" and not self._is_insecure(u.netloc):
                raise ResolveFailure(ErrorKind.INSECURE, f"{what}: refusing plain-HTTP URL {_safe_url(current)} (not an --insecure-registry)")
            verify = not self._is_insecure(u.netloc)
            resp = await self._send("GET", current, h, verify, what=what, max_bytes=max_bytes)
            if resp.status_code in _REDIRECT_STATUS and resp.headers.get("location"):
                nxt = urljoin(current, resp.headers["location"])
                if nxt in seen or nxt == current:
                    raise ResolveFailure(ErrorKind.REDIRECT_LOOP, f"{what}: redirect loop at {_safe_url(nxt)}")
                seen.append(current)
                if urlsplit(nxt).netloc != registry_host:
                    h = {k: v for k, v in h.items() if k.lower() != "authorization"}
                current = nxt
                continue
            return resp.content, resp
        raise ResolveFailure(ErrorKind.REDIRECT_LOOP, f"{what}: more than {self.max_redirects} redirects (last {_safe_url(current)})")

    def _retry_delay(self, attempt: int, resp: httpx.Response | None) -> float | None:
        """Seconds to wait before the next attempt, or None when it would be too long."""
        delay = min(self.max_backoff, self.backoff * (2 ** attempt)) * (0.5 + random.random() / 2)
        if resp is not None:
            ra = resp.headers.get("retry-after")
            if ra:
                ra = ra.strip()
                secs: float | None
                if ra.isdigit():
                    secs = float(ra)
                else:
                    try:
                        dt = email.utils.parsedate_to_datetime(ra)
                        secs = max(0.0, dt.timestamp() - time.time())
                    except (TypeError, ValueError, IndexError):
                        secs = None
                if secs is not None:
                    if secs > self.max_retry_after:
                        return None
                    delay = secs
        return delay

    async def _send(self, method: str, url: str, headers: dict[str, str], verify: bool, *, what: str,
                    max_bytes: int | None = None, data: dict[str, str] | None = None) -> httpx.Response:
        client = self._client(verify)
        last_exc: BaseException | None = None
        for attempt in range(self.retries + 1):
            resp: httpx.Response | None = None
            try:
                req = client.build_request(method, url, headers=headers, data=data)
                resp = await client.send(req, stream=True)
                try:
                    await self._read_capped(resp, max_bytes, what)
                finally:
                    await resp.aclose()
            except ResolveFailure:
                raise
            except httpx.TimeoutException as e:
                last_exc = e
            except httpx.TransportError as e:
                last_exc = e
                if _is_tls_error(e):
                    raise ResolveFailure(ErrorKind.TLS, f"TLS verification failed for {_safe_url(url)}: {_tls_reason(e)} (use --ca-file for a private CA)")
                if _is_ssl_error(e):
                    raise ResolveFailure(ErrorKind.TLS, f"TLS handshake with {urlsplit(url).netloc} failed ({_ssl_reason(e)}); "
                                         "a plain-HTTP registry on a loopback address needs --insecure-registry")
            else:
                if resp.status_code not in _RETRY_STATUS:
                    return resp
                last_exc = None
                if attempt == self.retries:
                    return resp
            delay = self._retry_delay(attempt, resp)
            end = DEADLINE.get()
            if delay is not None and end is not None and attempt < self.retries \
                    and asyncio.get_running_loop().time() + delay >= end:
                ra = resp.headers.get("retry-after") if resp is not None else None
                status = resp.status_code if resp is not None else None
                raise ResolveFailure(ErrorKind.RATE_LIMITED if status == 429 else ErrorKind.SERVER if status else ErrorKind.TIMEOUT,
                                     f"{what}: {urlsplit(url).netloc} " + (f"answered HTTP {status} and " if status else "failed and ")
                                     + (f"asked to retry after {ra}" if ra else f"the next retry is in {delay:.1f}s")
                                     + ", past the --timeout for this image", status)
            if delay is None:
                ra = resp.headers.get("retry-after") if resp is not None else ""
                raise ResolveFailure(ErrorKind.RATE_LIMITED if resp is not None and resp.status_code == 429 else ErrorKind.SERVER,
                                     f"{_safe_url(url)} asked to retry after {ra} which exceeds the {self.max_retry_after:g}s limit",
                                     resp.status_code if resp is not None else None)
            if attempt < self.retries:
                await asyncio.sleep(delay)
        netloc = urlsplit(url).netloc
        if isinstance(last_exc, httpx.TimeoutException):
            raise ResolveFailure(ErrorKind.TIMEOUT, f"{what}: timed out talking to {netloc} after {self.retries + 1} attempts")
        raise ResolveFailure(ErrorKind.UNREACHABLE, f"{what}: cannot reach {netloc}: {_transport_reason(last_exc)}")

    @staticmethod
    async def _read_capped(resp: httpx.Response, max_bytes: int | None, what: str) -> None:
        if max_bytes is not None and resp.status_code < 300:
            cl = resp.headers.get("content-length")
            if cl and cl.isdigit() and int(cl) > max_bytes:
                raise ResolveFailure(ErrorKind.TOO_LARGE, f"{what} is {int(cl)} bytes, over the {max_bytes}-byte limit")
        limit = max_bytes if max_bytes is not None else MAX_TOKEN_RESPONSE
        chunks = []
        total = 0
        async for chunk in resp.aiter_bytes():
            total += len(chunk)
            if total > limit:
                if resp.status_code >= 300:
                    break  # an oversized error page: keep what we have
                raise ResolveFailure(ErrorKind.TOO_LARGE, f"{what} is over the {limit}-byte limit")
            chunks.append(chunk)
        resp._content = b"".join(chunks)  # noqa: SLF001 - make .content available after streaming


def _is_tls_error(e: BaseException) -> bool:
    seen = set()
    cur: BaseException | None = e
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLCertVerificationError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(cur):
            return True
        cur = cur.__cause__ or cur.__context__
    return False


def _ssl_cause(e: BaseException) -> ssl.SSLError | None:
    seen = set()
    cur: BaseException | None = e
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLError):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def _is_ssl_error(e: BaseException) -> bool:
    return _ssl_cause(e) is not None


def _ssl_reason(e: BaseException) -> str:
    c = _ssl_cause(e)
    return (c.reason or "SSL error") if c is not None else "SSL error"


def _tls_reason(e: BaseException) -> str:
    cur: BaseException | None = e
    while cur is not None:
        if isinstance(cur, ssl.SSLCertVerificationError):
            return cur.verify_message or "certificate verify failed"
        cur = cur.__cause__ or cur.__context__
    return "certificate verify failed"


def _transport_reason(e: BaseException) -> str:
    msg = str(e) or e.__class__.__name__
    low = msg.lower()
    if "refused" in low or "all connection attempts failed" in low:
        return "connection refused"
    if "name or service not known" in low or "nodename nor servname" in low or "getaddrinfo" in low:
        return "name does not resolve"
    return msg[:200]
