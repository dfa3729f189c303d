"""Where each workload can land and why, pool by pool, as kube-scheduler's filters, the kubelet's
OS admission and the container runtime's image match decide.

For every workload in the input (files, directories, `-` for stdin, `kubectl get -o yaml|json`
dumps) or in a live cluster, against the node pools of a profile (--profile, the Node and
RuntimeClass objects of the input, or the live cluster's), `winkube plan` shows which pools it
lands on and, for the others, the first filter that excludes them: NodeName, NodeUnschedulable,
NodeAffinity (nodeSelector, required node affinity, RuntimeClass scheduling merged in),
TaintToleration, NodeResourcesFit (allocatable minus what bound pods already request, RuntimeClass
overhead included), then the kubelet's OS admission, then the image's OS and Windows build.
A pod the API server rejects (any admission-stage error of the engine) lands nowhere; a DaemonSet
runs one pod on every node of every pool it is scheduled on. Every finding `winkube lint` reports
on the workload is listed with it, and the exit code follows --fail-on as lint's does.
"""
from __future__ import annotations

import argparse
import sys

EPILOG = """\
examples:
  winkube plan k8s/                                  against the embedded default profile
  kubectl get nodes,runtimeclasses,pods -A -o yaml > cluster.yaml
  winkube plan cluster.yaml k8s/                     against your nodes and their current load
  winkube plan --kubeconfig ~/.kube/config k8s/      against a live cluster (nodes, RuntimeClasses, load)
  winkube plan --live -n shop                        the live cluster's own workloads in namespace shop
  winkube plan -o json k8s/                          machine-readable (docs/plan-output.md)

exit codes: 0 nothing at or above --fail-on, 1 findings (as `winkube lint` reports them: a workload
that lands nowhere has one), 2 usage or input errors.
"""

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = EPILOG
    p.add_argument("paths", nargs="*", metavar="PATH", help="files, directories, or - for stdin (manifests and dumps)")
    p.add_argument("-f", "--filename", action="append", default=[], metavar="PATH", help="like kubectl: a file or directory (repeatable)")
    p.add_argument("-o", "--output", default="text", choices=["text", "json", "yaml"], help="output format (default: text; json and yaml: docs/plan-output.md)")
    p.add_argument("--profile", metavar="FILE", help="cluster profile (docs/profile.md); Node / RuntimeClass objects in the input or the live cluster replace its pools")
    from ..helptext import add_kube_version
    from ..k8s import releases
    add_kube_version(p, f"the profile's, {releases.text(releases.newest())}")
    p.add_argument("--live", action="store_true", help="read nodes, RuntimeClasses and pods from the cluster of the kubeconfig (and its workloads when no PATH is given)")
    p.add_argument("--kubeconfig", metavar="FILE", help="kubeconfig of the live cluster (implies --live; default $KUBECONFIG, ~/.kube/config)")
    p.add_argument("--context", metavar="NAME", help="kubeconfig context (implies --live)")
    p.add_argument("--request-timeout", type=float, default=30.0, metavar="SECONDS",
                   help="with --live: deadline of each request, its retries and its whole body (default: 30)")
    p.add_argument("-n", "--namespace", metavar="NS", help="with --live and no PATH: plan only this namespace's workloads")
    p.add_argument("-A", "--all-namespaces", action="store_true", help="with --live and no PATH: every namespace (the default)")
    p.add_argument("--resolve-images", action="store_true", help="read image platforms from their registries instead of tag conventions")
    p.add_argument("--insecure-registry", action="append", default=[], metavar="HOST", help="with --resolve-images: plain HTTP / unverified TLS for this registry")
    p.add_argument("--color", choices=["auto", "always", "never"], default="auto", help="colour (default: only on a terminal)")
    p.add_argument("--fail-on", choices=["error", "warning", "info", "none"], default="error",
                   help="lowest finding severity that makes the exit code 1 (default: error)")
    p.add_argument("--config", metavar="FILE", help="configuration file (default: .winkube.yaml found upward; its rules: apply)")
    p.add_argument("--no-config", action="store_true", help="ignore .winkube.yaml")
    p.add_argument("--disable", action="append", default=[], metavar="RULE", help="turn a rule off (repeatable)")
    p.add_argument("--enable", action="append", default=[], metavar="RULE", help="turn on a rule the config file turns off (repeatable)")


def _fail(message: str) -> int:
    print(f"winkube: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def run(args) -> int:
    import json

    from ..ansi import use_color
    from ..load.inputs import Source, iter_sources
    from ..model.finding import InputError
    from ..model.profile import ProfileError, default_profile, load_profile, supported_kube_version, with_cluster_objects
    from .inputs import PlanInput, read_live, read_sources
    from .planner import Planner, WorkloadError
    from ..report.registry import render
    from .render import PlanOutput
    from .usage import node_usage

    paths = list(args.paths) + list(args.filename)
    live = bool(args.live or args.kubeconfig or args.context)
    if not paths and not live:
        if sys.stdin.isatty():
            return _fail("nothing to plan: give files, directories, - for stdin, or --live (see `winkube plan --help`)")
        paths = ["-"]
    if args.namespace and args.all_namespaces:
        return _fail("--namespace and --all-namespaces exclude each other")
    from ..config import ConfigError, config_for, rule_filter
    from ..rules import rule_ids
    try:
        config = config_for(args.config, args.no_config, known_rules=rule_ids())
        filter_ = rule_filter(config, args.disable, args.enable, known_rules=rule_ids())
        version = args.kube_version or (config.kube_version if config and config.kube_version else None)
        version = supported_kube_version(version) if version else None
        base = load_profile(args.profile, version) if args.profile else default_profile(version)
        if version:
            base.kube_version = version
    except (ConfigError, ProfileError) as e:
        return _fail(str(e))

    data = PlanInput()
    sources = list(iter_sources(paths, data.errors)) if paths else []
    read_sources(sources, data)
    notes: list[str] = []
    if live:
        from ..cluster import Cluster, ClusterError
        try:
            with Cluster.connect(args.kubeconfig, args.context, timeout=args.request_timeout) as cluster:
                if not version and not args.profile:  # as audit: the server's release, named when outside the range
                    from ..k8s import releases
                    from ..k8s.versions import parse_kube_version
                    served = parse_kube_version(cluster.version().get("gitVersion"))
                    if served is not None:
                        used, note = releases.for_server(served)
                        base = default_profile(used)
                        notes += [note] if note else []
                read_live(cluster, data, workloads=not paths, namespace=args.namespace)
        except ClusterError as e:
            return _fail(f"cannot read the cluster: {e}")
        if not paths:  # the cluster's own workloads take part in --resolve-images too
            sources.append(Source("<cluster>", json.dumps({"kind": "List", "items": [w.obj for w in data.workloads]}), True))
    data.drop_owned()

    profile = with_cluster_objects(base, data.nodes, data.runtime_classes)
    if live and not data.nodes:
        data.errors.append(InputError("<cluster>", "the cluster has no Node objects: nothing to place workloads on"))
    images = {}
    if args.resolve_images:
        from ..lintimages import resolve_for_lint
        images = resolve_for_lint(sources, args, data.errors)
    usage_known = live or bool(data.pods)
    usage = node_usage(data.pods)
    planner = Planner(profile, usage, images, rule_filter=filter_)
    plans = []
    for w in data.workloads:
        try:
            plans.append(planner.plan(w.obj, w.file, w.line))
        except WorkloadError as e:
            line = w.line
            if e.path and w.locate is not None:
                try:
                    line = w.locate(e.path)[0] or line
                except (KeyError, IndexError, TypeError):
                    pass
            data.errors.append(InputError(w.file or "<cluster>", str(e), line))
    bound = sum(u.get("pods", 0) for u in usage.values())
    render("plan", args.output, PlanOutput(plans, profile, data.errors, usage_known,
                                           f"{bound} bound pod(s) on {len(usage)} node(s), their requests subtracted from allocatable",
                                           notes=notes),
           sys.stdout, color=use_color(args.color, sys.stdout))
    if args.output == "text":
        for e in data.errors:
            where = f"{e.file}:{e.line}" if e.line else e.file
            print(f"winkube: {where}: {e.message}", file=sys.stderr)
    if data.errors:
        return EXIT_ERROR
    from ..engine import severity_at_least
    return EXIT_FINDINGS if any(severity_at_least(f, args.fail_on) for p in plans for f in p.findings) else EXIT_OK
