"""Terminal colour, one definition for every command: when to colour (`--color auto|always|never`)
and the styles. It imports nothing of winkube, so front doors in any layer (`images` lives with
the registry client) colour the same way as the reporters."""
from __future__ import annotations

import os

__all__ = ["STYLES", "paint", "use_color"]

RESET = "\x1b[0m"
STYLES = {
    "bold": "\x1b[1m",
    "dim": "\x1b[2m",
    "error": "\x1b[1;31m",
    "warning": "\x1b[1;33m",
    "info": "\x1b[1;36m",
    "caret": "\x1b[1;31m",
    "fix": "\x1b[32m",
    "ok": "\x1b[32m",
}


def use_color(choice: str, stream) -> bool:
    """--color auto|always|never: colour only on a terminal, and never with NO_COLOR or TERM=dumb."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


def paint(style: str, text: str, color: bool) -> str:
    """`text` in `style` when colouring (escape codes take no cells: tables stay aligned when
    widths are computed on the plain text first)."""
    if not color or not text:
        return text
    return f"{STYLES[style]}{text}{RESET}"
