"""Where failure messages live in the API: a pod's status (reason/message, conditions, the waiting
and terminated states — current and last — of init, app and ephemeral containers, with a Windows
exit code spelled out) and Events. Used by `winkube audit` and `winkube explain --pod`."""
from __future__ import annotations

from typing import Iterator

from ..k8s.workloads import as_dict, as_list

__all__ = ["pod_messages", "event_message"]


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def pod_messages(pod: dict) -> Iterator[tuple[str, str, str]]:
    """(where, reason, message) for every place of the pod's status that carries a message. A status
    is whatever the server or a dump says: it is read tolerantly (wrong types say nothing)."""
    status = as_dict(pod.get("status"))
    if not status:
        return
    if _text(status.get("reason")) or _text(status.get("message")):
        yield "status", _text(status.get("reason")), _text(status.get("message"))
    for c in map(as_dict, as_list(status.get("conditions"))):
        if _text(c.get("message")) and c.get("status") != "True":
            yield f"conditions[{_text(c.get('type'))}]", _text(c.get("reason")), _text(c.get("message"))
    for list_name in ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"):
        for cs in map(as_dict, as_list(status.get(list_name))):
            name = _text(cs.get("name"))
            for state_name in ("state", "lastState"):
                state = as_dict(cs.get(state_name))
                for sub in ("waiting", "terminated"):
                    s = as_dict(state.get(sub))
                    if not s:
                        continue
                    msg = _text(s.get("message"))
                    code = s.get("exitCode")
                    if sub == "terminated" and isinstance(code, int) and not isinstance(code, bool) and code != 0:
                        msg = f"{msg} (exit code {code})" if msg else f"exit code {code}"
                    if msg or _text(s.get("reason")):
                        yield f"{list_name}[{name}].{state_name}.{sub}", _text(s.get("reason")), msg


def event_message(ev: dict) -> tuple[str, str, str] | None:
    reason = _text(ev.get("reason"))
    message = _text(ev.get("message")) or _text(ev.get("note"))
    return (f"Event {reason}", reason, message) if (message or reason) else None
