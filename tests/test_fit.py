"""Copyfitting arithmetic on synthetic galleys: order, floats, widows, orphans, overset."""

from __future__ import annotations

from epaper.layout.fit import FitRules, fit_columns
from epaper.layout.galley import Box, Galley, Line

P = 10.0  # line pitch


def para(block: int, n: int) -> list[Line]:
    return [Line(block, k, k + 1, P, first=k == 0, last=k == n - 1) for k in range(n)]


def test_text_fills_columns_in_order() -> None:
    g = Galley(tuple(para(0, 7)), P)
    fit = fit_columns(g, [30, 30, 30], FitRules(1, 1))
    assert fit.columns == ((0, 1, 2), (3, 4, 5), (6,))
    assert fit.fits


def test_overset_is_what_does_not_fit() -> None:
    g = Galley(tuple(para(0, 10)), P)
    fit = fit_columns(g, [30, 30], FitRules(1, 1))
    assert fit.overset == (6, 7, 8, 9)


def test_orphan_moves_to_next_column() -> None:
    g = Galley(tuple(para(0, 2) + para(1, 4)), P)
    fit = fit_columns(g, [30, 50], FitRules(widows=2, orphans=2))
    # paragraph 1's first line would be alone at the foot of column 1
    assert fit.columns == ((0, 1), (2, 3, 4, 5))


def test_widow_pulls_a_line_over() -> None:
    g = Galley(tuple(para(0, 4)), P)
    fit = fit_columns(g, [30, 30], FitRules(widows=2, orphans=2))
    # 3 + 1 would leave the last line alone: 2 + 2
    assert fit.columns == ((0, 1), (2, 3))


def test_photo_floats_to_next_column_while_text_goes_on() -> None:
    items = para(0, 2) + [Box(1, 30, 28, floats=True)] + para(2, 3)
    g = Galley(tuple(items), P)
    fit = fit_columns(g, [40, 40], FitRules(1, 1))
    assert fit.columns == ((0, 1, 3, 4), (2, 5))


def test_subhead_keeps_lines_with_it() -> None:
    items = para(0, 3) + [Box(1, 10, 9, floats=False, keep_lines=2)] + para(2, 4)
    g = Galley(tuple(items), P)
    fit = fit_columns(g, [50, 60], FitRules(1, 1))
    assert fit.columns[0] == (0, 1, 2)  # the subhead would have had one line under it
    assert fit.columns[1][0] == 3


def test_a_jump_never_splits_a_hyphenated_word() -> None:
    from epaper.layout.fit import cut_for_jump

    lines = [Line(0, k, k + 1, P, hyphen=(k == 4), first=k == 0, last=k == 9)
             for k in range(10)]
    g = Galley(tuple(lines), P)
    fit = fit_columns(g, [50], FitRules(1, 1))  # lines 0-4 fit; line 4 ends "compli-"
    assert fit.columns == ((0, 1, 2, 3, 4),)
    cut = cut_for_jump(fit, g, min_jump_lines=1, orphans=1)
    assert cut.columns == ((0, 1, 2, 3),)
    assert cut.overset[0] == 4


def test_a_jump_carries_at_least_the_minimum_lines() -> None:
    from epaper.layout.fit import cut_for_jump

    g = Galley(tuple(para(0, 10)), P)
    fit = fit_columns(g, [90], FitRules(1, 1))  # 9 lines set, 1 would jump
    cut = cut_for_jump(fit, g, min_jump_lines=4, orphans=1)
    assert len(cut.overset) == 4 and cut.columns == ((0, 1, 2, 3, 4, 5),)


def test_a_float_waiting_at_the_end_of_the_text_takes_the_next_column() -> None:
    items = para(0, 8) + [Box(1, 50, 48, floats=True)] + para(2, 1)
    fit = fit_columns(Galley(tuple(items), P), [100, 100], FitRules(1, 1))
    assert fit.fits and fit.columns[1] == (8,)


def test_a_box_taller_than_any_column_is_overset_and_the_text_goes_on() -> None:
    items = para(0, 2) + [Box(1, 500, 500, floats=False)] + para(2, 3)
    fit = fit_columns(Galley(tuple(items), P), [40, 40], FitRules(1, 1))
    assert fit.overset == (2,)
    assert [i for col in fit.columns for i in col] == [0, 1, 3, 4, 5]
