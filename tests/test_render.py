"""The render check that stands between a plan and a PDF: it must catch a line that
re-wraps, a column that holds other lines than planned, or text below a column's foot."""

from __future__ import annotations

from pathlib import Path

import pytest

from epaper.errors import RenderError
from epaper.render import weasy

PAGE = """<html><style>@page {{ size: 300pt 300pt; margin: 0 }} body {{ margin: 0 }}
p {{ margin: 0; font-size: 10pt; line-height: 12pt }}</style><body>
<div data-col="1" style="width: {width}pt; height: {height}pt">
<p class="para line">one two three four</p><p class="para line">five six</p>
</div></body></html>"""


def rendered(tmp_path: Path, width: float = 200, height: float = 40) -> weasy.Rendered:
    return weasy.render(PAGE.format(width=width, height=height), weasy.Sandbox((tmp_path,)),
                        tmp_path)


def test_a_column_as_planned_passes(tmp_path: Path) -> None:
    weasy.check_columns(rendered(tmp_path), [2], "ok")


@pytest.mark.parametrize("planned, width, height, message", [
    ([3], 200, 40, "2 lines for 3"),  # fewer lines than planned
    ([2], 30, 80, "re-wrapped"),  # a line broke in two
    ([2], 200, 10, "bottom"),  # text below the column's foot
    ([2, 2], 200, 40, "2 columns planned, 1 set"),
])
def test_a_column_off_plan_is_an_error(tmp_path: Path, planned, width, height,
                                       message) -> None:
    with pytest.raises(RenderError) as caught:
        weasy.check_columns(rendered(tmp_path, width, height), planned, "test")
    assert message in str(caught.value)
