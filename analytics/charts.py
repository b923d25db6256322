"""Server-rendered SVG charts: bar, column-and-line, line, day-and-hour grid and a dot map.

Each chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>` (what it shows and the
largest values), with the numbers written on it as text, and a GOV.UK table beside it on the page holding
every figure. Colours and fonts come from classes in analytics/static/analytics/dashboard.css (the CSP
forbids inline style); series differ by shape and dash pattern as well as colour. A suppressed value ("[c]")
is drawn as no bar, no point, no dot.

The map has no background map and loads nothing from elsewhere: dots on a latitude and longitude grid.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from analytics.tables import SUPPRESSED, is_suppressed

FONT_WIDTH = 6.2  # the average width of a 12px character, for fitting labels
LABEL_CHARACTERS = 30


def _short(text: str, length: int = LABEL_CHARACTERS) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(
    chart_id: str, width: float, height: float, title: str, desc: str, body: list[SafeString], kind: str = "wide"
) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="hw-chart hw-chart--{}" viewBox="0 0 {} {}" role="img" '
        'focusable="false" aria-labelledby="{}-title {}-desc"><title id="{}-title">{}</title><desc id="{}-desc">{}'
        "</desc>{}</svg>",
        kind,
        _num(width),
        _num(height),
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
        mark_safe("".join(body)),  # noqa: S308 - every part is built with format_html
    )


def _text(x: float, y: float, text: str, css: str = "hw-chart__label", anchor: str = "start") -> SafeString:
    return format_html('<text x="{}" y="{}" class="{}" text-anchor="{}">{}</text>', _num(x), _num(y), css, anchor, text)


def _rect(x: float, y: float, width: float, height: float, css: str) -> SafeString:
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" class="{}"></rect>',
        _num(x),
        _num(y),
        _num(width),
        _num(height),
        css,
    )


def _line(x1: float, y1: float, x2: float, y2: float, css: str) -> SafeString:
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="{}"></line>', _num(x1), _num(y1), _num(x2), _num(y2), css
    )


def _visible(value: int, limit: int) -> bool:
    return not is_suppressed(value, limit)


def _largest(items: Sequence[tuple[str, int]], limit: int, unit: str, count: int = 3) -> str:
    shown = sorted(((v, label) for label, v in items if _visible(v, limit) and v > 0), key=lambda p: -p[0])[:count]
    if not shown:
        return f"No {unit} in the figures."
    return "Largest: " + "; ".join(f"{label}, {value:,}" for value, label in shown) + "."


def nice_scale(largest: float, ticks: int = 4) -> tuple[float, float]:
    """A round axis maximum at or above `largest`, and the step between gridlines."""
    if largest <= 0:
        return 1.0, 1.0
    raw = largest / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(step, 1.0)
    return step * math.ceil(largest / step), step


# --- Bars ---------------------------------------------------------------------------------------------


def bar_chart(chart_id: str, title: str, items: Sequence[tuple[str, int]], limit: int, unit: str) -> SafeString:
    """Horizontal bars, one per (label, count), labelled with their values."""
    width, label_width, value_width, row, top = 480, 200, 60, 28, 6
    bar_room = width - label_width - value_width
    height = top * 2 + row * max(len(items), 1)
    largest = max((v for _, v in items if _visible(v, limit)), default=0) or 1
    body: list[SafeString] = []
    for index, (label, value) in enumerate(items):
        y = top + index * row
        body.append(_text(label_width - 8, y + 19, _short(label), anchor="end"))
        if not _visible(value, limit):
            body.append(_text(label_width + 4, y + 19, SUPPRESSED, "hw-chart__value"))
            continue
        length = bar_room * value / largest if value else 0
        if length:
            body.append(_rect(label_width, y + 4, max(length, 1), 20, "hw-chart__bar"))
        body.append(_text(label_width + length + 6, y + 19, f"{value:,}", "hw-chart__value"))
    body.append(_line(label_width, top, label_width, height - top, "hw-chart__axis"))
    desc = f"Bar chart of {unit}, one bar for each row of the table. {_largest(items, limit, unit)}"
    return _svg(chart_id, width, height, title, desc, body, "bars")


# --- Columns and lines over months ----------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]
    css: str  # hw-chart__series--1 … 3: a colour, a dash pattern and a marker shape
    marker: str = "circle"  # circle, square or diamond


@dataclass(frozen=True)
class _Frame:
    width: float
    height: float
    left: float
    top: float
    plot_width: float
    plot_height: float
    maximum: float
    slot: float

    def x(self, index: int) -> float:
        return self.left + self.slot * index + self.slot / 2

    def y(self, value: float) -> float:
        return self.top + self.plot_height * (1 - value / self.maximum)


def _frame(labels: list[str], largest: float, body: list[SafeString]) -> _Frame:
    width, height, left, right, top, bottom = 900, 330, 56, 16, 44, 40
    maximum, step = nice_scale(largest)
    frame = _Frame(
        width,
        height,
        left,
        top,
        width - left - right,
        height - top - bottom,
        maximum,
        (width - left - right) / max(len(labels), 1),
    )
    tick = 0.0
    while tick <= maximum + 1e-9:
        y = frame.y(tick)
        body.append(_line(left, y, width - right, y, "hw-chart__grid"))
        body.append(_text(left - 6, y + 4, f"{int(tick):,}", "hw-chart__tick", "end"))
        tick += step
    every = max(1, math.ceil(len(labels) / 12))
    for index, label in enumerate(labels):
        if index % every == 0:
            body.append(_text(frame.x(index), height - bottom + 18, label, "hw-chart__tick", "middle"))
    body.append(_line(left, frame.y(0), width - right, frame.y(0), "hw-chart__axis"))
    return frame


def _marker(kind: str, x: float, y: float, css: str) -> SafeString:
    if kind == "square":
        return _rect(x - 4, y - 4, 8, 8, f"hw-chart__marker {css}")
    if kind == "diamond":
        return format_html(
            '<polygon points="{},{} {},{} {},{} {},{}" class="hw-chart__marker {}"></polygon>',
            _num(x),
            _num(y - 5),
            _num(x + 5),
            _num(y),
            _num(x),
            _num(y + 5),
            _num(x - 5),
            _num(y),
            css,
        )
    return format_html('<circle cx="{}" cy="{}" r="4" class="hw-chart__marker {}"></circle>', _num(x), _num(y), css)


def _polyline(frame: _Frame, series: Series, limit: int) -> list[SafeString]:
    """The series as lines between visible points (a suppressed value leaves a gap), and a marker on each."""
    parts: list[SafeString] = []
    run: list[tuple[float, float]] = []
    runs: list[list[tuple[float, float]]] = [run]
    for index, value in enumerate(series.values):
        if _visible(value, limit):
            run.append((frame.x(index), frame.y(value)))
        else:
            run = []
            runs.append(run)
    for points in runs:
        if len(points) > 1:
            parts.append(
                format_html(
                    '<polyline points="{}" class="hw-chart__line {}"></polyline>',
                    " ".join(f"{_num(x)},{_num(y)}" for x, y in points),
                    series.css,
                )
            )
        parts.extend(_marker(series.marker, x, y, series.css) for x, y in points)
    return parts


def _legend(columns: Series | None, lines: list[Series]) -> list[SafeString]:
    """A key across the top: a swatch for the columns, a stretch of line with its marker for each line."""
    parts, x = [], 50.0
    for series in [columns, *lines]:
        if series is None:
            continue
        if series is columns:
            parts.append(_rect(x, 8, 22, 14, "hw-chart__bar"))
        else:
            parts.append(_line(x, 15, x + 22, 15, f"hw-chart__line {series.css}"))
            parts.append(_marker(series.marker, x + 11, 15, series.css))
        parts.append(_text(x + 28, 20, series.name, "hw-chart__legend"))
        x += 44 + len(series.name) * FONT_WIDTH * 1.1
    return parts


def month_chart(
    chart_id: str, title: str, labels: list[str], columns: Series, line: Series | None, limit: int
) -> SafeString:
    """Columns for one series (episodes) and a line for another (children), by month."""
    values = [v for v in columns.values + (line.values if line else []) if _visible(v, limit)]
    body: list[SafeString] = []
    frame = _frame(labels, max(values, default=0), body)
    column_width = max(frame.slot * 0.6, 2)
    for index, value in enumerate(columns.values):
        if not _visible(value, limit):
            body.append(_text(frame.x(index), frame.y(0) - 4, SUPPRESSED, "hw-chart__tick", "middle"))
            continue
        if value:
            top = frame.y(value)
            body.append(_rect(frame.x(index) - column_width / 2, top, column_width, frame.y(0) - top, "hw-chart__bar"))
        if len(labels) <= 18:
            body.append(_text(frame.x(index), frame.y(value) - 6, f"{value:,}", "hw-chart__value", "middle"))
    if line:
        body.extend(_polyline(frame, line, limit))
    body.extend(_legend(columns, [line] if line else []))
    peak = max(
        ((v, label) for label, v in zip(labels, columns.values, strict=True) if _visible(v, limit)), default=(0, "")
    )
    summary = f"Highest: {peak[1]}, {peak[0]:,} {columns.name.lower()}." if peak[0] else "No figures in the period."
    desc = (
        f"Column chart of {columns.name.lower()} by month"
        + (f", with a line for {line.name.lower()}" if line else "")
        + f", {labels[0]} to {labels[-1]}. {summary}"
        if labels
        else "No months."
    )
    return _svg(chart_id, frame.width, frame.height, title, desc, body)


def line_chart(chart_id: str, title: str, labels: list[str], series: list[Series], limit: int) -> SafeString:
    """One line per series, by month, each with its own dash pattern and marker shape."""
    values = [v for s in series for v in s.values if _visible(v, limit)]
    body: list[SafeString] = []
    frame = _frame(labels, max(values, default=0), body)
    for line in series:
        body.extend(_polyline(frame, line, limit))
    body.extend(_legend(None, series))
    totals = [(s.name, sum(v for v in s.values if _visible(v, limit))) for s in series]
    desc = (
        f"Line chart by month, {labels[0]} to {labels[-1]}, one line each for "
        + ", ".join(s.name.lower() for s in series)
        + ". Totals: "
        + "; ".join(f"{name}, {total:,}" for name, total in totals)
        + "."
        if labels
        else "No months."
    )
    return _svg(chart_id, frame.width, frame.height, title, desc, body)


# --- Day and hour -------------------------------------------------------------------------------------


def heatmap(chart_id: str, title: str, rows: list[dict], limit: int) -> SafeString:
    """Seven rows (Monday to Sunday) of 24 hours, each cell shaded by its count and labelled with it."""
    cell, left, top = 32, 96, 26
    width, height = left + 24 * cell + 6, top + 7 * cell + 40
    values = [row[f"h{h:02d}"] for row in rows for h in range(24)]
    largest = max((v for v in values if _visible(v, limit)), default=0) or 1
    body: list[SafeString] = [
        _text(left + h * cell + cell / 2, top - 8, f"{h:02d}", "hw-chart__tick", "middle") for h in range(24)
    ]
    for r, row in enumerate(rows):
        y = top + r * cell
        body.append(_text(left - 8, y + 21, row["weekday"], "hw-chart__label", "end"))
        for h in range(24):
            value = row[f"h{h:02d}"]
            x = left + h * cell
            if not _visible(value, limit):
                body.append(_rect(x, y, cell - 1, cell - 1, "hw-heat hw-heat--0"))
                body.append(_text(x + cell / 2, y + 21, "c", "hw-heat__text", "middle"))
                continue
            level = 0 if value == 0 else 1 + min(4, int(4 * value / largest))
            body.append(_rect(x, y, cell - 1, cell - 1, f"hw-heat hw-heat--{level}"))
            if value:
                css = "hw-heat__text hw-heat__text--light" if level >= 4 else "hw-heat__text"
                body.append(_text(x + cell / 2, y + 21, f"{value}", css, "middle"))
    legend_y = top + 7 * cell + 14
    body.append(_text(left, legend_y + 13, "Fewer", "hw-chart__tick", "end"))
    for level in range(6):
        body.append(_rect(left + 6 + level * 26, legend_y, 24, 18, f"hw-heat hw-heat--{level}"))
    body.append(_text(left + 6 + 6 * 26 + 4, legend_y + 13, "More", "hw-chart__tick"))
    busiest = sorted(
        ((row[f"h{h:02d}"], row["weekday"], h) for row in rows for h in range(24) if _visible(row[f"h{h:02d}"], limit)),
        key=lambda item: -item[0],
    )[:3]
    summary = (
        "Busiest: " + "; ".join(f"{day} {h:02d}:00 to {h:02d}:59, {v:,}" for v, day, h in busiest if v) + "."
        if busiest and busiest[0][0]
        else "No episodes in the figures."
    )
    desc = f"Grid of 7 days by 24 hours, each cell shaded by the number of episodes and labelled with it. {summary}"
    return _svg(chart_id, width, height, title, desc, body)


# --- Map ----------------------------------------------------------------------------------------------


def map_chart(chart_id: str, title: str, rows: list[dict], limit: int) -> SafeString:
    """Dots on a latitude and longitude grid (no background map), sized by the number of episodes."""
    points = [
        (float(row["latitude"]), float(row["longitude"]), row["episodes"])
        for row in rows
        if _visible(row["episodes"], limit)
    ]
    width, height, pad = 480, 400, 40
    if not points:
        return _svg(chart_id, width, 60, title, "No places with coordinates in the figures.", [], "map")
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    middle = (min(lats) + max(lats)) / 2
    squash = math.cos(math.radians(middle))
    lat_span = max(max(lats) - min(lats), 0.05)
    lon_span = max(max(lons) - min(lons), 0.05 / max(squash, 0.1))
    scale = min((width - 2 * pad) / (lon_span * squash), (height - 2 * pad) / lat_span)
    lat_top = (max(lats) + min(lats)) / 2 + (height - 2 * pad) / scale / 2
    lon_left = (max(lons) + min(lons)) / 2 - (width - 2 * pad) / scale / squash / 2

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return pad + (lon - lon_left) * squash * scale, pad + (lat_top - lat) * scale

    body: list[SafeString] = [_rect(pad, pad, width - 2 * pad, height - 2 * pad, "hw-map__ground")]
    step = nice_scale(lat_span, 4)[1] if lat_span >= 1 else _grid_step(lat_span)
    lat = math.ceil((lat_top - (height - 2 * pad) / scale) / step) * step
    while lat <= lat_top:
        _, y = xy(lat, lon_left)
        body.append(_line(pad, y, width - pad, y, "hw-chart__grid"))
        body.append(_text(pad - 4, y + 4, f"{lat:.2f}", "hw-chart__tick", "end"))
        lat += step
    lon_right = lon_left + (width - 2 * pad) / scale / squash
    lon = math.ceil(lon_left / step) * step
    while lon <= lon_right:
        x, _ = xy(lat_top, lon)
        body.append(_line(x, pad, x, height - pad, "hw-chart__grid"))
        body.append(_text(x, height - pad + 16, f"{lon:.2f}", "hw-chart__tick", "middle"))
        lon += step
    largest = max(p[2] for p in points)
    for index, (lat_value, lon_value, episodes) in enumerate(sorted(points, key=lambda p: -p[2])):
        x, y = xy(lat_value, lon_value)
        radius = 4 + 12 * math.sqrt(episodes / largest)
        body.append(
            format_html('<circle cx="{}" cy="{}" r="{}" class="hw-map__dot"></circle>', _num(x), _num(y), _num(radius))
        )
        if index < 15:
            body.append(_text(x + radius + 3, y + 4, f"{episodes:,}", "hw-chart__value"))
    top_points = sorted(points, key=lambda p: -p[2])[:3]
    desc = (
        f"Dot map of {len(points)} areas of about a kilometre, without a background map: each dot is sized by "
        "the number of episodes and labelled with it. Largest: "
        + "; ".join(f"{lat:.2f}, {lon:.2f}: {n:,}" for lat, lon, n in top_points)
        + "."
    )
    return _svg(chart_id, width, height, title, desc, body, "map")


def _grid_step(span: float) -> float:
    for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5):
        if span / step <= 6:
            return step
    return 1.0
