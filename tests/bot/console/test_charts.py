"""The dashboard's SVG charts: well-formed, labelled, to scale, escaped, and honest when empty."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bot.console import charts
from bot.console.charts import Series

NS = {"svg": charts.SVG_NS}
DAYS = ["Mar 9", "Mar 10", "Mar 11", "Mar 12"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything that is not well-formed XML


def bars(root: ET.Element):
    return [r for r in root.iter(f"{{{charts.SVG_NS}}}rect") if r.get("class") == "bar"]


def texts(root: ET.Element):
    return [t.text for t in root.iter(f"{{{charts.SVG_NS}}}text")]


def assert_labelled(root: ET.Element, chart_id: str, title: str):
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title"
    assert root.get("aria-describedby") == f"{chart_id}-desc"
    title_el = root.find("svg:title", NS)
    assert title_el is not None and title_el.get("id") == f"{chart_id}-title" and title_el.text == title
    assert root.find("svg:desc", NS).get("id") == f"{chart_id}-desc"


def assert_no_style(svg: str):
    # The console's CSP blocks style attributes and inline style elements.
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg


@pytest.mark.parametrize(
    "maximum, top, step",
    [
        (0, 1, 1),
        (1, 1, 1),
        (3, 3, 1),
        (4, 4, 1),
        (7, 8, 2),
        (10, 10, 5),
        (23, 30, 10),
        (100, 100, 50),
        (101, 150, 50),
        (0.4, 1, 1),
    ],
)
def test_nice_scale(maximum, top, step):
    assert charts.nice_scale(maximum) == (top, step)
    assert top >= maximum


@pytest.mark.parametrize("count, every", [(1, 1), (7, 1), (8, 1), (9, 2), (30, 4), (365, 46)])
def test_label_every(count, every):
    assert charts.label_every(count) == every
    assert -(-count // every) <= charts.MAX_X_LABELS


@pytest.mark.parametrize(
    "values, drawn",
    [
        ([1, 2, 0, 4], 3),
        ([5, 5, 5, 5], 4),
        ([0, 0, 0, 1], 1),
    ],
)
def test_bar_chart_draws_a_bar_per_nonzero_value_to_scale(values, drawn):
    svg = charts.bar_chart("conv", "Conversations per day", DAYS, values, y_label="conversations")
    root = parse(svg)
    assert_labelled(root, "conv", "Conversations per day")
    assert_no_style(svg)
    found = bars(root)
    assert len(found) == drawn
    ratios = {round(float(b.get("height")) / float(b.get("data-value")), 1) for b in found}
    assert len(ratios) == 1  # heights proportional to the values
    base = charts.HEIGHT - charts.BOTTOM
    assert all(abs(float(b.get("y")) + float(b.get("height")) - base) < 0.2 for b in found)
    tallest = max(found, key=lambda b: float(b.get("height")))
    assert float(tallest.get("data-value")) == max(values)


def test_bar_chart_axis_and_summary():
    root = parse(charts.bar_chart("c", "Conversations per day", DAYS, [1, 2, 0, 7], y_label="conversations"))
    labels = texts(root)
    assert "conversations" in labels
    assert {"0", "2", "4", "6", "8"} <= set(labels)  # the y axis up to the next nice number
    assert set(DAYS) <= set(labels)
    assert root.find("svg:desc", NS).text == "10 in all; the most, 7, on Mar 12."


def test_many_days_name_at_most_eight_and_always_the_last():
    days = [f"day {i}" for i in range(30)]
    root = parse(charts.bar_chart("c", "t", days, list(range(30))))
    named = [t for t in texts(root) if t and t.startswith("day ")]
    assert len(named) <= charts.MAX_X_LABELS and named[-1] == "day 29"


def test_stacked_bars_sit_on_each_other():
    series = [
        Series("normal", [2, 0, 1, 0], charts.ACCENT),
        Series("urgent", [0, 0, 1, 0], charts.URGENT),
        Series("crisis", [1, 0, 0, 3], charts.CRISIS),
    ]
    svg = charts.stacked_bars("handoffs", "Handoffs per day", DAYS, series, y_label="handoffs")
    root = parse(svg)
    assert_labelled(root, "handoffs", "Handoffs per day")
    assert_no_style(svg)
    found = bars(root)
    assert len(found) == 5
    first_day = [b for b in found if b.find("svg:title", NS).text.startswith("Mar 9:")]
    normal, crisis = first_day
    assert normal.get("fill") == charts.ACCENT and crisis.get("fill") == charts.CRISIS
    assert abs(float(crisis.get("y")) + float(crisis.get("height")) - float(normal.get("y"))) < 0.2
    assert abs(float(normal.get("height")) - 2 * float(crisis.get("height"))) < 0.2
    assert {"normal", "urgent", "crisis"} <= set(texts(root))  # the legend
    assert crisis.find("svg:title", NS).text == "Mar 9: crisis: 1"


def test_stacked_bars_need_a_value_per_day():
    with pytest.raises(ValueError):
        charts.stacked_bars("x", "t", DAYS, [Series("a", [1, 2])])


@pytest.mark.parametrize(
    "labels, values",
    [
        (["cost", "insurance", "teens"], [9, 3, 1]),
        (["iop"], [4]),
    ],
)
def test_horizontal_bars(labels, values):
    svg = charts.horizontal_bars("topics", "Top topics", labels, values)
    root = parse(svg)
    assert_labelled(root, "topics", "Top topics")
    assert_no_style(svg)
    found = bars(root)
    assert len(found) == len(values)
    widths = [float(b.get("width")) for b in found]
    assert widths == sorted(widths, reverse=True)
    ratios = {round(w / v, 1) for w, v in zip(widths, values)}
    assert len(ratios) == 1
    assert set(labels) <= set(texts(root))


def test_long_labels_are_shortened_on_the_chart_not_in_the_title():
    label = "what happens at the first visit and who will I meet"
    root = parse(charts.horizontal_bars("t", "Top topics", [label], [2]))
    shown = [t for t in texts(root) if t and t.endswith("…")]
    assert len(shown) == 1 and len(shown[0]) == charts.LABEL_CHARS
    assert bars(root)[0].find("svg:title", NS).text == f"{label}: 2"


HOSTILE = "<script>alert(\"x\")</script> & 'co'"


@pytest.mark.parametrize(
    "make",
    [
        lambda: charts.bar_chart("c", HOSTILE, [HOSTILE, "b"], [1, 2], y_label=HOSTILE),
        lambda: charts.stacked_bars("c", HOSTILE, [HOSTILE], [Series(HOSTILE, [1]), Series("b", [2])]),
        lambda: charts.horizontal_bars("c", HOSTILE, [HOSTILE], [3]),
        lambda: charts.horizontal_bars("c", HOSTILE, [], []),
    ],
)
def test_labels_are_escaped(make):
    svg = make()
    assert "<script>" not in svg
    root = parse(svg)
    assert root.find("svg:title", NS).text == HOSTILE
    assert not list(root.iter(f"{{{charts.SVG_NS}}}script"))


def test_chart_id_is_escaped_in_attributes():
    root = parse(charts.bar_chart('a" onload="x', "t", ["d"], [1]))
    assert root.get("onload") is None
    assert root.get("aria-labelledby") == 'a" onload="x-title'


@pytest.mark.parametrize(
    "make",
    [
        lambda: charts.bar_chart("e", "Conversations per day", DAYS, [0, 0, 0, 0]),
        lambda: charts.bar_chart("e", "Conversations per day", [], []),
        lambda: charts.stacked_bars("e", "Conversations per day", DAYS, [Series("a", [0] * 4), Series("b", [0] * 4)]),
        lambda: charts.horizontal_bars("e", "Conversations per day", [], []),
        lambda: charts.horizontal_bars("e", "Conversations per day", ["iop"], [0]),
    ],
)
def test_empty_data_says_so(make):
    root = parse(make())
    assert_labelled(root, "e", "Conversations per day")
    assert bars(root) == []
    assert charts.EMPTY in texts(root)
    assert root.find("svg:desc", NS).text == charts.EMPTY
