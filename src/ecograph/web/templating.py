"""The one Jinja environment of the web app: the viewer's pages and the Linked Data, API and dump pages.

Every value from the data is escaped (there is no ``|safe`` in our templates) and an undefined
name is an error, not an empty string, so a template that asks for something its page does not
give fails in the tests instead of rendering a blank.
"""

from __future__ import annotations

import jinja2
from fastapi.templating import Jinja2Templates

from ecograph.questions.organisations import local
from ecograph.web.state import TEMPLATES_DIR


def heat(count: int, maximum: int) -> str:
    """CSS class of a heatmap cell: gap, single, or one of five shades."""
    if count <= 0:
        return "gap"
    if count == 1:
        return "single"
    if maximum <= 2:
        return "h1"
    share = (count - 1) / (maximum - 1)
    return f"h{min(5, 1 + int(share * 5))}"


def ext_url(value: object) -> str:
    """A link target from the data, only when it is an http(s) URL (no ``javascript:`` links)."""
    text = str(value or "")
    return text if text.lower().startswith(("http://", "https://")) else ""


environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
environment.filters["heat"] = heat
environment.filters["ext_url"] = ext_url
environment.filters["local"] = local

#: FastAPI's wrapper (``TemplateResponse``) over the same environment.
templates = Jinja2Templates(env=environment)
