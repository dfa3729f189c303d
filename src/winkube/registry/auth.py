"""Registry credentials and authentication challenges.

Sources of credentials, in the order they are consulted for a registry:

1. Kubernetes image pull secrets (``kubernetes.io/dockerconfigjson`` or the legacy
   ``kubernetes.io/dockercfg``), given as Secret objects (dicts). Keys are matched the way the
   kubelet does: host (``*`` globs allowed per label), then the longest path prefix.
2. The Docker config file (``$DOCKER_CONFIG/config.json`` or ``~/.docker/config.json``):
   ``credHelpers[registry]``, then ``auths[registry]``, then ``credsStore``. Helpers are run
   as ``docker-credential-<name> get`` (no shell), with the server URL on stdin.

Credentials are never printed, logged or put in error messages: :class:`Credentials` redacts
itself in ``repr``/``str``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import fnmatch
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from winkube.boundedio import OutputTooLarge, read_at_most
from winkube.registry.errors import ErrorKind, ResolveFailure
from winkube.registry.reference import DOCKER_HUB

__all__ = [
    "Credentials",
    "CredentialStore",
    "Challenge",
    "parse_challenge",
    "normalize_registry_key",
]


@dataclass(frozen=True)
class Credentials:
    username: str = field(repr=False)
    password: str = field(repr=False)
    identity_token: str | None = field(default=None, repr=False)

    def basic_header(self) -> str:
        raw = f"{self.username}:{self.password}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    def __repr__(self) -> str:  # never show secrets
        return "Credentials(<redacted>)"

    __str__ = __repr__


def normalize_registry_key(key: str) -> tuple[str, str]:
    """``https://index.docker.io/v1/`` -> ``("docker.io", "")``; ``reg:5000/team`` -> ``("reg:5000", "team")``."""
    k = key.strip()
    if "://" in k:
        parts = urlsplit(k)
        host, path = parts.netloc, parts.path
    else:
        host, _, path = k.partition("/")
    host = host.lower()
    path = path.strip("/")
    if host in ("index.docker.io", "registry-1.docker.io", "docker.io", "registry.hub.docker.com"):
        host = DOCKER_HUB
        if path in ("v1", "v2"):
            path = ""
    return host, path


def _decode_auth_entry(entry: Any) -> Credentials | None:
    if not isinstance(entry, dict):
        return None
    user = entry.get("username") or entry.get("Username")
    pw = entry.get("password") or entry.get("Password")
    auth = entry.get("auth")
    if auth and not (user and pw):
        try:
            decoded = base64.b64decode(auth, validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        user, sep, pw = decoded.partition(":")
        if not sep:
            return None
    ident = entry.get("identitytoken") or entry.get("identityToken")
    if user is None and ident:
        user, pw = "<token>", ""
    if user is None or pw is None:
        return None
    return Credentials(str(user), str(pw), ident)


def _host_matches(pattern: str, host: str) -> bool:
    """kubelet semantics: same number of labels, each label may be a glob; ports must agree."""
    p_host, _, p_port = pattern.partition(":")
    h_host, _, h_port = host.partition(":")
    if p_port != h_port:
        return False
    p_labels, h_labels = p_host.split("."), h_host.split(".")
    if len(p_labels) != len(h_labels):
        return False
    return all(fnmatch.fnmatchcase(h, p) for p, h in zip(p_labels, h_labels))


MAX_DOCKER_CONFIG = 16 * 1024 * 1024


class CredentialStore:
    """Looks up credentials for ``(registry, repository)``."""

    def __init__(
        self,
        *,
        docker_config: str | os.PathLike[str] | None = None,
        pull_secrets: Iterable[dict[str, Any]] = (),
        extra: dict[str, Credentials] | None = None,
        use_default_docker_config: bool = True,
    ) -> None:
        self._secret_entries: list[tuple[str, str, Credentials]] = []
        self._config_auth_paths: list[tuple[str, str, Credentials]] = []
        self._cred_helpers: dict[str, str] = {}
        self._creds_store: str | None = None
        self._helper_cache: dict[str, Credentials | None] = {}
        self.warnings: list[str] = []
        for key, cred in (extra or {}).items():
            host, path = normalize_registry_key(key)
            self._secret_entries.append((host, path, cred))
        for secret in pull_secrets:
            self._add_secret(secret)
        path = self._config_path(docker_config, use_default_docker_config)
        if path is not None:
            self._load_docker_config(path, explicit=docker_config is not None)

    # -- loading
    @staticmethod
    def _config_path(explicit: str | os.PathLike[str] | None, use_default: bool) -> Path | None:
        if explicit is not None:
            p = Path(explicit)
            return p / "config.json" if p.is_dir() else p
        if not use_default:
            return None
        base = os.environ.get("DOCKER_CONFIG")
        p = Path(base) / "config.json" if base else Path.home() / ".docker" / "config.json"
        return p if p.is_file() else None

    def _load_docker_config(self, path: Path, *, explicit: bool) -> None:
        try:
            if path.exists() and not path.is_file():
                raise ResolveFailure(ErrorKind.CREDENTIALS, f"docker config file {path} is not a regular file")
            raw = read_at_most(path, MAX_DOCKER_CONFIG)
            if raw is None:
                raise ResolveFailure(ErrorKind.CREDENTIALS, f"docker config file {path} is over "
                                     f"{MAX_DOCKER_CONFIG // (1024 * 1024)} MiB")
            data = json.loads(raw.decode("utf-8"))
        except FileNotFoundError:
            if explicit:
                raise ResolveFailure(ErrorKind.CREDENTIALS, f"docker config file {path} does not exist")
            return
        except (OSError, ValueError, RecursionError) as e:
            raise ResolveFailure(ErrorKind.CREDENTIALS, f"cannot read docker config file {path}: {type(e).__name__}")
        if not isinstance(data, dict):
            raise ResolveFailure(ErrorKind.CREDENTIALS, f"docker config file {path} is not a JSON object")
        for section in ("auths", "credHelpers"):
            if data.get(section) is not None and not isinstance(data[section], dict):
                raise ResolveFailure(ErrorKind.CREDENTIALS, f"docker config file {path}: {section} is not an object")
        for key, entry in (data.get("auths") or {}).items():
            cred = _decode_auth_entry(entry)
            if cred is None:
                continue
            host, p = normalize_registry_key(key)
            self._config_auth_paths.append((host, p, cred))  # kubelet semantics: globs, path prefixes
        for key, helper in (data.get("credHelpers") or {}).items():
            if isinstance(helper, str) and helper:
                self._cred_helpers[normalize_registry_key(key)[0]] = helper
        store = data.get("credsStore")
        if isinstance(store, str) and store:
            self._creds_store = store

    def _add_secret(self, secret: dict[str, Any]) -> None:
        if not isinstance(secret, dict):
            raise ResolveFailure(ErrorKind.CREDENTIALS, "a pull secret must be a Secret object")
        name = (secret.get("metadata") or {}).get("name", "<unnamed>")
        stype = secret.get("type")
        data = secret.get("data") or {}
        string_data = secret.get("stringData") or {}

        def field_value(key: str) -> str | None:
            if key in string_data:
                return str(string_data[key])
            if key in data:
                try:
                    return base64.b64decode(data[key]).decode("utf-8")
                except (binascii.Error, UnicodeDecodeError, ValueError):
                    raise ResolveFailure(ErrorKind.CREDENTIALS, f"pull secret {name}: {key} is not valid base64")
            return None

        if stype == "kubernetes.io/dockerconfigjson":
            raw = field_value(".dockerconfigjson")
            if raw is None:
                raise ResolveFailure(ErrorKind.CREDENTIALS, f"pull secret {name}: no .dockerconfigjson key")
            try:
                auths = (json.loads(raw) or {}).get("auths") or {}
            except (ValueError, AttributeError):
                raise ResolveFailure(ErrorKind.CREDENTIALS, f"pull secret {name}: .dockerconfigjson is not valid JSON")
        elif stype == "kubernetes.io/dockercfg":
            raw = field_value(".dockercfg")
            if raw is None:
                raise ResolveFailure(ErrorKind.CREDENTIALS, f"pull secret {name}: no .dockercfg key")
            try:
                auths = json.loads(raw) or {}
            except ValueError:
                raise ResolveFailure(ErrorKind.CREDENTIALS, f"pull secret {name}: .dockercfg is not valid JSON")
        else:
            raise ResolveFailure(
                ErrorKind.CREDENTIALS,
                f"pull secret {name}: type {stype!r} is not kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg",
            )
        if not isinstance(auths, dict):
            raise ResolveFailure(ErrorKind.CREDENTIALS, f"pull secret {name}: auths is not an object")
        for key, entry in auths.items():
            cred = _decode_auth_entry(entry)
            if cred is not None:
                host, p = normalize_registry_key(key)
                self._secret_entries.append((host, p, cred))

    # -- lookup
    @staticmethod
    def _best(entries: list[tuple[str, str, Credentials]], registry: str, repository: str) -> Credentials | None:
        best: tuple[int, Credentials] | None = None
        for host, path, cred in entries:
            if not _host_matches(host, registry):
                continue
            if path and not (repository == path or repository.startswith(path + "/")):
                continue
            score = len(path) + (0 if "*" in host else 1)
            if best is None or score > best[0]:
                best = (score, cred)
        return best[1] if best else None

    async def lookup(self, registry: str, repository: str) -> Credentials | None:
        registry = registry.lower()
        cred = self._best(self._secret_entries, registry, repository)
        if cred is not None:
            return cred
        helper = self._cred_helpers.get(registry)
        if helper:
            return await self._from_helper(helper, registry)
        cred = self._best(self._config_auth_paths, registry, repository)
        if cred is not None:
            return cred
        if self._creds_store:
            return await self._from_helper(self._creds_store, registry)
        return None

    async def _from_helper(self, helper: str, registry: str) -> Credentials | None:
        key = f"{helper}\0{registry}"
        if key in self._helper_cache:
            return self._helper_cache[key]
        server = "https://index.docker.io/v1/" if registry == DOCKER_HUB else registry
        exe = shutil.which(f"docker-credential-{helper}")
        cred: Credentials | None = None
        if exe is None:
            self.warnings.append(f"credential helper docker-credential-{helper} not found on PATH")
        else:
            proc = None
            try:
                proc = await asyncio.create_subprocess_exec(
                    exe, "get",
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.DEVNULL,
                )
                out = await asyncio.wait_for(_talk(proc, server.encode()), timeout=30)
            except (OSError, asyncio.TimeoutError):
                self.warnings.append(f"credential helper docker-credential-{helper} failed to run")
            except OutputTooLarge:
                self.warnings.append(f"credential helper docker-credential-{helper} printed more than "
                                     f"{MAX_HELPER_OUTPUT // 1024} KiB; stopped it")
            else:
                if proc.returncode == 0:
                    try:
                        d = json.loads(out)
                        user, secret = d.get("Username"), d.get("Secret")
                        if user == "<token>":
                            cred = Credentials("<token>", "", str(secret))
                        elif user is not None and secret is not None:
                            cred = Credentials(str(user), str(secret))
                    except (ValueError, AttributeError):
                        self.warnings.append(f"credential helper docker-credential-{helper} returned invalid JSON")
                # non-zero: "credentials not found" -> anonymous
            finally:
                if proc is not None and proc.returncode is None:  # timed out, too much output, or cancelled
                    proc.kill()
                    await asyncio.shield(_reap(proc))
        self._helper_cache[key] = cred
        return cred


MAX_HELPER_OUTPUT = 1024 * 1024  # {"ServerURL", "Username", "Secret"} is well under a KiB


async def _reap(proc: asyncio.subprocess.Process) -> None:
    """Drain what is left in a killed helper's pipe (at most a pipe buffer), then wait for it:
    asyncio's wait() returns only once every pipe is closed."""
    if proc.stdout is not None:
        await proc.stdout.read()
    await proc.wait()


async def _talk(proc: asyncio.subprocess.Process, data: bytes) -> bytes:
    """Write the server URL, read at most MAX_HELPER_OUTPUT bytes of the helper's answer."""
    if proc.stdin is None or proc.stdout is None:  # created with PIPE: cannot happen
        raise OutputTooLarge("credential helper pipes missing")
    try:
        proc.stdin.write(data)
        await proc.stdin.drain()
        proc.stdin.close()
    except (BrokenPipeError, ConnectionResetError):
        pass
    out = bytearray()
    while True:
        chunk = await proc.stdout.read(65536)
        if not chunk:
            break
        out += chunk
        if len(out) > MAX_HELPER_OUTPUT:
            raise OutputTooLarge()
    await proc.wait()
    return bytes(out)


# ----------------------------------------------------------------------------- challenges

_PARAM = re.compile(r'([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


@dataclass(frozen=True)
class Challenge:
    scheme: str  # "bearer" | "basic"
    realm: str | None = None
    service: str | None = None
    scope: str | None = None


def parse_challenge(header: str | None) -> Challenge | None:
    """Parse ``WWW-Authenticate: Bearer realm="...",service="...",scope="..."``."""
    if not header:
        return None
    scheme, _, rest = header.strip().partition(" ")
    scheme = scheme.lower()
    if scheme not in ("bearer", "basic"):
        return None
    params = {m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3)) for m in _PARAM.finditer(rest)}
    params = {k: v.replace('\\"', '"') for k, v in params.items()}
    return Challenge(scheme, params.get("realm"), params.get("service"), params.get("scope"))
