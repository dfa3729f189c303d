"""One pod with both Windows and Linux images."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule


@rule(
    id="mixed-os-images",
    stage=Stage.RUNTIME,
    severity=Severity.ERROR,
    scope="pod",
    per_targeting=True,
    summary="the pod mixes Windows and Linux images",
    explanation="""All containers of a pod run on one node, so on one OS: whichever node the pod lands on,
    the images of the other OS cannot be pulled or started.""",
    fix="Split the pod: Windows containers and Linux containers belong in different pods.",
    source="kubernetes/website: content/en/docs/concepts/windows/intro.md (a pod runs on one node)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers:
      - {name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}
      - {name: proxy, image: "registry.k8s.io/pause:3.10-linux-amd64"}
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers:
      - {name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}
      - {name: proxy, image: "registry.k8s.io/pause:3.10-windows-amd64"}
    """,
)
def check(ctx):
    images = [u for u in ctx.targeting.images if u.os]
    oses = list(dict.fromkeys(u.os for u in images))  # in order of appearance: ties must not depend on set order
    if len(oses) > 1:
        first = {os_: next(u for u in images if u.os == os_) for os_ in oses}
        # the fewer images; on a tie, the OS the pod is not meant for, else the one that appears later
        minority = min(reversed(oses), key=lambda o: (sum(1 for u in images if u.os == o), o == ctx.targeting.os_intent))
        for u in images:
            if u.os == minority:
                other = first[next(o for o in oses if o != minority)]
                yield Hit(u.path, f"{u.ref} is a {u.os} image ({u.evidence}) but {other.ref} is a {other.os} image ({other.evidence})")
