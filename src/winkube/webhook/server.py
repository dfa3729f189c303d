"""Run the webhook: uvicorn (uvloop, httptools) with a certificate-reloading TLS context.

SIGTERM / SIGINT: uvicorn stops accepting connections, lets in-flight reviews finish (up to
--grace seconds), then the process exits 0. Signals can only be handled on the main thread;
`winkube` runs commands on a worker thread (for libyaml's stack), so `serve` re-executes itself as
`python -m winkube.webhook serve …` first (command.py).
"""
from __future__ import annotations

import logging
import sys

from ..model.profile import load_profile, supported_kube_version
from .app import BodyBudget, WebhookApp
from .limits import Limits, guarded_protocol
from .policy import Policy, load_policy
from .state import Knowledge, LiveProfile
from .tls import ReloadingContext

log = logging.getLogger("winkube.webhook")

# What one list page and one watch line of the live profile may hold: etcd refuses objects over
# 1.5 MiB, so a watch line is at most one such object; a page of 500 Nodes is ~25 MiB.
WEBHOOK_MAX_RESPONSE = 64 * 1024 * 1024
WEBHOOK_MAX_WATCH_LINE = 4 * 1024 * 1024


def build(args) -> tuple[WebhookApp, Knowledge, LiveProfile | None]:
    policy = load_policy(args.config) if args.config else Policy()
    if args.resolve_images is not None:
        policy.resolve_images = args.resolve_images
    if args.image_timeout is not None:
        policy.image_timeout = args.image_timeout
    if args.exclude_namespace:
        policy.exclude_namespaces = policy.exclude_namespaces | frozenset(args.exclude_namespace)
    live = None
    kube_version = supported_kube_version(args.kube_version) if args.kube_version else None
    if args.profile:
        profile = load_profile(args.profile)
        if kube_version:
            profile.kube_version = kube_version
        knowledge = Knowledge(policy, profile)
    else:
        from ..cluster import Cluster

        knowledge = Knowledge(policy)
        cluster = Cluster.connect(args.kubeconfig, args.context)
        # the webhook runs in 256Mi (deploy/): smaller caps than the CLI's
        cluster.max_response_bytes = WEBHOOK_MAX_RESPONSE
        cluster.max_watch_line = WEBHOOK_MAX_WATCH_LINE
        live = LiveProfile(knowledge, cluster, watch_timeout=args.watch_timeout)
        live.kube_version = kube_version  # given: the server's own version is not asked for
    if policy.resolve_images:
        from ..registry.resolve import ResolveOptions

        knowledge.images.options = ResolveOptions(timeout=10.0, retries=1,
                                                  insecure_registries=tuple(args.insecure_registry or ()))

    async def startup():
        if live is not None:
            live.start()

    async def shutdown():
        if live is not None:
            live.close()

    total = args.max_body_total
    app = WebhookApp(knowledge, max_body=args.max_body, on_startup=startup, on_shutdown=shutdown,
                     budget=BodyBudget(total=total, reserve=total // 4))
    return app, knowledge, live


def _server_class():
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn re-raises the captured SIGTERM after a graceful shutdown (exit status -15 / 143);
        a drained webhook has nothing to report: exit 0."""

        def handle_exit(self, sig, frame):
            super().handle_exit(sig, frame)
            self._captured_signals.clear()

    return Server


def serve(args, wrap=None) -> int:
    """Serve until SIGTERM/SIGINT. wrap(app) -> app puts another ASGI layer in front (the benchmark's floor)."""
    import uvicorn

    logging.basicConfig(level=getattr(logging, args.log_level.upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    _Server = _server_class()
    app, knowledge, live = build(args)
    kwargs = {}
    served = wrap(app) if wrap is not None else app
    if not args.plain_http:
        tls = ReloadingContext(args.tls_cert, args.tls_key)
        kwargs["ssl_context_factory"] = lambda _config, _default: tls.base
    limits = Limits(header_timeout=args.header_timeout, body_timeout=args.body_timeout, on_reject=app.metrics.error)
    config = uvicorn.Config(
        served, host=args.host, port=args.port, loop="uvloop", http=guarded_protocol(limits), lifespan="on",
        log_level=args.log_level, access_log=False, server_header=False, date_header=False,
        timeout_graceful_shutdown=args.grace, timeout_keep_alive=30, backlog=2048, **kwargs)
    server = _Server(config)
    log.info("winkube webhook on %s://%s:%d (profile: %s)", "http" if args.plain_http else "https", args.host, args.port,
             knowledge.health.source or "live cluster, loading")
    server.run()
    return 0
