"""HTML mail to plain text with the standard library's HTMLParser.

Block elements end lines, table cells of one row are joined with ': ' when
the row has two cells (a label and its value, the usual layout), else with
' | '; scripts, styles and the head are dropped; entities (&nbsp;) become
their characters (a no-break space is then a plain space).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre", "hr",
          "ul", "ol", "dl", "dt", "dd", "section", "article", "header", "footer"}
_SKIP = {"script", "style", "head", "title"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.quote_depth = 0

    def _flush(self) -> None:
        text = re.sub(r"[ \t\u00a0]+", " ", "".join(self.current)).strip()
        if text:
            self.lines.append(("> " * self.quote_depth) + text)
        self.current = []

    def _target(self) -> list[str]:
        return self.cell if self.cell is not None else self.current

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip_depth += 1
            return
        if tag == "tr":
            self._flush()
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "br":
            if self.cell is not None:
                self.cell.append("\n")
            else:
                self._flush()
        elif tag == "blockquote":
            self._flush()
            self.quote_depth += 1
        elif tag in _BLOCK and self.cell is None:
            self._flush()

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag in ("td", "th") and self.cell is not None:
            if self.row is not None:
                self.row.append("".join(self.cell))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self._emit_row(self.row)
            self.row = None
        elif tag == "blockquote":
            self._flush()
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag in _BLOCK and self.cell is None:
            self._flush()

    def _emit_row(self, cells: list[str]) -> None:
        cells = [re.sub(r"[ \t\u00a0]+", " ", c).strip() for c in cells]
        cells = [c for c in cells if c]
        if not cells:
            return
        if len(cells) == 2 and "\n" not in cells[0]:
            label, value = cells
            label = label.rstrip(":")
            parts = [v.strip() for v in value.split("\n") if v.strip()]
            self.current.append(f"{label}: " + (parts[0] if parts else ""))
            self._flush()
            for extra in parts[1:]:
                self.lines.append(" " * (len(label) + 2) + extra)
            return
        for cell in cells:
            for piece in cell.split("\n"):
                self.current.append(piece)
                self._flush()

    def handle_data(self, data):
        if self.skip_depth:
            return
        self._target().append(data)


def html_to_text(html: str) -> str:
    parser = _TextCollector()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # malformed markup: keep what was read
        pass
    parser._flush()
    return "\n".join(parser.lines)
