"""Read a pasted failure message the way an engineer does: peel off what the layers above added
(klog headers, `kubectl describe` event columns, "combined from similar events", rpc errors,
doubled JSON escapes, "extra info" JSON, ": unknown") and note what they said on the way (event
reason, rpc code, which phase failed, the images and the user involved).

    >>> u = unwrap('Warning  Failed  5s  kubelet  Failed to pull image "a:1": rpc error: code = NotFound '
    ...            'desc = failed to pull and unpack image "a:1": no match for platform in manifest: not found')
    >>> u.reason, u.rpc_code, sorted(u.phases), u.images
    ('Failed', 'NotFound', ['pull'], ('a:1',))
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

__all__ = ["Unwrapped", "unwrap", "LIMIT"]

LIMIT = 64 * 1024  # characters of a message that are read (Kubernetes caps termination messages at 4 KiB)

_KLOG = re.compile(r"(?m)^[ \t>*]*[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+\s+[\w.-]+:\d+\]\s?")
_LOGFMT_TIME = re.compile(r'(?m)\btime="[^"]*"\s+level=\w+\s+msg=')
_EVENT = re.compile(r"(?m)^[ \t>*-]*(?:Warning|Normal)\s+([A-Z][A-Za-z]+)\s+"
                    r"(?:[\w<>.]+(?:\s+\(x\d+ over [\w.]+\))?\s+)?(?:[\w.-]+(?:, [\w.-]+)?\s{2,}|kubelet\s+)")
_COMBINED = re.compile(r"\(combined from similar events\):\s*")
_RPC = re.compile(r"rpc error: code = (\w+) desc = ")
_EXTRA = re.compile(r"\(?\s*extra info:\s*(\{.*)", re.S)
_IMAGE = re.compile(r'(?:image|sandbox image|pull and unpack image|resolve reference|Pulling image)\s+\\*"([^"\\\s]+)\\*"', re.I)
_SANDBOX_IMAGE = re.compile(r'sandbox image \\*"([^"\\\s]+)', re.I)

_PHASES = (
    ("sandbox", re.compile(r"sandbox|RunPodSandbox|pod infra|infra container", re.I)),
    ("pull", re.compile(r"pull(?:ing)? image|ErrImagePull|ImagePullBackOff|failed to pull|PullImage|\bpull\b|unpack", re.I)),
    ("network", re.compile(r"network|\bcni\b|\bhns|\bhcn|endpoint", re.I)),
    ("mount", re.compile(r"mount|volume|\bsmb|csi", re.I)),
    ("exec", re.compile(r"\bexec\b", re.I)),
    ("create", re.compile(r"CreateContainer|create containerd container|failed to create containerd task|CreateComputeSystem|create shim", re.I)),
    ("start", re.compile(r"StartContainer|start containerd task|CreateProcess|StartError|RunContainerError", re.I)),
)


@dataclass(frozen=True, slots=True)
class Unwrapped:
    text: str  # the message with the wrappers peeled and whitespace collapsed
    raw: str
    reason: str = ""  # event reason ("FailedCreatePodSandBox") when the paste had the event columns
    rpc_code: str = ""  # the innermost gRPC code ("NotFound", "Unknown")
    phases: frozenset[str] = frozenset()
    images: tuple[str, ...] = ()
    sandbox_image: str = ""
    extra: dict = field(default_factory=dict)  # from hcsshim's "extra info" JSON: CommandLine, User, ...
    peeled: tuple[str, ...] = ()  # what was removed, for people ("event Warning Failed", "rpc NotFound")
    extra_text: str = ""  # that JSON as written (unescaped), for entries that read the process it describes


def _unescape(s: str) -> str:
    # messages pasted from JSON/logs carry one or two levels of escaping: \\\" → \" → "
    for _ in range(3):
        t = s.replace('\\\\"', '"').replace('\\"', '"').replace("\\\\\\\\", "\\\\")
        if t == s:
            break
        s = t
    return s.replace("\\r\\n", " ").replace("\\n", " ").replace("\\t", " ")


def _extra_blob(s: str) -> str:
    m = _EXTRA.search(s)
    if not m:
        return ""
    blob = m.group(1)
    depth = 0
    for i, ch in enumerate(blob):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            return blob[:i + 1]
    return blob


def _extra(s: str) -> dict:
    blob = _extra_blob(s)
    if not blob:
        return {}
    try:
        data = json.loads(blob)
    except ValueError:
        data = {}
        for key in ("CommandLine", "User", "ApplicationName", "WorkingDirectory"):
            km = re.search(rf'"{key}"\s*:\s*"((?:[^"\\]|\\.)*)"', blob)
            if km:
                data[key] = km.group(1)
    return {k: v for k, v in data.items() if k in ("CommandLine", "User", "ApplicationName", "WorkingDirectory")} \
        if isinstance(data, dict) else {}


def unwrap(message: str) -> Unwrapped:
    raw = message or ""
    peeled: list[str] = []
    if len(raw) > LIMIT:  # a pasted log can be long; time is bounded by reading its start only
        raw = raw[:LIMIT]
        peeled.append(f"the first {LIMIT // 1024} KiB")
    s = raw
    reason = ""
    m = _EVENT.search(s)
    if m:
        reason = m.group(1)
        peeled.append(f"event {reason}")
        s = _EVENT.sub("", s)
    if _KLOG.search(s):
        s = _KLOG.sub("", s)
        peeled.append("klog header")
    if _LOGFMT_TIME.search(s):
        s = _LOGFMT_TIME.sub("", s)
        peeled.append("logfmt header")
    if _COMBINED.search(s):
        s = _COMBINED.sub("", s)
    s = _unescape(s)
    extra = _extra(s)
    extra_text = " ".join(_extra_blob(s)[:2000].split())
    codes = _RPC.findall(s)
    rpc = codes[-1] if codes else ""
    if codes:
        s = _RPC.sub("", s)
        peeled.append(f"rpc {rpc}")
    s = re.sub(r"\(?\s*extra info:\s*\{.*", " ", s, flags=re.S) if extra or "extra info" in s else s
    s = re.sub(r":\s*unknown\b", "", s)
    text = " ".join(s.split())
    images = tuple(dict.fromkeys(_IMAGE.findall(raw.replace('\\"', '"'))))
    sm = _SANDBOX_IMAGE.search(raw)
    phases = frozenset(name for name, rx in _PHASES if rx.search(text) or (reason and rx.search(reason)))
    return Unwrapped(text, raw, reason, rpc, phases, images, sm.group(1) if sm else "", extra, tuple(peeled),
                     extra_text)
