"""What a downloaded table or figure says about itself: title, parameters, region, build, licence, sources.

A figure pasted into a report or a spreadsheet mailed around must still say where it came from, so
every export carries the same lines (inside an SVG/PNG figure, on the second sheet of an XLSX).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from ecograph.model.sources import SOURCES
from ecograph.web.state import get_state
from ecograph.web.viewer.i18n import translate

LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"


@dataclass(frozen=True)
class About:
    title: str
    region: str
    generation: str
    built: str  # ISO timestamp of the build
    url: str  # the permalink (names the build)
    parameters: tuple[tuple[str, str], ...] = ()
    sources: tuple[str, ...] = field(default_factory=tuple)  # "title (publisher, licence)"

    @property
    def built_date(self) -> str:
        return self.built[:10]

    def credit(self, lang: str) -> list[str]:
        """The source lines at the foot of a figure."""
        return [f"{self.region + ' · ' if self.region else ''}{translate('rep.build', lang)} {self.generation} "
                f"({self.built_date}) · {translate('rep.licence', lang)} CC BY 4.0",
                f"{translate('rep.source', lang)}: ecograph — {self.url}"]

    def lines(self, lang: str) -> list[tuple[str, str]]:
        """The second sheet of an XLSX: one (label, value) per line."""
        out = [(translate("rep.what", lang), self.title)]
        out += [(f"{translate('rep.param', lang)} {name}", value) for name, value in self.parameters]
        out += [(translate("rep.region", lang), self.region or "—"),
                (translate("rep.build", lang).capitalize(), f"{self.generation} ({self.built})"),
                (translate("rep.licence", lang).capitalize(), LICENCE),
                (translate("rep.permalink", lang), self.url)]
        out += [(translate("rep.sources", lang), s) for s in self.sources]
        return out


def about_for(request: Request, title: str, region: str = "",
              parameters: Sequence[tuple[str, str]] = ()) -> About:
    """The About of an export made now from the published graph (raises StoreNotBuilt)."""
    stats = get_state(request).stats()
    published = {g.rsplit("/", 1)[-1] for g in stats.triples}
    sources = tuple(f"{s.title} ({s.publisher}, {s.licence_label})" for s in SOURCES if s.name in published)
    return About(title, region, stats.generation, stats.built, permalink(request, stats.generation),
                 tuple(parameters), sources)


def permalink(request: Request, generation: str, path: str | None = None) -> str:
    """This address (or ``path`` with this query) with ``build=<generation>``, absolute."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in ("build", "lang")]
    items.append(("build", generation))
    base = str(request.base_url).rstrip("/")
    return f"{base}{path or request.url.path}?{urlencode(items)}"


def xlsx(header: Sequence[str], rows: Sequence[Sequence[Any]], about: About, lang: str) -> bytes:
    """A workbook: the table on the first sheet, what it is on the second."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = translate("rep.sheet.data", lang)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text from the data, never a formula
    sheet.freeze_panes = "A2"
    info = book.create_sheet(translate("rep.sheet.about", lang))
    for label, value in about.lines(lang):
        info.append([label, value])
    for cell in info["A"]:
        cell.font = Font(bold=True)
    info.column_dimensions["A"].width = 22
    info.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    """A spreadsheet value: numbers stay numbers, the rest is text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return value if isinstance(value, (int, float)) else str(value)
