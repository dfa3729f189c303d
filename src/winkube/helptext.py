"""Descriptions and examples for the `--help` of commands whose parsers set none themselves.

Applied by cli.build_parser to any (sub)command parser left without a description or an epilog,
so every `winkube … --help` says what the command is for and shows how it is used
(tests/test_completion.py checks all of them).
"""
from __future__ import annotations

import argparse

DESCRIPTIONS = {
    "rules": "List every rule: id, stage, default severity and what it finds (docs/rules.md has them all).",
    "explain": "Explain a rule (why it matters on Windows, the fix, the public source), or match a failure "
               "message pasted from kubectl describe or events against the known Windows failures.",
    "profile": "Cluster profiles: the node pools, RuntimeClasses and Kubernetes version rules are judged against.",
    "profile list": "List the platform profiles (--profile NAME): the Windows Server builds each offers for a "
                    "Kubernetes release, its Windows taints and labels, and the public sources of each.",
    "profile show": "Print the profile in effect: the embedded default, --profile FILE, or one built from the "
                    "Node and RuntimeClass objects given.",
    "images": "Read an image's platforms from its registry (or an OCI layout) and tell which Windows hosts "
              "can run it, per containerd version.",
    "webhook": "The validating and mutating admission webhook: serve it, or print the manifests that deploy it.",
}

EXAMPLES = {
    "rules": ["winkube rules                          every rule, by stage",
              "winkube rules --stage admission        the ones the API server enforces"],
    "explain": ["winkube explain windows-forbidden-field",
                'winkube explain "The container operating system does not match the host operating system"'],
    "profile": ["winkube profile show",
                "kubectl get nodes,runtimeclasses -o yaml | winkube profile show -"],
    "profile show": ["winkube profile show                            the embedded default",
                     "winkube profile show --profile cluster.yaml",
                     "kubectl get nodes -o yaml > nodes.yaml && winkube profile show nodes.yaml -o json"],
    "profile list": ["winkube profile list                      the platforms for the newest release",
                     "winkube profile list --kube-version 1.33 -o json"],
    "images": ["winkube images mcr.microsoft.com/windows/nanoserver:ltsc2022",
               "winkube images -o json contoso.azurecr.io/api:2.1 --docker-config ~/.docker",
               "winkube images oci:./layout:latest --containerd 1.7.20"],
    "webhook": ["winkube webhook manifests | kubectl apply -f -",
                "winkube webhook serve --tls-cert tls.crt --tls-key tls.key"],
    "webhook serve": ["winkube webhook serve --tls-cert /tls/tls.crt --tls-key /tls/tls.key",
                      "winkube webhook serve --plain-http --port 8080 --profile cluster.yaml   behind a TLS proxy"],
    "webhook manifests": ["winkube webhook manifests | kubectl apply -f -",
                          "winkube webhook manifests --cert-manager --namespace winkube-system > webhook.yaml"],
}


def apply(parser: argparse.ArgumentParser, path: str = "") -> None:
    """Fill in missing descriptions and examples on `parser` and every subcommand below it."""
    if path:
        if not parser.description and path in DESCRIPTIONS:
            parser.description = DESCRIPTIONS[path]
        if not parser.epilog and path in EXAMPLES:
            parser.epilog = "examples:\n" + "\n".join(f"  {line}" for line in EXAMPLES[path])
            parser.formatter_class = argparse.RawDescriptionHelpFormatter
    for action in parser._actions:  # argparse has no public accessor for subparsers
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                apply(sub, f"{path} {name}".strip())


def add_kube_version(p: argparse.ArgumentParser, default: str) -> None:
    """The one --kube-version option of every front door: the range read from the knowledge data."""
    from .k8s import releases
    p.add_argument("--kube-version", metavar="X.Y",
                   help=f"Kubernetes release whose rules apply ({releases.range_text()}; default: {default})")
