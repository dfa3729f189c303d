"""`winkube audit -o html`: one self-contained page — inline CSS, no scripts, no network.

A matrix of node pools (columns) × workloads (rows), each cell coloured by the worst stage that
bites there; then per-finding details, failures happening now, and explanations every cell and
finding links to (#rule-<id>, #E<n>).
"""
from __future__ import annotations

from html import escape
from typing import TextIO

from ..model.finding import Stage
from ..k8s.stages import STAGE_ORDER, STAGE_RANK
from .core import AuditResult, ref_str
from .report import summary

MAX_ROWS = 2000  # matrix rows; the rest are counted, and every finding is still listed below

# one colour per stage (and for "fine" / "cannot land"), chosen to be told apart in a screenshot
COLORS = {
    "admission": "#b71c1c", "scheduling": "#e65100", "kubelet": "#f9a825", "runtime": "#8e24aa",
    "ignored": "#1e88e5", "practice": "#78909c", "ok": "#2e7d32", "none": "#e0e0e0",
}
LETTER = {"admission": "A", "scheduling": "S", "kubelet": "K", "runtime": "R", "ignored": "I", "practice": "P"}
MEANING = {
    "admission": "the API server rejects it", "scheduling": "lands on the wrong nodes, or on none",
    "kubelet": "the node refuses the pod", "runtime": "the container fails to start or misbehaves",
    "ignored": "accepted, settings silently without effect on Windows", "practice": "works, but fragile",
    "ok": "lands here, nothing found", "none": "cannot land here (scheduler filters)",
}

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#212121;background:#fff}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#555} .partial{background:#fff3e0;border:2px solid #e65100;padding:8px 12px;margin:12px 0}
table.matrix{border-collapse:collapse;margin:8px 0}
table.matrix th{font-weight:600;padding:4px 8px;text-align:left;font-size:12px;vertical-align:bottom}
table.matrix th.pool{writing-mode:horizontal-tb;min-width:96px}
table.matrix td{border:2px solid #fff;padding:0}
table.matrix td.name{padding:4px 8px;white-space:nowrap;background:#fafafa;border:1px solid #eee}
td.cell a{display:block;width:96px;height:30px;line-height:30px;text-align:center;color:#fff;font-weight:700;text-decoration:none}
td.c-none a{color:#9e9e9e} td.c-kubelet a{color:#212121}
.now{outline:3px solid #000;outline-offset:-5px}
.legend span{display:inline-block;padding:2px 8px;margin:2px 4px 2px 0;color:#fff;font-size:12px}
.legend span.c-none,.legend span.c-kubelet{color:#212121}
.f{margin:6px 0 10px 0;padding-left:10px;border-left:6px solid #ccc}
.f code,.p code{background:#f5f5f5;padding:0 3px}
.sev-error{color:#b71c1c;font-weight:700} .sev-warning{color:#e65100;font-weight:700} .sev-info{color:#1565c0}
.x{margin:8px 0;padding:6px 10px;background:#fafafa;border:1px solid #eee}
small{color:#666}
"""


def _c(stage) -> str:
    return stage.value if isinstance(stage, Stage) else (stage or "ok")


def render_html(result: AuditResult, out: TextIO) -> None:
    w = out.write
    e = escape
    s = summary(result)
    css = CSS + "".join(f".c-{k}{{background:{v}}}" for k, v in COLORS.items())
    w("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      f"<title>winkube audit — {e(result.source)}</title><style>{css}</style></head><body>\n")
    server = f", Kubernetes {e(result.server_version)}" if result.server_version else ""
    w(f"<h1>winkube audit</h1><div class=\"meta\">{e(result.source)}{server} — rules of "
      f"{result.kube_version[0]}.{result.kube_version[1]}<br>"
      f"{result.counts.get('Node', 0)} nodes in {len(result.pools)} pools · {len(result.workloads)} workloads "
      f"({result.templates_checked} distinct templates) · {result.counts.get('Pod', 0)} pods · "
      f"{result.counts.get('Event', 0)} events · <b>{s['findings']}</b> findings · "
      f"<b>{s['failuresNow']}</b> failures happening now</div>\n")
    if result.partial:
        w("<div class=\"partial\" id=\"partial\"><b>Partial result — could not read:</b><ul>")
        for m in result.partial:
            w(f"<li>{e(m.kind)}: {e('missing permission: ' + m.permission if m.permission else m.reason)}</li>")
        w("</ul>Grant read access with <code>winkube audit rbac | kubectl apply -f -</code></div>\n")
    for note in result.notes:
        w(f"<p class=\"partial\">{e(note)}</p>\n")
    if result.profile.assumed:
        w("<p class=\"partial\">No Node objects were read: workloads are judged against the embedded default "
          "profile's guessed pools.</p>\n")

    # -- matrix
    pools = [p.pool for p in result.pools]
    w("<h2 id=\"matrix\">Node pools × workloads</h2><div class=\"legend\">")
    for k in [*[st.value for st in STAGE_ORDER], "ok", "none"]:
        w(f"<span class=\"c-{k}\">{LETTER.get(k, '✓' if k == 'ok' else '·')} {e(k if k != 'none' else 'cannot land')}</span>")
    w("</div><small>Each cell: the worst stage that bites when the workload's pods land on that pool; a black "
      "frame marks a failure happening now. Cells link to the details.</small>\n")
    rows = sorted(result.workloads, key=lambda x: (STAGE_RANK.get(x.worst, 99), ref_str(x.ref)))
    w("<table class=\"matrix\"><thead><tr><th>workload</th>")
    for p in pools:
        desc = f"{p.os}/{p.arch}" + (f" {p.build_label}" if p.build_label else "")
        w(f"<th class=\"pool\"><a href=\"#pool-{e(p.name)}\">{e(p.name)}</a><br><small>{e(desc)} ×{p.count}</small></th>")
    w("</tr></thead><tbody>\n")
    for wr in rows[:MAX_ROWS]:
        w(f"<tr><td class=\"name\"><a href=\"#{e(wr.anchor)}\">{e(ref_str(wr.ref))}</a></td>")
        for p in pools:
            cell = wr.cells.get(p.name)
            if cell is None:
                cls, title, letter = "ok", "", "✓"
            elif not cell.lands and cell.stage is None:
                cls, title, letter = "none", "; ".join(cell.notes) or MEANING["none"], "·"
            else:
                cls = _c(cell.stage) if cell.stage else "ok"
                letter = LETTER.get(cls, "✓")
                title = "; ".join(cell.notes) or MEANING[cls]
            now = " now" if cell is not None and cell.now else ""
            w(f"<td class=\"cell c-{cls}{now}\"><a href=\"#{e(wr.anchor)}\" title=\"{e(title)}\">{letter}</a></td>")
        w("</tr>\n")
    w("</tbody></table>\n")
    if len(rows) > MAX_ROWS:
        w(f"<p><small>{len(rows) - MAX_ROWS} more workloads are not drawn in the matrix; their findings are listed below.</small></p>\n")

    # -- pools
    w("<h2 id=\"pools\">Node pools</h2>\n")
    for p in result.pools:
        pl = p.pool
        extra = ", ".join(x for x in (pl.container_runtime, pl.kernel_version, pl.os_image, pl.kubelet_version) if x)
        w(f"<div class=\"p\" id=\"pool-{e(pl.name)}\"><b>{e(pl.describe())}</b> × {pl.count} <small>{e(extra)}</small>"
          f"<br><small>nodes: {e(', '.join(pl.node_names[:20]))}{' …' if len(pl.node_names) > 20 else ''}</small>")
        for f in p.findings:
            _finding(w, f)
        w("</div>\n")

    # -- failures now
    w("<h2 id=\"failures\">Failures happening now</h2>\n")
    if not result.failures:
        w("<p>None matched the Windows failure catalogue.</p>\n")
    for g in result.failures:
        who = ref_str(g.workload) if g.workload else g.example
        w(f"<div class=\"f\" style=\"border-color:{COLORS[g.entry_stage.value]}\"><b><a href=\"#{e(g.entry_id)}\">{e(g.entry_id)}</a> "
          f"{e(g.title)}</b> <small>[{e(g.entry_stage.value)}{(' · confidence ' + e(g.confidence)) if g.confidence else ''}]</small>"
          + (" <small>or " + ", ".join(f'<a href="#{e(x)}">{e(x)}</a>' for x in g.also) + "</small>" if g.also else "")
          + f"<br>{e(who)}"
          f"{(' on pool ' + e(g.pool)) if g.pool else ''} — {g.count} × <code>{e(g.where)}</code> "
          f"(e.g. {e(g.example)})<br><code>{e(((g.reason + ': ') if g.reason else '') + g.message)[:600]}</code>"
          + (f"<br><small>decided by: {e('; '.join(g.because))}</small>" if g.because else "")
          + (f"<br><small>codes: {e(', '.join(g.codes))}</small>" if g.codes else "")
          + f"<br><b>cause:</b> {e(g.cause)}<br><b>fix:</b> {e(g.fix)}</div>\n")

    # -- workloads
    w("<h2 id=\"workloads\">Workloads</h2>\n")
    for wr in rows:
        if not wr.findings and not wr.failures:
            continue
        w(f"<div id=\"{e(wr.anchor)}\"><h3>{e(ref_str(wr.ref))}</h3>")
        for f in wr.findings:
            _finding(w, f)
        for g in wr.failures:
            w(f"<div class=\"f\" style=\"border-color:{COLORS[g.entry_stage.value]}\">now: <a href=\"#{e(g.entry_id)}\">"
              f"{e(g.entry_id)}</a> {e(g.title)}{(' on pool ' + e(g.pool)) if g.pool else ''} — {g.count} ×</div>")
        w("</div>\n")

    # -- explanations
    from ..rules import all_rules
    rules = all_rules()
    used = sorted({f.rule for f in result.all_findings})
    w("<h2 id=\"explanations\">Explanations</h2>\n")
    for rid in used:
        r = rules.get(rid)
        if r is None:
            continue
        w(f"<div class=\"x\" id=\"rule-{e(rid)}\"><b>{e(rid)}</b> <small>[{e(r.stage.value)}, {e(r.severity.value)}]</small> — "
          f"{e(r.summary)}<br>{e(r.explanation)}<br><b>fix:</b> {e(r.fix)}<br><small>source: {e(r.source)}</small></div>\n")
    from ..failures import catalogue
    ids = {g.entry_id for g in result.failures} | {x for g in result.failures for x in g.also}
    for entry in catalogue():
        if entry.id in ids:
            w(f"<div class=\"x\" id=\"{e(entry.id)}\"><b>{e(entry.id)}</b> {e(entry.title)} <small>[{e(entry.stage.value)}]</small>"
              f"<br><b>cause:</b> {e(entry.cause)}<br><b>fix:</b> {e(entry.fix)}<br><small>source: {e(entry.source)}</small></div>\n")
    w("<p><small>generated by winkube audit</small></p></body></html>\n")


def _finding(w, f) -> None:
    e = escape
    w(f"<div class=\"f\" style=\"border-color:{COLORS[f.stage.value]}\"><span class=\"sev-{e(f.severity.value)}\">"
      f"{e(f.severity.value)}</span> {e(f.stage.value)} <a href=\"#rule-{e(f.rule)}\">{e(f.rule)}</a> "
      f"<code>{e(f.path_str)}</code><br>{e(f.message)}" + (f"<br><b>fix:</b> {e(f.fix)}" if f.fix else "") + "</div>")
