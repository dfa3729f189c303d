"""Audit a live cluster (or a kubectl dump): node pools, RuntimeClasses and workloads through the
same rules as `winkube lint`, plus failures happening now (pod statuses, Events) matched against
the Windows failure catalogue — each with its stage, cause and fix.

examples:
  winkube audit                              the current kubeconfig context, all namespaces
  winkube audit --context prod -n shop       one namespace of another context
  winkube audit -o html > audit.html         one self-contained page: pools × workloads matrix
  kubectl get nodes,runtimeclasses,deploy,sts,ds,rs,cronjobs,jobs,pods,events -A -o json > dump.json
  winkube audit -f dump.json                 offline, from the dump
  winkube audit rbac | kubectl apply -f -    the roles it needs (read-only; the kubelet part is separate)

exit codes: 0 nothing at or above --fail-on and no failures happening now, 1 findings or
failures, 2 the cluster could not be read, or only partly (the report says what was missing).
"""
from __future__ import annotations

import argparse
import sys

from ..k8s import releases

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = __doc__.split("\n\n", 1)[1]
    p.add_argument("--kubeconfig", metavar="FILE", help="kubeconfig file (default: $KUBECONFIG, ~/.kube/config, else in-cluster)")
    p.add_argument("--context", metavar="NAME", help="kubeconfig context (default: current-context)")
    p.add_argument("-n", "--namespace", metavar="NS", help="only this namespace's workloads, pods and events")
    p.add_argument("-A", "--all-namespaces", action="store_true", help="every namespace (the default)")
    p.add_argument("-f", "--filename", action="append", default=[], metavar="PATH",
                   help="read a kubectl dump (`kubectl get … -o json|yaml`, files or directories) instead of a live cluster; repeatable")
    p.add_argument("-o", "--output", default="text", choices=["text", "json", "yaml", "html"], help="output format (default: text)")
    from ..helptext import add_kube_version
    add_kube_version(p, f"the server's, else {releases.text(releases.newest())}")
    p.add_argument("--profile", metavar="FILE", help="judge workloads against this cluster profile instead of the cluster's Nodes")
    p.add_argument("--fail-on", choices=["error", "warning", "info", "none"], default="error",
                   help="lowest finding severity that makes the exit code 1 (default: error)")
    p.add_argument("--request-timeout", type=float, default=30.0, metavar="SECONDS", help="deadline of each request, its retries and its whole body (default: 30)")
    p.add_argument("--chunk-size", type=int, default=500, metavar="N", help="list page size (default: 500, like kubectl)")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="colour (default: only on a terminal)")
    p.add_argument("--config", metavar="FILE", help="configuration file (default: .winkube.yaml found upward; its rules: apply)")
    p.add_argument("--no-config", action="store_true", help="ignore .winkube.yaml")
    p.add_argument("--disable", action="append", default=[], metavar="RULE", help="turn a rule off (repeatable)")
    p.add_argument("--enable", action="append", default=[], metavar="RULE", help="turn on a rule the config file turns off (repeatable)")
    p.add_argument("what", nargs="?", choices=["rbac"], help="rbac: print the roles audit needs: a read-only ClusterRole, and (separate, not read-only: nodes/proxy) what reading the live kubelet configuration needs")
    p.add_argument("--subject", metavar="KIND:NAME", help="with rbac: also bind it to user:NAME, group:NAME or serviceaccount:NS:NAME")


def _fail(message: str) -> int:
    print(f"winkube: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def run(args) -> int:
    if args.what == "rbac":
        from .rbac import render
        render(sys.stdout, subject=args.subject)
        return EXIT_OK
    from ..k8s.versions import parse_kube_version
    from ..model.profile import ProfileError, load_profile, supported_kube_version
    from .collect import DumpSource, LiveSource, Progress
    from .core import Auditor

    if args.namespace and args.all_namespaces:
        return _fail("-n/--namespace and -A/--all-namespaces cannot be used together")
    from ..config import ConfigError, config_for, rule_filter
    try:
        from ..rules import rule_ids

        config = config_for(args.config, args.no_config, known_rules=rule_ids())
        filter_ = rule_filter(config, args.disable, args.enable, known_rules=rule_ids())
    except ConfigError as e:
        return _fail(str(e))
    kube_version = None
    base = None
    try:
        if args.kube_version:
            kube_version = supported_kube_version(args.kube_version)
        if args.profile:
            base = load_profile(args.profile, kube_version)
    except ProfileError as e:
        return _fail(str(e))
    progress = Progress()
    notes: list[str] = []  # a server outside the range: named, the nearest release's rules apply
    if args.filename:
        source = DumpSource(list(args.filename), namespace=args.namespace, progress=progress)
        read_errors = source.errors  # filled while the dump streams
    else:
        from ..cluster import Cluster, ClusterError
        try:
            cluster = Cluster.connect(args.kubeconfig, args.context, timeout=args.request_timeout)
            version = cluster.version()
        except ClusterError as e:
            return _fail(str(e))
        source = LiveSource(cluster, namespace=args.namespace, progress=progress, chunk_size=args.chunk_size)
        source.server_version = version
        read_errors = []
        if kube_version is None:
            kv = parse_kube_version(version.get("gitVersion") or f"{version.get('major')}.{version.get('minor')}")
            if kv is not None:  # a server that names no version: the profile's applies
                kube_version, note = releases.for_server(kv)
                if note:
                    notes.append(note)
    import gc
    gc_was_enabled = gc.isenabled()
    gc.disable()  # objects stream by and die by reference counting; collections only cost time (3× on 150k pods)
    try:
        result = Auditor(source, kube_version=kube_version, base_profile=base, rule_filter=filter_).run()
    finally:
        if gc_was_enabled:
            gc.enable()
        progress.done()
        if not args.filename:
            cluster.close()
    result.errors[:0] = read_errors
    result.notes[:0] = notes
    if args.filename and read_errors and not any(result.counts.values()):
        return _fail("cannot read the dump: " + "; ".join(read_errors[:5]))
    from ..report import use_color
    from ..report.registry import render
    render("audit", args.output, result, sys.stdout, color=use_color(args.color, sys.stdout))
    if result.partial or result.errors:
        return EXIT_ERROR  # like lint: input that could not be read or checked (or a partial cluster read) is exit 2
    from ..engine import severity_at_least
    if result.failures or any(severity_at_least(f, args.fail_on) for f in result.all_findings):
        return EXIT_FINDINGS
    return EXIT_OK
