"""The geometry of the report's bar charts (pure: no database)."""

import pytest

from tickets.reports.charts import HEIGHT, Group, bar_chart, nice_top


def test_heights_are_proportional_to_the_values():
    chart = bar_chart([Group("a", [10]), Group("b", [5]), Group("c", [2.5])])
    heights = [bar.height for bar in chart.bars]
    plot = chart.plot_bottom - chart.plot_top
    assert heights == [plot, plot / 2, plot / 4]
    # Bars stand on the axis: their bottom is the plot's bottom.
    assert all(bar.y + bar.height == pytest.approx(chart.plot_bottom) for bar in chart.bars)
    assert [label.text for label in chart.labels] == ["a", "b", "c"]
    assert [bar.label for bar in chart.bars] == ["10", "5", "2.5"]


def test_a_fixed_top_scales_percentages():
    chart = bar_chart([Group("w1", [100, 50])], series=2, top=100, ticks=4)
    full, half = chart.bars
    assert full.height == pytest.approx(2 * half.height)
    assert full.y == chart.plot_top
    assert [tick.text for tick in chart.ticks] == ["0", "25", "50", "75", "100"]


def test_zero_draws_no_height_and_missing_draws_no_bar():
    chart = bar_chart([Group("zero", [0, None]), Group("none", [None, None])], series=2)
    assert len(chart.bars) == 1
    (bar,) = chart.bars
    assert bar.height == 0 and bar.y == chart.plot_bottom
    assert chart.is_empty
    # Nothing at all: no division by zero, an axis from 0 to 1.
    empty = bar_chart([])
    assert empty.bars == [] and [t.text for t in empty.ticks] == ["0", "1"]


def test_series_sit_side_by_side_inside_their_group():
    chart = bar_chart([Group("P1", [3, 4], titles=["P1 FR", "P1 RES"]), Group("P2", [1, 2])],
                      series=2)  # fmt: skip
    first, second, third, _fourth = chart.bars
    assert second.x == pytest.approx(first.x + first.width)
    assert third.x > second.x + second.width  # a gap between groups
    assert [first.series, second.series] == [0, 1]
    assert [first.label, second.label, third.label] == ["P1 FR", "P1 RES", "1"]
    assert chart.labels[0].x == pytest.approx(first.x + first.width)


def test_the_axis_rounds_up_to_whole_steps():
    assert [nice_top(v) for v in (0, 1, 3, 7, 12, 40, 99, 101)] == [1, 1, 5, 10, 20, 50, 100, 200]
    chart = bar_chart([Group("a", [7])])
    assert [tick.text for tick in chart.ticks] == ["0", "2", "4", "6", "8", "10"]
    assert chart.height == HEIGHT


def test_crowded_axes_name_every_nth_group():
    chart = bar_chart([Group(f"w{i}", [i]) for i in range(53)], max_labels=14)
    shown = [label.text for label in chart.labels if label.shown]
    assert shown[:3] == ["w0", "w4", "w8"] and len(shown) <= 14
    assert len(chart.bars) == 53
