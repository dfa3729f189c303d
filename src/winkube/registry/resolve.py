"""Resolve image references to their platforms: registry, on-disk cache, or offline inputs.

Offline inputs (no network):

* ``oci:DIR[:TAG]`` / ``oci-layout:DIR[:TAG]`` or a directory containing an ``oci-layout``
  file: an OCI image layout (``index.json`` + ``blobs/``); ``TAG`` selects by the
  ``org.opencontainers.image.ref.name`` annotation.
* ``file:PATH`` or an existing ``*.json`` path: saved ``crane manifest`` / ``docker manifest
  inspect`` output (an index, or ``docker manifest inspect -v`` entries), or a saved image
  config (``crane config``).
"""

from __future__ import annotations


import asyncio
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from winkube.compat import Platform
from winkube.registry.auth import CredentialStore, Credentials
from winkube.registry.cache import DiskCache, default_cache_dir, digest_of
from winkube.registry.errors import ErrorKind, ImageError, ImagePlatforms, ResolveFailure
from winkube.registry.reference import Reference, ImageReferenceError, parse_reference

__all__ = ["ResolveOptions", "resolve_many", "resolve_many_sync", "parse_manifest", "platforms_from_config"]

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
INDEX_TYPES = {OCI_INDEX, DOCKER_LIST}
MANIFEST_TYPES = {OCI_MANIFEST, DOCKER_MANIFEST}
CONFIG_TYPES = {"application/vnd.oci.image.config.v1+json", "application/vnd.docker.container.image.v1+json"}


@dataclass
class ResolveOptions:
    timeout: float = 30.0  # seconds per image: every request, retry and wait for it (a deadline, not per read)
    concurrency: int = 16
    retries: int = 3
    backoff: float = 0.5  # first retry delay (doubles each time, with jitter)
    max_backoff: float = 30.0
    max_retry_after: float = 60.0  # a longer Retry-After fails the image instead of waiting
    max_redirects: int = 5
    max_manifest_bytes: int = 4 * 1024 * 1024  # distribution's own manifest limit
    max_config_bytes: int = 8 * 1024 * 1024
    ca_file: str | None = None
    insecure_registries: tuple[str, ...] = ()  # loopback only
    docker_config: str | None = None  # file or directory; None = $DOCKER_CONFIG or ~/.docker
    use_default_docker_config: bool = True
    pull_secrets: list[dict[str, Any]] = field(default_factory=list)
    credentials: dict[str, Credentials] = field(default_factory=dict)  # registry -> credentials
    cache_dir: str | None = None  # None = $XDG_CACHE_HOME/winkube/registry
    use_cache: bool = True
    tag_ttl: float = 300.0  # seconds a tag -> digest answer stays valid


# ----------------------------------------------------------------------------- parsing


def _load_json(body: bytes, what: str) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ResolveFailure(ErrorKind.MALFORMED, f"{what} is not valid JSON")


def _valid_digest(d: Any) -> bool:
    if not isinstance(d, str):
        return False
    algo, sep, hx = d.partition(":")
    return bool(sep) and algo in ("sha256", "sha512") and len(hx) in (64, 128) and all(c in "0123456789abcdef" for c in hx)


def _is_attestation(entry: dict[str, Any]) -> bool:
    ann = entry.get("annotations") or {}
    if isinstance(ann, dict) and ann.get("vnd.docker.reference.type") == "attestation-manifest":
        return True
    p = entry.get("platform")
    return isinstance(p, dict) and p.get("os") == "unknown" and p.get("architecture") == "unknown"


def parse_manifest(body: bytes, content_type: str | None = None) -> tuple[str, Any, str]:
    """-> ``("index", [Platform...], media type)`` or ``("manifest", config descriptor, media type)``."""
    doc = _load_json(body, "manifest")
    if not isinstance(doc, dict):
        raise ResolveFailure(ErrorKind.MALFORMED, "manifest is not a JSON object")
    if doc.get("schemaVersion") == 1:
        raise ResolveFailure(ErrorKind.UNSUPPORTED, "schema 1 manifests are not supported (push the image again with a current client)")
    media = doc.get("mediaType") or (content_type or "")
    if media not in INDEX_TYPES | MANIFEST_TYPES:
        media = OCI_INDEX if "manifests" in doc else OCI_MANIFEST if "config" in doc else media
    if doc.get("schemaVersion") != 2:
        raise ResolveFailure(ErrorKind.MALFORMED, "manifest has no schemaVersion 2")
    if media in INDEX_TYPES:
        entries = doc.get("manifests")
        if not isinstance(entries, list):
            raise ResolveFailure(ErrorKind.MALFORMED, "index has no manifests list")
        out = []
        for i, e in enumerate(entries):
            if not isinstance(e, dict) or not _valid_digest(e.get("digest")):
                raise ResolveFailure(ErrorKind.MALFORMED, f"index entry {i} has no valid digest")
            if _is_attestation(e):
                continue
            p = e.get("platform")
            if p is None:
                continue  # e.g. a nested artifact; containerd skips entries without a platform
            if not isinstance(p, dict) or not isinstance(p.get("os"), str) or not isinstance(p.get("architecture"), str):
                raise ResolveFailure(ErrorKind.MALFORMED, f"index entry {i} has an invalid platform")
            if "os.version" in p and not isinstance(p["os.version"], str):
                raise ResolveFailure(ErrorKind.MALFORMED, f"index entry {i} has a non-string os.version")
            out.append(Platform.from_oci(p, e["digest"]))
        return "index", out, media
    if media in MANIFEST_TYPES:
        cfg = doc.get("config")
        if not isinstance(cfg, dict) or not _valid_digest(cfg.get("digest")):
            raise ResolveFailure(ErrorKind.MALFORMED, "manifest has no valid config descriptor")
        ctype = cfg.get("mediaType")
        if ctype and ctype not in CONFIG_TYPES:
            raise ResolveFailure(ErrorKind.UNSUPPORTED, f"not a container image: config media type {ctype}")
        return "manifest", cfg, media
    raise ResolveFailure(ErrorKind.UNSUPPORTED, f"unsupported manifest media type {media or '(none)'}")


def platforms_from_config(body: bytes, digest: str | None) -> Platform:
    cfg = _load_json(body, "image config")
    if not isinstance(cfg, dict) or not isinstance(cfg.get("os"), str) or not isinstance(cfg.get("architecture"), str):
        raise ResolveFailure(ErrorKind.MALFORMED, "image config has no os/architecture")
    platform = Platform.from_oci(cfg, digest)
    inner = cfg.get("config") if isinstance(cfg.get("config"), dict) else {}
    user = inner.get("User")
    # the config's User, which the kubelet's Windows runAsNonRoot check reads ("" when none is set)
    return platform.replace(user=user if isinstance(user, str) else "")


# ----------------------------------------------------------------------------- offline


def _offline_target(ref: str) -> tuple[str, str, str | None] | None:
    """-> ("layout", dir, tag) | ("file", path, None) | None for a registry reference."""
    for prefix in ("oci:", "oci-layout:"):
        if ref.startswith(prefix):
            rest = ref[len(prefix):]
            if os.path.isdir(rest):
                return "layout", rest, None
            head, sep, tag = rest.rpartition(":")
            if sep and os.path.isdir(head):
                return "layout", head, tag
            return "layout", rest, None
    if ref.startswith("file:"):
        return "file", ref[5:], None
    if os.path.isdir(ref) and os.path.isfile(os.path.join(ref, "oci-layout")):
        return "layout", ref, None
    if ref.endswith(".json") and os.path.isfile(ref):
        return "file", ref, None
    return None


def _read_layout_blob(root: Path, digest: str, limit: int) -> bytes:
    if not _valid_digest(digest):
        raise ResolveFailure(ErrorKind.MALFORMED, f"invalid digest {digest!r} in OCI layout")
    algo, hx = digest.split(":", 1)
    path = root / "blobs" / algo / hx
    try:
        size = path.stat().st_size
        if size > limit:
            raise ResolveFailure(ErrorKind.TOO_LARGE, f"blob {digest} is {size} bytes, over the {limit}-byte limit")
        data = path.read_bytes()
    except OSError:
        raise ResolveFailure(ErrorKind.OFFLINE, f"OCI layout {root} has no blob {digest}")
    if digest_of(data, algo) != digest:
        raise ResolveFailure(ErrorKind.DIGEST_MISMATCH, f"OCI layout blob {digest} does not match its digest")
    return data


def resolve_layout(ref: str, directory: str, tag: str | None, opts: ResolveOptions) -> ImagePlatforms:
    root = Path(directory)
    try:
        index_bytes = (root / "index.json").read_bytes()
    except OSError:
        raise ResolveFailure(ErrorKind.OFFLINE, f"{directory} is not an OCI image layout (no index.json)")
    if len(index_bytes) > opts.max_manifest_bytes:
        raise ResolveFailure(ErrorKind.TOO_LARGE, f"{directory}/index.json is over the {opts.max_manifest_bytes}-byte limit")
    doc = _load_json(index_bytes, "index.json")
    entries = doc.get("manifests") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise ResolveFailure(ErrorKind.MALFORMED, f"{directory}/index.json has no manifests list")
    chosen: dict[str, Any] | None = None
    if tag is not None:
        for e in entries:
            name = ((e or {}).get("annotations") or {}).get("org.opencontainers.image.ref.name", "")
            if name == tag or name.endswith(":" + tag):
                chosen = e
                break
        if chosen is None:
            raise ResolveFailure(ErrorKind.NOT_FOUND, f"OCI layout {directory} has no image tagged {tag!r}")
    elif len(entries) == 1:
        chosen = entries[0]
    if chosen is None:
        # several untagged entries: index.json itself is the index
        kind, plats, media = parse_manifest(index_bytes, OCI_INDEX)
        return ImagePlatforms(ref, f"oci:{directory}", digest_of(index_bytes), media, True, tuple(plats), "oci-layout")
    digest = chosen.get("digest") if isinstance(chosen, dict) else None
    body = _read_layout_blob(root, digest, opts.max_manifest_bytes)
    kind, val, media = parse_manifest(body, chosen.get("mediaType"))
    name = f"oci:{directory}" + (f":{tag}" if tag else "")
    if kind == "index":
        return ImagePlatforms(ref, name, digest, media, True, tuple(val), "oci-layout")
    cfg = _read_layout_blob(root, val["digest"], opts.max_config_bytes)
    return ImagePlatforms(ref, name, digest, media, False, (platforms_from_config(cfg, digest),), "oci-layout")


def resolve_file(ref: str, path: str, opts: ResolveOptions) -> ImagePlatforms:
    try:
        size = os.path.getsize(path)
        if size > opts.max_manifest_bytes:
            raise ResolveFailure(ErrorKind.TOO_LARGE, f"{path} is {size} bytes, over the {opts.max_manifest_bytes}-byte limit")
        body = Path(path).read_bytes()
    except FileNotFoundError:
        raise ResolveFailure(ErrorKind.OFFLINE, f"{path} does not exist")
    except OSError as e:
        raise ResolveFailure(ErrorKind.OFFLINE, f"cannot read {path}: {e.strerror or e.__class__.__name__}")
    doc = _load_json(body, path)
    digest = digest_of(body)
    name = f"file:{path}"
    # docker manifest inspect -v: a list of entries (index) or one entry
    if isinstance(doc, dict) and "Descriptor" in doc:
        doc = [doc]
    if isinstance(doc, list):
        plats = []
        for i, e in enumerate(doc):
            desc = e.get("Descriptor") if isinstance(e, dict) else None
            p = desc.get("platform") if isinstance(desc, dict) else None
            if not isinstance(p, dict):
                raise ResolveFailure(ErrorKind.MALFORMED, f"{path}: entry {i} has no Descriptor.platform")
            plats.append(Platform.from_oci(p, desc.get("digest")))
        return ImagePlatforms(ref, name, digest, DOCKER_LIST, len(plats) > 1, tuple(plats), "file")
    if isinstance(doc, dict) and "os" in doc and "architecture" in doc and "manifests" not in doc:
        return ImagePlatforms(ref, name, digest, "application/vnd.oci.image.config.v1+json", False,
                              (platforms_from_config(body, digest),), "file")
    kind, val, media = parse_manifest(body)
    if kind == "index":
        return ImagePlatforms(ref, name, digest, media, True, tuple(val), "file")
    raise ResolveFailure(ErrorKind.OFFLINE, f"{path} is a single-platform manifest: its platform is in the config blob, "
                         "which a saved manifest does not contain (save the config with `crane config`, or use an OCI layout)")


# ----------------------------------------------------------------------------- resolver


class _Resolver:
    def __init__(self, opts: ResolveOptions) -> None:
        self.opts = opts
        self.cache = DiskCache(opts.cache_dir or default_cache_dir(), opts.tag_ttl) if opts.use_cache else None
        self._client = None
        self._client_error: ResolveFailure | None = None
        self._sem = asyncio.Semaphore(max(1, opts.concurrency))
        bad = [h for h in opts.insecure_registries if not _loopback(h)]
        self._insecure_error = (
            ResolveFailure(ErrorKind.INSECURE, f"--insecure-registry is only allowed for loopback registries (got {', '.join(bad)}); use --ca-file for a private CA")
            if bad else None
        )

    def client(self):
        if self._client_error is not None:
            raise self._client_error
        if self._insecure_error is not None:
            raise self._insecure_error
        if self._client is None:
            from winkube.registry.client import RegistryClient

            try:
                store = CredentialStore(
                    docker_config=self.opts.docker_config,
                    pull_secrets=self.opts.pull_secrets,
                    extra=self.opts.credentials,
                    use_default_docker_config=self.opts.use_default_docker_config,
                )
            except ResolveFailure as e:
                self._client_error = e
                raise
            self._client = RegistryClient(
                credentials=store,
                timeout=self.opts.timeout,
                concurrency=self.opts.concurrency,
                retries=self.opts.retries,
                backoff=self.opts.backoff,
                max_backoff=self.opts.max_backoff,
                max_retry_after=self.opts.max_retry_after,
                max_redirects=self.opts.max_redirects,
                ca_file=self.opts.ca_file,
                insecure_registries=tuple(self.opts.insecure_registries),
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    def from_cache(self, ref_str: str, ref: Reference) -> ImagePlatforms | None:
        if self.cache is None:
            return None
        digest = ref.digest or self.cache.get_tag(ref.name, ref.tag or "latest")
        if not digest:
            return None
        d = self.cache.get_resolved(digest)
        if d is None:
            return None
        try:
            return ImagePlatforms.from_json(dict(d, name=str(ref)), ref=ref_str, source="cache")
        except (KeyError, TypeError, ValueError):
            return None

    async def resolve(self, ref_str: str) -> ImagePlatforms:
        off = _offline_target(ref_str)
        if off is not None:
            kind, path, tag = off
            return resolve_layout(ref_str, path, tag, self.opts) if kind == "layout" else resolve_file(ref_str, path, self.opts)
        try:
            ref = parse_reference(ref_str)
        except ImageReferenceError as e:
            raise ResolveFailure(ErrorKind.REFERENCE, str(e))
        hit = self.from_cache(ref_str, ref)
        if hit is not None:
            return hit
        async with self._sem:
            from winkube.registry.client import DEADLINE

            # one deadline for everything this image needs (scheme probe, token, manifest, config
            # blob, retries and Retry-After waits): a server that trickles bytes or asks to wait
            # cannot hold it longer (httpx's own timeouts bound each read only)
            DEADLINE.set(asyncio.get_running_loop().time() + self.opts.timeout)
            try:
                async with asyncio.timeout(self.opts.timeout):
                    return await self._fetch(ref_str, ref)
            except TimeoutError:
                raise ResolveFailure(ErrorKind.TIMEOUT, f"not resolved within the {self.opts.timeout:g}s --timeout "
                                     f"(every request, retry and wait for this image counts)") from None

    async def _fetch(self, ref_str: str, ref: Reference) -> ImagePlatforms:
        client = self.client()
        body, ctype, header_digest = await client.get_manifest(ref, self.opts.max_manifest_bytes)
        if ref.digest:
            algo = ref.digest.split(":", 1)[0]
            actual = digest_of(body, algo)
            if actual != ref.digest:
                raise ResolveFailure(ErrorKind.DIGEST_MISMATCH, f"manifest digest mismatch: asked for {ref.digest}, content is {actual}")
            digest = ref.digest
        else:
            digest = digest_of(body)
            if header_digest:
                if not _valid_digest(header_digest):
                    raise ResolveFailure(ErrorKind.MALFORMED, f"registry sent an invalid Docker-Content-Digest {header_digest[:80]!r}")
                algo = header_digest.split(":", 1)[0]
                actual = digest if algo == "sha256" else digest_of(body, algo)
                if actual != header_digest:
                    raise ResolveFailure(ErrorKind.DIGEST_MISMATCH, f"manifest digest mismatch: registry says {header_digest}, content is {actual}")
                digest = header_digest
        kind, val, media = parse_manifest(body, ctype)
        if kind == "index":
            result = ImagePlatforms(ref_str, str(ref), digest, media, True, tuple(val), "registry")
        else:
            cfg_digest = val["digest"]
            cfg = self.cache.get_blob(cfg_digest) if self.cache else None
            if cfg is None:
                cfg = await client.get_blob(ref, cfg_digest, self.opts.max_config_bytes)
                if self.cache:
                    self.cache.put_blob(cfg_digest, cfg)
            result = ImagePlatforms(ref_str, str(ref), digest, media, False, (platforms_from_config(cfg, digest),), "registry")
        if self.cache is not None:
            self.cache.put_resolved(digest, result.to_json())
            if not ref.digest and ref.tag:
                self.cache.put_tag(ref.name, ref.tag, digest)
        return result


def _loopback(host: str) -> bool:
    from winkube.registry.client import is_loopback

    return is_loopback(host)


async def _one(resolver: _Resolver, ref: str) -> ImagePlatforms | ImageError:
    try:
        return await resolver.resolve(ref)
    except ResolveFailure as e:
        return ImageError(ref, e.kind, e.message, e.status)
    except asyncio.CancelledError:
        raise
    except Exception as e:  # noqa: BLE001 - errors are values; never a traceback for the user
        return ImageError(ref, "internal-error", f"unexpected {e.__class__.__name__} while resolving the image")


async def resolve_many(refs: Iterable[str], options: ResolveOptions | None = None) -> dict[str, ImagePlatforms | ImageError]:
    """Resolve every reference; the result maps each distinct input string to a result or an error."""
    opts = options or ResolveOptions()
    unique = list(dict.fromkeys(refs))
    resolver = _Resolver(opts)
    try:
        out: dict[str, ImagePlatforms | ImageError] = {}
        pending: list[str] = []
        # fast path: cache hits and offline inputs without tasks
        for r in unique:
            if _offline_target(r) is None:
                try:
                    hit = resolver.from_cache(r, parse_reference(r))
                except ImageReferenceError as e:
                    out[r] = ImageError(r, ErrorKind.REFERENCE, str(e))
                    continue
                if hit is not None:
                    out[r] = hit
                    continue
            pending.append(r)
        if pending:
            results = await asyncio.gather(*(_one(resolver, r) for r in pending))
            out.update(zip(pending, results))
        return {r: out[r] for r in unique}
    finally:
        await resolver.aclose()


def resolve_many_sync(refs: Iterable[str], options: ResolveOptions | None = None) -> dict[str, ImagePlatforms | ImageError]:
    """Blocking wrapper around :func:`resolve_many` (for the CLI and the lint engine)."""
    refs = list(refs)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(resolve_many(refs, options))
    # called from inside an event loop (e.g. a server): run on a private loop in a thread
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, resolve_many(refs, options)).result()
