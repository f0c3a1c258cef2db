"""A simple grouped bar chart, laid out on the server and drawn as SVG by the template.

No script and no inline style: the bars carry a class per series (coloured by the
stylesheet) and each has a ``<title>`` for screen readers and tooltips; the page
always shows the same figures in a table next to the chart.
"""

from __future__ import annotations

from dataclasses import dataclass

BAR_WIDTH = 14
BAR_GAP = 2
GROUP_GAP = 18
LABEL_WIDTH = 170
CHART_HEIGHT = 220
TOP = 10


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    css: str
    title: str


@dataclass(frozen=True)
class Label:
    x: int
    y: int
    text: str


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    labels: list[Label]
    legend: list[tuple[str, str]]
    baseline: int
    max_value: int


def bar_chart(
    *, labels: list[str], series: list[tuple[str, str, list[int]]], title: str
) -> BarChart:
    """``series`` holds (name, css class suffix, one value per label)."""
    max_value = max((value for _, _, values in series for value in values), default=0) or 1
    group_width = len(series) * (BAR_WIDTH + BAR_GAP) + GROUP_GAP
    baseline = TOP + CHART_HEIGHT
    bars: list[Bar] = []
    chart_labels: list[Label] = []
    for index, label in enumerate(labels):
        left = 40 + index * group_width
        for position, (name, css, values) in enumerate(series):
            height = round(values[index] * CHART_HEIGHT / max_value)
            bars.append(
                Bar(
                    x=left + position * (BAR_WIDTH + BAR_GAP),
                    y=baseline - height,
                    width=BAR_WIDTH,
                    height=height,
                    css=f"chart-bar chart-bar--{css}",
                    title=f"{label}: {values[index]} {name}",
                )
            )
        chart_labels.append(Label(x=left, y=baseline + 14, text=label[:22]))
    width = 40 + max(len(labels), 1) * group_width + 20
    return BarChart(
        title=title,
        width=width,
        height=baseline + LABEL_WIDTH // 2 + 20,
        bars=bars,
        labels=chart_labels,
        legend=[(name, f"chart-bar chart-bar--{css}") for name, css, _ in series],
        baseline=baseline,
        max_value=max_value,
    )
