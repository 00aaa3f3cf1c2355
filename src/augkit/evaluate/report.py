"""Report pages: one Markdown file and one self-contained HTML page per study.

`augkit check`, `augkit sweep`, the policy search, GAN evaluation and the experiments all
write their results through :class:`Report`, so every page looks the same. The HTML page
embeds its figures (PNG as data URIs) and its stylesheet, loads nothing from the network and
runs no script, so it opens anywhere, also after the folder is moved or mailed.

>>> import tempfile, pathlib
>>> report = Report("Demo")
>>> report.paragraph("Two arms, three seeds.")
>>> report.table([{"arm": "none", "accuracy": 0.91}, {"arm": "flip", "accuracy": 0.93}])
>>> paths = report.write(pathlib.Path(tempfile.mkdtemp()))
>>> sorted(p.name for p in paths.values())
['report.html', 'report.md']
>>> "<td>flip</td>" in paths["html"].read_text()
True
"""

from __future__ import annotations

import base64
import difflib
import html
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["Report", "word_diff"]

_STYLE = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:60rem;
margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
table{border-collapse:collapse;margin:1rem 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left}th{background:#f3f5f7}
tr.flag td{background:#fff4e5}figure{margin:1rem 0}figcaption{color:#57606a;font-size:.9rem}
img{max-width:100%}pre{background:#f6f8fa;padding:.6rem;overflow:auto}
.meta{color:#57606a;font-size:.9rem}
ins{background:#dafbe1;text-decoration:none}del{background:#ffebe9;color:#82071e}
td.change{max-width:40rem}
"""
_TOKEN = re.compile(r"\w+|[^\w\s]|\s+")


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """``after`` against ``before`` as segments ``(kind, text)``, kind one of "same",
    "del" (only in before) and "ins" (only in after), compared word by word.

    >>> word_diff("a good film", "a great film")
    [('same', 'a '), ('del', 'good'), ('ins', 'great'), ('same', ' film')]
    """
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    out: list[tuple[str, str]] = []
    for op, i0, i1, j0, j1 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", "".join(a[i0:i1])))
            continue
        if i1 > i0:
            out.append(("del", "".join(a[i0:i1])))
        if j1 > j0:
            out.append(("ins", "".join(b[j0:j1])))
    return out



def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def _md_mark(kind: str, text: str) -> str:
    """~~deleted~~ / **inserted**, with the spaces kept outside the markers."""
    core = text.strip()
    if kind == "same" or not core:
        return text
    lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    return lead + ("~~{}~~" if kind == "del" else "**{}**").format(core) + trail


class Report:
    """Blocks (headings, paragraphs, tables, figures, code) written as Markdown and HTML."""

    def __init__(self, title: str, meta: str | None = None):
        self.title = title
        self.meta = meta
        self._blocks: list[tuple[str, Any]] = []

    def heading(self, text: str) -> None:
        self._blocks.append(("heading", text))

    def paragraph(self, text: str) -> None:
        self._blocks.append(("paragraph", text))

    def code(self, text: str) -> None:
        self._blocks.append(("code", text))

    def table(self, rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None,
              flag: str | None = None) -> None:
        """A table of ``rows`` (dicts); ``columns`` picks and orders them (default: the keys
        of the first row); rows whose ``flag`` column is true are highlighted."""
        if not rows:
            raise ValueError("Report.table: no rows")
        self._blocks.append(("table", (list(rows), list(columns or rows[0]), flag)))

    def changes(self, rows: Sequence[tuple[str, str, str]]) -> None:
        """Text edits, one ``(label, before, after)`` per row: deleted words struck out,
        inserted ones highlighted (Markdown: ~~deleted~~ **inserted**)."""
        if not rows:
            raise ValueError("Report.changes: no rows")
        self._blocks.append(("changes", [tuple(r) for r in rows]))

    def figure(self, path: str | Path, caption: str = "") -> None:
        path = Path(path)
        if path.suffix.lower() != ".png":
            raise ValueError(f"Report.figure: PNG files only, got {path.name!r}")
        self._blocks.append(("figure", (path, caption)))

    # -- writers --------------------------------------------------------------------------------
    def markdown(self, folder: Path) -> str:
        lines = [f"# {self.title}", ""]
        if self.meta:
            lines += [self.meta, ""]
        for kind, value in self._blocks:
            if kind == "heading":
                lines += [f"## {value}", ""]
            elif kind == "paragraph":
                lines += [value, ""]
            elif kind == "code":
                lines += ["```", value, "```", ""]
            elif kind == "changes":
                lines += ["| op | original | augmented |", "|---|---|---|"]
                for label, before, after in value:
                    shown = "".join(_md_mark(k, t) for k, t in word_diff(before, after))
                    lines.append(f"| {label} | {before} | {shown} |".replace("\n", " "))
                lines.append("")
            elif kind == "table":
                rows, columns, _ = value
                lines.append("| " + " | ".join(columns) + " |")
                lines.append("|" + "---|" * len(columns))
                lines += ["| " + " | ".join(_cell(r.get(c)).replace("|", "\\|")
                                            for c in columns) + " |" for r in rows]
                lines.append("")
            else:
                path, caption = value
                link = Path(os.path.relpath(path.resolve(), folder.resolve())).as_posix()
                lines += [f"![{caption}]({link})", ""]
        return "\n".join(lines)

    def html(self) -> str:
        esc = html.escape
        parts = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
                 '<meta name="viewport" content="width=device-width, initial-scale=1">',
                 # nothing may load from elsewhere: the page is complete on its own
                 '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
                 'img-src data:; style-src \'unsafe-inline\'">',
                 f"<title>{esc(self.title)}</title><style>{_STYLE}</style></head><body>",
                 f"<h1>{esc(self.title)}</h1>"]
        if self.meta:
            parts.append(f'<p class="meta">{esc(self.meta)}</p>')
        for kind, value in self._blocks:
            if kind == "heading":
                parts.append(f"<h2>{esc(value)}</h2>")
            elif kind == "paragraph":
                parts.append(f"<p>{esc(value)}</p>")
            elif kind == "code":
                parts.append(f"<pre>{esc(value)}</pre>")
            elif kind == "changes":
                parts.append('<table class="changes"><thead><tr><th>op</th><th>original</th>'
                             "<th>augmented</th></tr></thead><tbody>")
                for label, before, after in value:
                    shown = "".join(esc(t) if k == "same" else f"<{k}>{esc(t)}</{k}>"
                                    for k, t in word_diff(before, after))
                    parts.append(f"<tr><td>{esc(label)}</td><td class=\"change\">{esc(before)}"
                                 f"</td><td class=\"change\">{shown}</td></tr>")
                parts.append("</tbody></table>")
            elif kind == "table":
                rows, columns, flag = value
                parts.append("<table><thead><tr>" + "".join(f"<th>{esc(c)}</th>"
                                                            for c in columns)
                             + "</tr></thead><tbody>")
                for r in rows:
                    css = ' class="flag"' if flag and r.get(flag) else ""
                    parts.append(f"<tr{css}>" + "".join(f"<td>{esc(_cell(r.get(c)))}</td>"
                                                       for c in columns) + "</tr>")
                parts.append("</tbody></table>")
            else:
                path, caption = value
                data = base64.b64encode(path.read_bytes()).decode("ascii")
                parts.append(f'<figure><img alt="{esc(caption)}" '
                             f'src="data:image/png;base64,{data}">'
                             f"<figcaption>{esc(caption)}</figcaption></figure>")
        parts.append("</body></html>")
        return "\n".join(parts)

    def write(self, folder: str | Path, name: str = "report") -> dict[str, Path]:
        """Write ``name.md`` and ``name.html`` into ``folder`` (created if needed)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        md, page = folder / f"{name}.md", folder / f"{name}.html"
        md.write_text(self.markdown(folder), encoding="utf-8")
        page.write_text(self.html(), encoding="utf-8")
        return {"markdown": md, "html": page}
