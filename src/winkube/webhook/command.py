"""The validating and mutating admission webhook: serve it, or print its deployment manifests.

  winkube webhook serve --tls-cert tls.crt --tls-key tls.key               live cluster (in-cluster or kubeconfig)
  winkube webhook serve --profile cluster.yaml --tls-cert … --tls-key …     no API access (tests, air-gapped)
  winkube webhook manifests --ca-bundle ca.crt | kubectl apply -f -         Namespace, RBAC, Deployment, Service, PDB, webhooks

Configuration (rule actions deny / warn / off, exclusions, mutation): docs/webhook.md.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading

ENV_ARGS = "WINKUBE_WEBHOOK_ARGS"


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="0.0.0.0", help="address to listen on (default: 0.0.0.0)")
    p.add_argument("--port", type=int, default=8443, help="port (default: 8443)")
    p.add_argument("--tls-cert", metavar="FILE", help="serving certificate (PEM; reloaded when the file changes)")
    p.add_argument("--tls-key", metavar="FILE", help="its private key (PEM)")
    p.add_argument("--plain-http", action="store_true", help="no TLS (local debugging only: the API server requires HTTPS)")
    p.add_argument("--profile", metavar="FILE", help="judge against this cluster profile, with no API access "
                   "(default: the live cluster's Nodes and RuntimeClasses, by list+watch)")
    from ..helptext import add_kube_version
    add_kube_version(p, "the profile's, else the live server's")
    p.add_argument("--kubeconfig", metavar="FILE", help="kubeconfig (default: $KUBECONFIG, ~/.kube/config, else in-cluster)")
    p.add_argument("--context", help="kubeconfig context")
    p.add_argument("--config", metavar="FILE", help="webhook configuration: rule actions, exclusions, mutation (docs/webhook.md)")
    p.add_argument("--exclude-namespace", action="append", default=[], metavar="NS", help="never check or mutate objects in NS (repeatable; kube-system always)")
    p.add_argument("--resolve-images", action="store_true", default=None, help="read image platforms from registries (cached), bounded per review")
    p.add_argument("--image-timeout", type=float, metavar="SECONDS", help="time budget per review for image platforms (default 1.0)")
    p.add_argument("--insecure-registry", action="append", default=[], metavar="HOST", help="plain HTTP for this (loopback) registry")
    p.add_argument("--max-body", type=int, default=8 * 1024 * 1024, metavar="BYTES", help="largest AdmissionReview accepted (default 8 MiB)")
    p.add_argument("--max-body-total", type=int, default=64 * 1024 * 1024, metavar="BYTES",
                   help="request bodies held at once across all connections (default 64 MiB; a quarter kept for bodies under 256 KiB)")
    p.add_argument("--header-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="time for a request line and headers, from their first byte (default 10)")
    p.add_argument("--body-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="time for a whole request body, from the end of its headers (default 10)")
    p.add_argument("--grace", type=float, default=20.0, metavar="SECONDS", help="on SIGTERM, time for in-flight reviews (default 20)")
    p.add_argument("--watch-timeout", type=int, default=300, metavar="SECONDS", help=argparse.SUPPRESS)
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="webhook_command", metavar="SUBCOMMAND")
    serve = sub.add_parser("serve", help="run the admission webhook server",
                           description="Serve /validate, /mutate, /healthz, /readyz and /metrics over HTTPS.")
    add_serve_arguments(serve)
    man = sub.add_parser("manifests", help="print the manifests that deploy the webhook (kubectl apply -f -)",
                         description="Namespace, ServiceAccount, read-only RBAC, Deployment, Service, PodDisruptionBudget, "
                                     "ValidatingWebhookConfiguration and MutatingWebhookConfiguration.")
    from .manifests import add_arguments as add_manifest_arguments
    add_manifest_arguments(man)


def _fail(message: str) -> int:
    print(f"winkube: error: {message}", file=sys.stderr)
    return 2


def check_serve_args(args) -> str | None:
    if not args.plain_http and not (args.tls_cert and args.tls_key):
        return "serve needs --tls-cert and --tls-key (the API server calls webhooks over HTTPS only)"
    for f in (args.tls_cert, args.tls_key, args.profile, args.config):
        if f and not os.path.isfile(f):
            return f"{f}: no such file"
    if args.kube_version:
        from ..k8s import releases
        try:
            releases.require(args.kube_version)
        except releases.ReleaseError as e:
            return str(e)
    return None


def run(args) -> int:
    cmd = getattr(args, "webhook_command", None)
    if cmd == "manifests":
        from .manifests import run as run_manifests
        return run_manifests(args)
    if cmd != "serve":
        print("usage: winkube webhook {serve,manifests} … (see `winkube webhook serve --help`)", file=sys.stderr)
        return 2
    problem = check_serve_args(args)
    if problem:
        return _fail(problem)
    if threading.current_thread() is not threading.main_thread():
        # Signal handlers (SIGTERM: drain and exit) can only be installed on the main thread, and
        # the CLI runs commands on a worker thread: continue as `python -m winkube.webhook`.
        env = dict(os.environ)
        env[ENV_ARGS] = json.dumps({k: v for k, v in vars(args).items() if k != "run"})
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, [sys.executable, "-m", "winkube.webhook", "serve"], env)
    return serve_now(args)


def serve_now(args) -> int:
    from ..config import ConfigError
    from ..model.profile import ProfileError
    from .server import serve
    try:
        return serve(args)
    except (ConfigError, ProfileError, OSError) as e:
        return _fail(str(e))
    except Exception as e:  # ClusterError and friends: a message, not a traceback
        if type(e).__name__ == "ClusterError":
            return _fail(str(e))
        raise
