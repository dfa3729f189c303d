"""`winkube explain` for failure messages and pods (the CLI only parses arguments)."""
from __future__ import annotations

import json
import sys

EXIT_OK, EXIT_ERROR = 0, 2


def _fail(message: str) -> int:
    print(f"winkube: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def explain_message_command(message: str, output: str = "text") -> int:
    from . import diagnose
    from .render import render, to_dict
    d = diagnose(message)
    if output == "json":
        json.dump({"version": 1, **to_dict(d)}, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        render(d, sys.stdout)
    if not d.candidates:
        return _fail("no known Windows failure matches that message" + (" (its Windows codes are decoded above)" if d.codes else ""))
    return EXIT_OK


def explain_pod_command(args) -> int:
    from ..cluster import Cluster, ClusterError
    from .live import explain_pod
    from .render import render, render_facts, to_dict
    ns, sep, name = args.pod.partition("/")
    if not sep:  # kubectl's way: --pod NAME -n NAMESPACE
        ns, name = getattr(args, "namespace", None) or "", args.pod
    elif getattr(args, "namespace", None) and args.namespace != ns:
        return _fail(f"--pod {args.pod} names namespace {ns}, -n names {args.namespace}")
    if not ns or not name:
        return _fail("--pod takes NAMESPACE/NAME, or NAME with -n NAMESPACE")
    resolve = None
    if args.resolve_images:
        from ..registry.resolve import ResolveOptions
        resolve = ResolveOptions(insecure_registries=tuple(args.insecure_registry or ()), ca_file=args.ca_file,
                                 docker_config=args.docker_config)
    try:
        with Cluster.connect(args.kubeconfig, args.context, timeout=args.request_timeout) as cluster:
            r = explain_pod(cluster, ns, name, args.rule, resolve)
    except ClusterError as e:
        return _fail(str(e))
    if args.output == "json":
        f = r.facts
        json.dump({"version": 1, "pod": r.pod, "node": r.node, "notes": r.notes,
                   "context": {"podOS": f.pod_os, "nodeOS": f.node_os, "nodeBuild": f.node_build, "nodeRuntime": f.node_runtime,
                               "runAsUser": f.run_as_user, "hostProcess": f.hostprocess,
                               "images": [{"ref": i.ref, "os": i.os, "builds": sorted(i.builds), "evidence": i.evidence} for i in f.images]},
                   "failures": [{"where": w, "reason": reason, "message": m, **to_dict(d)} for w, reason, m, d in r.items]},
                  sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        render_facts(r.facts, sys.stdout)
        for note in r.notes:
            sys.stdout.write(f"note: {note}\n")
        if not r.items:
            sys.stdout.write(f"no failure in the statuses or Events of pod {r.pod}\n")
        for where, reason, m, d in r.items:
            sys.stdout.write(f"\n{where}: {((reason + ': ') if reason else '') + m}"[:400] + "\n")
            render(d, sys.stdout)
    return EXIT_OK if all(d.candidates for *_, d in r.items) else EXIT_ERROR
