"""terminationGracePeriodSeconds above 5 s on a Windows (non-HostProcess) pod: inside the container
Windows kills the processes after its own registry timeout (5 s by default) unless the image raises it."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import INTRO, host_process, windows_bound

IN_IMAGE_DEFAULT_S = 5  # WaitToKillServiceTimeout in the container image's registry (moby/moby#25982)
# The API server defaults an unset terminationGracePeriodSeconds to 30 (k8s.io/api core/v1
# DefaultTerminationGracePeriodSeconds), so the webhook and audit see 30 on every pod: 30 cannot be
# told from "not set" there, and is not reported anywhere (lint says the same as the webhook).
API_DEFAULT_S = 30


@rule(
    id="graceful-shutdown-on-windows",
    stage=Stage.IGNORED,
    severity=Severity.INFO,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="terminationGracePeriodSeconds above 5 (other than the default 30) on a pod bound for Windows nodes",
    explanation="""On Windows the container's ENTRYPOINT process is sent CTRL_SHUTDOWN_EVENT; Windows then
    waits the timeout set in the registry inside the container (5 seconds by default) and shuts down
    all processes the normal Windows way. A longer terminationGracePeriodSeconds therefore does not
    give the application more time to stop unless the image raises that registry value
    (WaitToKillServiceTimeout) when it is built. Console applications need a control handler and
    services a Service Control Handler to react at all. The API server's default of 30 is not reported:
    every pod has it once defaulted, so it says nothing about what the author expects.""",
    fix="""Raise WaitToKillServiceTimeout in the image (e.g. reg add
    HKLM\\SYSTEM\\CurrentControlSet\\Control /v WaitToKillServiceTimeout /t REG_SZ /d 30000 /f in the
    Dockerfile) to match terminationGracePeriodSeconds, and handle CTRL_SHUTDOWN_EVENT in the entrypoint.""",
    source=f"{INTRO} (terminationGracePeriodSeconds; Signals); moby/moby#25982 (issuecomment-426441183)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      terminationGracePeriodSeconds: 60
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    # HostProcess containers are host processes in a job object, not a container OS with its own registry.
    if not windows_bound(ctx) or host_process(ctx):
        return
    grace = ctx.view.spec.get("terminationGracePeriodSeconds")
    if isinstance(grace, int) and not isinstance(grace, bool) and grace > IN_IMAGE_DEFAULT_S \
            and grace != API_DEFAULT_S:
        yield Hit(ctx.view.path("terminationGracePeriodSeconds"),
                  f"terminationGracePeriodSeconds is {grace}, but inside a Windows container processes are "
                  f"killed {IN_IMAGE_DEFAULT_S} s after CTRL_SHUTDOWN_EVENT unless the image raises WaitToKillServiceTimeout")
