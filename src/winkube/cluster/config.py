"""Where a cluster is and how to authenticate to it: kubeconfig files and in-cluster config.

kubeconfig: ``$KUBECONFIG`` (a ``:``-separated list, merged the way kubectl merges it: the first
file that defines a name or ``current-context`` wins) or ``~/.kube/config``; contexts, clusters
and users with bearer tokens (``token``, ``tokenFile``), basic auth, client certificates and keys
(inline ``*-data`` or files), the CA (``certificate-authority-data`` / ``certificate-authority``),
``insecure-skip-tls-verify``, ``tls-server-name``, ``proxy-url``, and exec credential plugins
(``client.authentication.k8s.io/v1`` and ``v1beta1``; the ExecCredential they print, cached
until ``expirationTimestamp``). Relative paths are relative to the kubeconfig file that names them,
as in client-go.

In-cluster: the pod's service account (``/var/run/secrets/kubernetes.io/serviceaccount/{token,
ca.crt,namespace}``) and ``KUBERNETES_SERVICE_HOST`` / ``KUBERNETES_SERVICE_PORT``; the token
file is re-read when it changes (bound tokens are rotated by the kubelet).
"""
from __future__ import annotations

import base64
import datetime as _dt
import json
import os
import selectors
import shlex
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..boundedio import OutputTooLarge, read_at_most
from ..errors import ConfigError

SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
EXEC_API_VERSIONS = ("client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1")


class KubeconfigError(ConfigError):
    """A kubeconfig / in-cluster configuration that cannot be used (the Cluster turns it into ClusterError)."""


@dataclass
class ExecConfig:
    command: str
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    api_version: str = EXEC_API_VERSIONS[0]
    install_hint: str = ""
    provide_cluster_info: bool = False
    interactive_mode: str = "IfAvailable"
    base_dir: Path | None = None


@dataclass
class ClusterCredentials:
    """What a request carries: a bearer token and/or a client certificate (PEM bytes)."""

    token: str | None = None
    cert_pem: bytes | None = None
    key_pem: bytes | None = None
    expires: _dt.datetime | None = None


@dataclass
class ClusterConfig:
    server: str
    context: str = ""
    namespace: str = "default"
    ca_pem: bytes | None = None
    insecure: bool = False
    tls_server_name: str | None = None
    proxy: str | None = None
    token: str | None = None
    token_file: str | None = None
    username: str | None = None
    password: str | None = None
    cert_pem: bytes | None = None
    key_pem: bytes | None = None
    exec: ExecConfig | None = None
    source: str = ""  # "kubeconfig /path (context x)" or "in-cluster service account"
    cluster_info: dict = field(default_factory=dict)  # for exec plugins with provideClusterInfo


# --------------------------------------------------------------------------------- kubeconfig


def kubeconfig_paths(explicit: str | None = None) -> list[Path]:
    """The kubeconfig files in effect: the explicit one, else $KUBECONFIG's, else ~/.kube/config
    (only those that exist; an explicit path that does not exist is an error)."""
    if explicit:
        p = Path(explicit).expanduser()
        if not p.is_file():
            raise KubeconfigError(f"kubeconfig {explicit} does not exist or is not a file")
        return [p]
    env = os.environ.get("KUBECONFIG")
    if env:
        return [Path(x).expanduser() for x in env.split(os.pathsep) if x and Path(x).expanduser().is_file()]
    home = Path(os.path.expanduser("~")) / ".kube" / "config"
    return [home] if home.is_file() else []


MAX_KUBECONFIG = 16 * 1024 * 1024  # kubeconfigs with many embedded certificates are a few hundred KiB


def _read_yaml(path: Path) -> dict:
    try:
        raw = read_at_most(path, MAX_KUBECONFIG)
        if raw is None:
            raise KubeconfigError(f"kubeconfig {path} is over {MAX_KUBECONFIG // (1024 * 1024)} MiB: not a kubeconfig")
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise KubeconfigError(f"kubeconfig {path} is not UTF-8 text") from None
    except OSError as e:
        raise KubeconfigError(f"cannot read kubeconfig {path}: {e.strerror}") from None
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise KubeconfigError(f"kubeconfig {path}{':' + str(mark.line + 1) if mark else ''} is not valid YAML") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KubeconfigError(f"kubeconfig {path} is not a mapping")
    return data


def _merge(paths: list[Path]) -> tuple[dict, dict, dict, str | None]:
    """clusters, users, contexts by name (each entry remembers its file's directory), current-context."""
    clusters: dict = {}
    users: dict = {}
    contexts: dict = {}
    current = None
    for path in paths:
        data = _read_yaml(path)
        base = path.resolve().parent
        for key, into, inner in (("clusters", clusters, "cluster"), ("users", users, "user"), ("contexts", contexts, "context")):
            for entry in data.get(key) or []:
                if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                    continue
                if entry["name"] not in into:
                    value = entry.get(inner) or {}
                    if not isinstance(value, dict):
                        raise KubeconfigError(f"kubeconfig {path}: {key} entry {entry['name']!r} has no {inner} mapping")
                    into[entry["name"]] = (value, base, path)
        if current is None and data.get("current-context"):
            current = str(data["current-context"])
    return clusters, users, contexts, current


def _resolve(base: Path, p: str) -> Path:
    q = Path(os.path.expanduser(p))
    return q if q.is_absolute() else base / q


def _file_or_data(entry: dict, file_key: str, data_key: str, base: Path, what: str, where: str) -> bytes | None:
    data = entry.get(data_key)
    if data:
        try:
            return base64.b64decode(data, validate=False)
        except (ValueError, TypeError):
            raise KubeconfigError(f"{where}: {data_key} is not valid base64") from None
    name = entry.get(file_key)
    if name:
        path = _resolve(base, str(name))
        try:
            return path.read_bytes()
        except OSError as e:
            raise KubeconfigError(f"{where}: cannot read the {what} {path}: {e.strerror}") from None
    return None


def from_kubeconfig(paths: list[Path], context: str | None = None) -> ClusterConfig:
    clusters, users, contexts, current = _merge(paths)
    files = ", ".join(str(p) for p in paths)
    name = context or current
    if not name:
        raise KubeconfigError(f"kubeconfig {files} has no current-context; pass --context (contexts: {', '.join(sorted(contexts)) or 'none'})")
    if name not in contexts:
        raise KubeconfigError(f"context {name!r} not found in kubeconfig {files} (contexts: {', '.join(sorted(contexts)) or 'none'})")
    ctx, _, ctx_file = contexts[name]
    cluster_name, user_name = ctx.get("cluster"), ctx.get("user")
    if cluster_name not in clusters:
        raise KubeconfigError(f"context {name!r} in {ctx_file} refers to cluster {cluster_name!r}, which is not defined")
    cluster, cbase, cfile = clusters[cluster_name]
    where = f"kubeconfig {cfile}, cluster {cluster_name!r}"
    server = cluster.get("server")
    if not server:
        raise KubeconfigError(f"{where} has no server")
    cfg = ClusterConfig(server=str(server).rstrip("/"), context=name, namespace=str(ctx.get("namespace") or "default"),
                        source=f"kubeconfig {files} (context {name})")
    cfg.insecure = bool(cluster.get("insecure-skip-tls-verify"))
    cfg.ca_pem = _file_or_data(cluster, "certificate-authority", "certificate-authority-data", cbase, "CA file", where)
    cfg.tls_server_name = cluster.get("tls-server-name") or None
    cfg.proxy = cluster.get("proxy-url") or None
    cfg.cluster_info = {k: v for k, v in {
        "server": cfg.server, "tls-server-name": cfg.tls_server_name, "insecure-skip-tls-verify": cfg.insecure or None,
        "certificate-authority-data": base64.b64encode(cfg.ca_pem).decode() if cfg.ca_pem else None,
        "proxy-url": cfg.proxy, "config": (cluster.get("extensions") or [{}])[0].get("extension") if
        isinstance(cluster.get("extensions"), list) and cluster["extensions"] and isinstance(cluster["extensions"][0], dict) else None,
    }.items() if v is not None}
    if user_name:
        if user_name not in users:
            raise KubeconfigError(f"context {name!r} in {ctx_file} refers to user {user_name!r}, which is not defined")
        user, ubase, ufile = users[user_name]
        uwhere = f"kubeconfig {ufile}, user {user_name!r}"
        cfg.token = user.get("token") or None
        if user.get("tokenFile"):
            cfg.token_file = str(_resolve(ubase, str(user["tokenFile"])))
        cfg.username, cfg.password = user.get("username"), user.get("password")
        cfg.cert_pem = _file_or_data(user, "client-certificate", "client-certificate-data", ubase, "client certificate", uwhere)
        cfg.key_pem = _file_or_data(user, "client-key", "client-key-data", ubase, "client key", uwhere)
        if bool(cfg.cert_pem) != bool(cfg.key_pem):
            raise KubeconfigError(f"{uwhere}: a client certificate needs both the certificate and the key")
        if user.get("auth-provider"):
            provider = (user["auth-provider"] or {}).get("name", "?")
            raise KubeconfigError(f"{uwhere} uses auth-provider {provider!r}, which was removed from kubectl in 1.26; "
                              f"use its exec credential plugin instead (e.g. kubelogin, gke-gcloud-auth-plugin)")
        if user.get("exec"):
            cfg.exec = _exec_config(user["exec"], ubase, uwhere)
    return cfg


def _exec_config(raw, base: Path, where: str) -> ExecConfig:
    if not isinstance(raw, dict) or not raw.get("command"):
        raise KubeconfigError(f"{where}: exec needs a command")
    api = raw.get("apiVersion") or ""
    if api not in EXEC_API_VERSIONS:
        raise KubeconfigError(f"{where}: exec plugin apiVersion {api!r} is not supported "
                          f"(supported: {', '.join(EXEC_API_VERSIONS)}; v1alpha1 was removed in Kubernetes 1.24)")
    env = {}
    for item in raw.get("env") or []:
        if isinstance(item, dict) and item.get("name"):
            env[str(item["name"])] = str(item.get("value") or "")
    mode = raw.get("interactiveMode") or "IfAvailable"
    if mode not in ("Never", "IfAvailable", "Always"):
        raise KubeconfigError(f"{where}: exec interactiveMode {mode!r} is not one of Never, IfAvailable, Always")
    return ExecConfig(command=str(raw["command"]), args=[str(a) for a in raw.get("args") or []], env=env,
                      api_version=api, install_hint=str(raw.get("installHint") or ""),
                      provide_cluster_info=bool(raw.get("provideClusterInfo")), interactive_mode=mode, base_dir=base)


# --------------------------------------------------------------------------------- in-cluster


def in_cluster_available(sa_dir: str = SERVICE_ACCOUNT_DIR) -> bool:
    return bool(os.environ.get("KUBERNETES_SERVICE_HOST")) and os.path.isfile(os.path.join(sa_dir, "token"))


def from_in_cluster(sa_dir: str = SERVICE_ACCOUNT_DIR) -> ClusterConfig:
    host, port = os.environ.get("KUBERNETES_SERVICE_HOST"), os.environ.get("KUBERNETES_SERVICE_PORT") or "443"
    if not host:
        raise KubeconfigError("no kubeconfig found ($KUBECONFIG, ~/.kube/config) and not running in a pod "
                          "(KUBERNETES_SERVICE_HOST is not set); pass --kubeconfig, or -f with a kubectl dump")
    token_path = os.path.join(sa_dir, "token")
    if not os.path.isfile(token_path):
        raise KubeconfigError(f"in-cluster configuration: the service account token {token_path} is missing "
                          f"(automountServiceAccountToken: false?)")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # IPv6
    ca = None
    ca_path = os.path.join(sa_dir, "ca.crt")
    if os.path.isfile(ca_path):
        ca = Path(ca_path).read_bytes()
    ns_path = os.path.join(sa_dir, "namespace")
    namespace = Path(ns_path).read_text().strip() if os.path.isfile(ns_path) else "default"
    return ClusterConfig(server=f"https://{host}:{port}", context="in-cluster", namespace=namespace or "default",
                         ca_pem=ca, token_file=token_path, source=f"in-cluster service account ({sa_dir})")


# --------------------------------------------------------------------------------- credentials


MAX_TOKEN_FILE = 64 * 1024  # a bound service-account token is ~1 KiB


def _parse_time(value: str) -> _dt.datetime:
    v = value.strip().replace("Z", "+00:00")
    t = _dt.datetime.fromisoformat(v)
    return t if t.tzinfo else t.replace(tzinfo=_dt.timezone.utc)


class CredentialSource:
    """Gives the credentials for the next request: static ones, a token file re-read when it
    changes, or an exec plugin's output cached until 10 s before it expires."""

    def __init__(self, cfg: ClusterConfig, timeout: float = 60.0):
        self.cfg = cfg
        self.timeout = timeout
        self._lock = threading.Lock()
        self._exec_creds: ClusterCredentials | None = None
        self._file_token: tuple[float, str] | None = None

    def current(self, force_refresh: bool = False) -> ClusterCredentials:
        cfg = self.cfg
        if cfg.exec is not None:
            with self._lock:
                now = _dt.datetime.now(_dt.timezone.utc)
                c = self._exec_creds
                if force_refresh or c is None or (c.expires is not None and c.expires - _dt.timedelta(seconds=10) <= now):
                    self._exec_creds = c = run_exec(cfg.exec, cfg.cluster_info, self.timeout)
                # A plugin may give only a token while the kubeconfig has the client certificate.
                if c.cert_pem is None and cfg.cert_pem:
                    return ClusterCredentials(c.token, cfg.cert_pem, cfg.key_pem, c.expires)
                return c
        token = cfg.token
        if cfg.token_file:
            token = self._read_token_file(cfg.token_file)
        return ClusterCredentials(token=token, cert_pem=cfg.cert_pem, key_pem=cfg.key_pem)

    def last_token(self) -> str | None:
        """The token last handed out (exec plugin or token file), for redaction."""
        c = self._exec_creds
        if c is not None and c.token:
            return c.token
        return self._file_token[1] if self._file_token else None

    def _read_token_file(self, path: str) -> str:
        try:
            mtime = os.stat(path).st_mtime
            if self._file_token is None or self._file_token[0] != mtime:
                data = read_at_most(path, MAX_TOKEN_FILE)
                if data is None:
                    raise KubeconfigError(f"the token file {path} is over {MAX_TOKEN_FILE // 1024} KiB: not a token")
                self._file_token = (mtime, data.decode("utf-8", errors="replace").strip())
            return self._file_token[1]
        except OSError as e:
            raise KubeconfigError(f"cannot read the token file {path}: {e.strerror}") from None


MAX_EXEC_STDOUT = 1024 * 1024  # an ExecCredential with a client certificate and key is a few KiB
MAX_EXEC_STDERR = 64 * 1024  # only its tail is quoted


def _run_bounded(argv: list[str], env: dict, stdin, timeout: float) -> tuple[int, bytes, bytes]:
    """Run a plugin with a wall-clock timeout, keeping at most MAX_EXEC_STDOUT bytes of stdout
    (more is OutputTooLarge) and the last MAX_EXEC_STDERR bytes of stderr; the process is killed
    on either bound."""
    deadline = time.monotonic() + timeout
    proc = subprocess.Popen(argv, env=env, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = bytearray(), bytearray()
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ, out)
            sel.register(proc.stderr, selectors.EVENT_READ, err)
            while sel.get_map():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise subprocess.TimeoutExpired(argv, timeout)
                for key, _ in sel.select(left):
                    data = os.read(key.fd, 65536)
                    if not data:
                        sel.unregister(key.fileobj)
                        continue
                    buf = key.data
                    buf += data
                    if buf is out and len(out) > MAX_EXEC_STDOUT:
                        raise OutputTooLarge()
                    if buf is err and len(err) > MAX_EXEC_STDERR:
                        del err[:-MAX_EXEC_STDERR]
        returncode = proc.wait(max(0.0, deadline - time.monotonic()))
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        proc.stdout.close()
        proc.stderr.close()
    return returncode, bytes(out), bytes(err)


def run_exec(ex: ExecConfig, cluster_info: dict, timeout: float = 60.0) -> ClusterCredentials:
    """Run an exec credential plugin the way client-go does and read its ExecCredential."""
    interactive = ex.interactive_mode != "Never" and sys.stdin is not None and sys.stdin.isatty()
    if ex.interactive_mode == "Always" and not interactive:
        raise KubeconfigError(f"exec plugin {ex.command} needs an interactive terminal (interactiveMode: Always)")
    spec: dict = {"interactive": interactive}
    if ex.provide_cluster_info:
        spec["cluster"] = cluster_info
    env = dict(os.environ)
    env.update(ex.env)
    env["KUBERNETES_EXEC_INFO"] = json.dumps({"apiVersion": ex.api_version, "kind": "ExecCredential", "spec": spec})
    command = ex.command
    if ex.base_dir is not None and (os.sep in command or "/" in command) and not os.path.isabs(command):
        command = str(ex.base_dir / command)  # client-go: relative to the kubeconfig's directory
    argv = [command, *ex.args]
    hint = f"\n{ex.install_hint}" if ex.install_hint else ""
    try:
        returncode, stdout, stderr = _run_bounded(argv, env, None if interactive else subprocess.DEVNULL, timeout)
    except FileNotFoundError:
        raise KubeconfigError(f"exec credential plugin {ex.command!r} not found{hint}") from None
    except PermissionError:
        raise KubeconfigError(f"exec credential plugin {ex.command!r} is not executable{hint}") from None
    except OSError as e:  # e.g. ENOEXEC: not a program this system can run
        raise KubeconfigError(f"exec credential plugin {ex.command!r} cannot be run: {e.strerror or type(e).__name__}{hint}") from None
    except subprocess.TimeoutExpired:
        raise KubeconfigError(f"exec credential plugin {shlex.join(argv)} did not finish within {timeout:.0f}s") from None
    except OutputTooLarge:
        raise KubeconfigError(f"exec credential plugin {ex.command} printed more than {MAX_EXEC_STDOUT // 1024} KiB; "
                          f"stopped it (an ExecCredential is a few KiB)") from None
    if returncode != 0:
        # stderr is the plugin's message to the user (client-go shows it too); stdout, which
        # holds the credential, is never quoted
        err = stderr.decode(errors="replace").strip()[-1000:]
        raise KubeconfigError(f"exec credential plugin {shlex.join(argv)} failed with exit code {returncode}"
                          f"{': ' + err if err else ''}")
    try:
        out = json.loads(stdout)
    except (ValueError, RecursionError) as e:
        where = f" ({e.msg} at line {e.lineno} column {e.colno})" if isinstance(e, json.JSONDecodeError) else ""
        raise KubeconfigError(f"exec credential plugin {ex.command} did not print one ExecCredential JSON object{where}; "
                          f"its output is not shown because it may hold a credential") from None
    if not isinstance(out, dict) or out.get("kind") != "ExecCredential":
        raise KubeconfigError(f"exec credential plugin {ex.command} printed something other than an ExecCredential")
    if out.get("apiVersion") != ex.api_version:
        raise KubeconfigError(f"exec credential plugin {ex.command} answered apiVersion {out.get('apiVersion')!r}, "
                          f"the kubeconfig asked for {ex.api_version!r}")
    status = out.get("status") or {}
    if not isinstance(status, dict):
        raise KubeconfigError(f"exec credential plugin {ex.command}: status is not an object")
    token = status.get("token") or None
    cert = status.get("clientCertificateData")
    key = status.get("clientKeyData")
    if bool(cert) != bool(key):
        raise KubeconfigError(f"exec credential plugin {ex.command}: clientCertificateData and clientKeyData must come together")
    if not token and not cert:
        raise KubeconfigError(f"exec credential plugin {ex.command}: the ExecCredential has neither a token nor a client certificate")
    expires = None
    if status.get("expirationTimestamp"):
        try:
            expires = _parse_time(str(status["expirationTimestamp"]))
        except ValueError:
            raise KubeconfigError(f"exec credential plugin {ex.command}: bad expirationTimestamp "
                              f"{status['expirationTimestamp']!r}") from None
    return ClusterCredentials(token=token, cert_pem=cert.encode() if cert else None, key_pem=key.encode() if key else None,
                       expires=expires)
