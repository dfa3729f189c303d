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
        out.write(_wrap("code:", f"{c.written} = {c.hex} {c.name} ({c.kind}{via}): {c.text}"
                        + (f" — usually: {c.hint}" if c.hint else "")) + "\n")
    if d.confidence in ("none", "low"):
        out.write("  collect next:\n")
        for step, source in collect_steps(d)[:5]:
            out.write(textwrap.fill(f"- {step} ({source})", width=100, initial_indent="    ",
                                    subsequent_indent="      ", break_long_words=False, break_on_hyphens=False) + "\n")
