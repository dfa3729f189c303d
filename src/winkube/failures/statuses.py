"""Where failure messages live in the API: a pod's status (reason/message, conditions, the waiting
and terminated states — current and last — of init, app and ephemeral containers, with a Windows
exit code spelled out) and Events. Used by `winkube audit` and `winkube explain --pod`."""
from __future__ import annotations

from typing import Iterator

__all__ = ["pod_messages", "event_message"]


def pod_messages(pod: dict) -> Iterator[tuple[str, str, str]]:
    """(where, reason, message) for every place of the pod's status that carries a message."""
    status = pod.get("status")
    if not status:
        return
    if status.get("reason") or status.get("message"):
        yield "status", status.get("reason") or "", status.get("message") or ""
    for c in status.get("conditions") or ():
        if c.get("message") and c.get("status") != "True":
            yield f"conditions[{c.get('type')}]", c.get("reason") or "", c["message"]
    for list_name in ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"):
        for cs in status.get(list_name) or ():
            name = cs.get("name")
            for state_name in ("state", "lastState"):
                state = cs.get(state_name) or {}
                for sub in ("waiting", "terminated"):
                    s = state.get(sub)
                    if not s:
                        continue
                    msg = s.get("message") or ""
                    code = s.get("exitCode")
                    if sub == "terminated" and code not in (None, 0):
                        msg = f"{msg} (exit code {code})" if msg else f"exit code {code}"
                    if msg or s.get("reason"):
                        yield f"{list_name}[{name}].{state_name}.{sub}", s.get("reason") or "", msg


def event_message(ev: dict) -> tuple[str, str, str] | None:
    reason = ev.get("reason") or ""
    message = ev.get("message") or ev.get("note") or ""
    return (f"Event {reason}", reason, message) if (message or reason) else None
