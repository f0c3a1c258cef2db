"""Charts laid out on the server and drawn as SVG by the templates (no script, no inline
style): every mark has a ``<title>``, colours come from CSS classes, and every chart
sits next to a table with the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

WIDTH = 640
HEIGHT = 220
LEFT = 48
TOP = 12
BOTTOM = 36
#: Colour classes of the choropleth, lightest first (see insights.css).
CLASSES = 5


@dataclass(frozen=True)
class Line:
    name: str
    css: str
    points: str  # "x,y x,y …" for <polyline>
    marks: list[tuple[float, float, str]]  # (x, y, title)


@dataclass(frozen=True)
class TimeChart:
    title: str
    width: int
    height: int
    baseline: float
    max_value: int
    lines: list[Line]
    ticks: list[tuple[float, str]]


def time_chart(*, title: str, labels: list[str], series: list[tuple[str, list[int]]]) -> TimeChart:
    """One line per series over ``labels`` (days or months)."""
    max_value = max((value for _, values in series for value in values), default=0) or 1
    plot_width = WIDTH - LEFT - 12
    plot_height = HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(labels) - 1, 1)
    baseline = TOP + plot_height
    lines = []
    for index, (name, values) in enumerate(series):
        coordinates = [
            (
                round(LEFT + position * step, 1),
                round(baseline - value * plot_height / max_value, 1),
                f"{labels[position]}: {value} {name}",
            )
            for position, value in enumerate(values)
        ]
        lines.append(
            Line(
                name=name,
                css=f"chart-series-{index % 6}",
                points=" ".join(f"{x},{y}" for x, y, _ in coordinates),
                marks=coordinates,
            )
        )
    every = max(1, len(labels) // 8)
    ticks = [
        (round(LEFT + position * step, 1), label)
        for position, label in enumerate(labels)
        if position % every == 0
    ]
    return TimeChart(title, WIDTH, HEIGHT, baseline, max_value, lines, ticks)


@dataclass(frozen=True)
class HBar:
    y: int
    width: float
    label: str
    value: str
    title: str


@dataclass(frozen=True)
class BarChart:
    title: str
    width: int
    height: int
    label_width: int
    bars: list[HBar] = field(default_factory=list)


def bar_chart(*, title: str, rows: list[tuple[str, int, str]]) -> BarChart:
    """Horizontal bars: (label, value, displayed value) per row."""
    label_width = 200
    max_value = max((value for _, value, _ in rows), default=0) or 1
    bars = [
        HBar(
            y=8 + index * 26,
            width=round(value * (WIDTH - label_width - 70) / max_value, 1),
            label=label[:32],
            value=shown,
            title=f"{label}: {shown}",
        )
        for index, (label, value, shown) in enumerate(rows)
    ]
    return BarChart(title, WIDTH, 16 + 26 * max(len(rows), 1), label_width, bars)


@dataclass(frozen=True)
class Area:
    name: str
    points: str
    css: str
    title: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class MapChart:
    title: str
    width: int
    height: int
    areas: list[Area]
    legend: list[tuple[str, str]]


def _rings(boundary: dict[str, Any]) -> list[list[list[float]]]:
    if boundary.get("type") == "Polygon":
        return [boundary["coordinates"][0]]
    if boundary.get("type") == "MultiPolygon":
        return [polygon[0] for polygon in boundary["coordinates"]]
    return []


def class_of(value: int | None, max_value: int) -> int:
    """The colour class (0 = no data, 1…CLASSES) of a value."""
    if not value:
        return 0
    return min(CLASSES, 1 + (CLASSES * value - 1) // max(max_value, 1))


def map_chart(
    *, title: str, areas: list[tuple[str, dict[str, Any], int | None, str]], width: int = 480
) -> MapChart:
    """A choropleth of (name, GeoJSON boundary, value or None if suppressed, shown)."""
    coordinates = [
        point for _, boundary, _, _ in areas for ring in _rings(boundary) for point in ring
    ]
    if not coordinates:
        return MapChart(title, width, 0, [], [])
    min_lon = min(point[0] for point in coordinates)
    max_lon = max(point[0] for point in coordinates)
    min_lat = min(point[1] for point in coordinates)
    max_lat = max(point[1] for point in coordinates)
    scale = (width - 20) / max(max_lon - min_lon, 1e-9)
    height = round((max_lat - min_lat) * scale * 1.35) + 20  # latitude stretch near 44°N
    max_value = max((value or 0 for _, _, value, _ in areas), default=0)
    shapes = []
    for name, boundary, value, shown in areas:
        for ring in _rings(boundary):
            projected = [
                (
                    round(10 + (lon - min_lon) * scale, 1),
                    round(10 + (max_lat - lat) * scale * 1.35, 1),
                )
                for lon, lat in ring
            ]
            shapes.append(
                Area(
                    name=name,
                    points=" ".join(f"{x},{y}" for x, y in projected),
                    css=f"map-class-{class_of(value, max_value)}",
                    title=f"{name}: {shown}",
                    label_x=round(sum(x for x, _ in projected) / len(projected), 1),
                    label_y=round(sum(y for _, y in projected) / len(projected), 1),
                )
            )
    legend = [
        (f"map-class-{index}", f"≤ {round(max_value * index / CLASSES)}")
        for index in range(1, CLASSES + 1)
    ]
    return MapChart(title, width, height, shapes, legend)
