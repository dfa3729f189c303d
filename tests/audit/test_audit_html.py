"""`winkube audit -o html` rendered in a real headless Chromium (Debian's `chromium`, installed by
`make browser`): the page is self-contained and the pools × workloads matrix is really drawn."""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from winkube.audit.html import COLORS
from winkube.cli import main

from pngread import colour_counts
from scenario import NS, build


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("headless Chromium is required for the HTML report test and was not found: run `make browser` "
                "(apt-get install chromium)", pytrace=False)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


def _near(counts: dict, rgb: tuple[int, int, int], tol: int = 6) -> int:
    return sum(n for px, n in counts.items() if all(abs(a - b) <= tol for a, b in zip(px, rgb)))


@pytest.fixture(scope="module")
def html_report(kube, register_node, namespace, control_plane, tmp_path_factory) -> Path:
    build(kube, register_node, namespace)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["audit", "--kubeconfig", str(control_plane.kubeconfig), "-n", NS, "-o", "html"])
    assert code == 1
    path = tmp_path_factory.mktemp("html") / "audit.html"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_html_is_self_contained_with_anchors(html_report):
    text = html_report.read_text()
    assert text.startswith("<!DOCTYPE html>") and "<style>" in text
    for needle in ("<script", "<link", "src=", "url(", "@import", "http://", "https://"):
        assert needle not in text.lower() or needle in ("http://", "https://") and _only_in_text(text, needle), needle
    assert 'id="matrix"' in text and 'class="matrix"' in text
    assert 'href="#rule-daemonset-on-windows-nodes"' in text and 'id="rule-daemonset-on-windows-nodes"' in text
    assert 'href="#E10"' in text and 'id="E10"' in text
    assert 'id="w-Deployment-winkube-audit-web"' in text and 'href="#w-Deployment-winkube-audit-web"' in text
    assert "cell c-runtime now" in text  # web fails now on the 2022 pool


def _only_in_text(text: str, needle: str) -> bool:
    """URLs may appear as text (the server address), never as a resource to load."""
    import re
    return not re.search(r"(src|href)\s*=\s*[\"']?" + re.escape(needle), text, re.I)


def test_html_renders_in_headless_chromium(html_report, tmp_path):
    chromium = _chromium()
    png = tmp_path / "audit.png"
    profile = tempfile.mkdtemp(prefix="winkube-chromium-")
    try:
        proc = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
             f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1400,900",
             html_report.as_uri()],
            capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": profile})
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert png.is_file(), f"chromium wrote no screenshot (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
    data = png.read_bytes()
    assert len(data) > 20_000, f"screenshot suspiciously small: {len(data)} bytes"
    width, height, counts = colour_counts(data)
    assert (width, height) == (1400, 900)
    assert len(counts) > 50  # text, not a blank page
    # the matrix cells, each 96×30 CSS px: runtime (web on 2022/2025), scheduling (the Linux DaemonSet on
    # the Windows pools, the Windows pod bound to Linux), fine, and cannot-land cells are all drawn
    for stage in ("runtime", "scheduling", "ok", "none"):
        n = _near(counts, _rgb(COLORS[stage]))
        assert n > 1500, f"{stage} cells ({COLORS[stage]}) not visible in the screenshot: {n} pixels"
