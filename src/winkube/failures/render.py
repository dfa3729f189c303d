"""Text for `winkube explain`: the ranked causes with the words and facts that decided, the
decoded Windows codes, and — when nothing is recognised surely — what to collect next."""
from __future__ import annotations

import textwrap
from typing import TextIO

__all__ = ["render", "collect_steps"]

_PHASE_LAYERS = {"pull": "image", "sandbox": "sandbox", "create": "hcs", "start": "hcs", "exec": "hcs",
                 "network": "cni", "mount": "storage"}


def _wrap(label: str, text: str, width: int = 100) -> str:
    return textwrap.fill(text, width=width, initial_indent=f"  {label:<12}", subsequent_indent=" " * 14,
                         break_long_words=False, break_on_hyphens=False)


def collect_steps(d) -> list[tuple[str, str]]:
    """(step, source) for the layers the diagnosis points at, then the general ones."""
    from ..knowledge import load
    data = load("failure_collect")
    layers: list[str] = []
    if d.top is not None:
        layers.append(d.top.entry.layer)
    layers += [_PHASE_LAYERS[p] for p in sorted(d.unwrapped.phases) if p in _PHASE_LAYERS]
    if d.codes and any(c.kind == "ntstatus" for c in d.codes):
        layers.append("exit")
    out: list[tuple[str, str]] = []
    for layer in dict.fromkeys(layers):
        out += [(s["step"], s["source"]) for s in data["layers"].get(layer) or ()]
    out += [(s["step"], s["source"]) for s in data["general"]]
    return out


def render(d, out: TextIO, *, limit: int = 3) -> None:
    if d.unwrapped.peeled:
        out.write(f"read as: {'; '.join(d.unwrapped.peeled)}\n")
    if d.candidates:
        top = d.candidates[0]
        e = top.entry
        out.write(f"{e.id}  {e.title}  [stage: {e.stage.value} · layer: {e.layer} · confidence: {d.confidence}]\n")
        out.write(_wrap("decided by:", "; ".join(top.because)) + "\n")
        if d.confidence_reason:
            out.write(_wrap(f"{d.confidence}:", d.confidence_reason) + "\n")
        out.write(_wrap("cause:", e.cause) + "\n")
        out.write(_wrap("fix:", e.fix) + "\n")
        out.write(_wrap("source:", e.source) + "\n")
        others = [m for m in d.candidates[1:limit] if m.entry.diagnosis != e.diagnosis]
        for m in others:
            out.write(_wrap("or:", f"{m.entry.id} {m.entry.title} — {m.entry.cause}") + "\n")
    else:
        out.write("no catalogue entry matches this message\n")
    for c in d.codes:
        via = f", {c.via}" if c.via else ""
        written = "" if c.written.lower() == c.hex.lower() else f"{c.written} = "
        out.write(_wrap("code:", f"{written}{c.hex} {c.name} ({c.kind}{via}): {c.text}"
                        + (f" — usually: {c.hint}" if c.hint else "")) + "\n")
    if d.confidence in ("none", "low"):
        out.write("  collect next:\n")
        for step, source in collect_steps(d)[:5]:
            out.write(textwrap.fill(f"- {step} ({source})", width=100, initial_indent="    ",
                                    subsequent_indent="      ", break_long_words=False, break_on_hyphens=False) + "\n")


def to_dict(d) -> dict:
    """The diagnosis as JSON (winkube explain -o json)."""
    return {
        "readAs": list(d.unwrapped.peeled),
        "confidence": d.confidence,
        "confidenceReason": d.confidence_reason,
        "candidates": [{"id": m.entry.id, "title": m.entry.title, "layer": m.entry.layer, "diagnosis": m.entry.diagnosis,
                        "stage": m.entry.stage.value, "score": m.score, "decidedBy": list(m.because),
                        "cause": m.entry.cause, "fix": m.entry.fix, "source": m.entry.source} for m in d.candidates],
        "codes": [{"written": c.written, "value": c.hex, "name": c.name, "kind": c.kind, "text": c.text,
                   "hint": c.hint, "via": c.via, "source": c.source} for c in d.codes],
        "collectNext": [{"step": s, "source": src} for s, src in collect_steps(d)] if d.confidence in ("none", "low") else [],
    }


def render_facts(f, out: TextIO) -> None:
    """What the context said (for explain --pod)."""
    parts = []
    if f.pod:
        parts.append(f"pod {f.pod}" + (f" (meant for {f.pod_os})" if f.pod_os else ""))
    if f.node:
        parts.append(f"node {f.node}: {f.node_os or '?'}" + (f" build {f.node_build}" if f.node_build else "")
                     + (f", {f.node_runtime}" if f.node_runtime else ""))
    for i in f.images:
        parts.append(f"image {i.ref}: {i.os or 'OS unknown'}" + (f" {','.join(map(str, sorted(i.builds)))}" if i.builds else ""))
    if f.run_as_user:
        parts.append("runAsUser set")
    if f.hostprocess:
        parts.append("HostProcess")
    out.write("context: " + "; ".join(parts) + "\n")
