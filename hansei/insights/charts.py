"""Charts as SVG, drawn on the server: no chart library, nothing run in the browser.

Every chart is an image with a name and a description (``role="img"``, named by its
``<title>`` and described by its ``<desc>``), and the page follows it with the same numbers as
a table.
Colours are the stylesheet's (classes ``chart-*``, whose rules use its CSS variables): the
Content-Security-Policy allows no inline style, and a theme changes charts with the rest.
Every text that comes from people (team, service, category names) is escaped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from hansei.insights.stats import Distribution, short_duration

WIDTH = 560  # in the viewBox's units: about pixels on a wide screen (the text is 14 px)
LABEL_WIDTH = 170  # the names left of horizontal bars
LABEL_ROOM = 22  # narrow characters of a name that fit there
ROW = 32
BAR = 20  # a bar's thickness in its row


def units(text: str) -> int:
    """How wide ``text`` is, in narrow characters (a wide one, Japanese, counts two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _inside(middle: float, label: str, width: float) -> float:
    """The middle of a centred ``label`` moved, if need be, so that it stays in the chart."""
    half = units(label) * 4 + 2
    return min(max(middle, half), width - half)


def _fit(text: str, room: int = LABEL_ROOM) -> str:
    """``text`` cut to about ``room`` narrow characters (the table has it whole)."""
    used = 0
    for index, char in enumerate(text):
        used += units(char)
        if used > room:
            return text[: max(index - 1, 1)] + "…"
    return text


def _svg(
    chart_id: str, title: str, desc: str, height: float, body: SafeString, width: int = WIDTH
) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img"'
        ' aria-labelledby="{id}-title" aria-describedby="{id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=width,
        h=round(height),
        id=chart_id,
        title=title,
        desc=desc,
        body=body,
    )


def _text(
    x: float, y: float, text: str, css: str = "chart-text", anchor: str = "start"
) -> SafeString:
    return format_html(
        '<text x="{}" y="{}" class="{}" text-anchor="{}">{}</text>',
        round(x, 1),
        round(y, 1),
        css,
        anchor,
        text,
    )


def _rect(x: float, y: float, width: float, height: float, css: str) -> SafeString:
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" class="{}"/>',
        round(x, 1),
        round(y, 1),
        round(max(width, 0), 1),
        round(max(height, 0), 1),
        css,
    )


def _line(x1: float, y1: float, x2: float, y2: float, css: str) -> SafeString:
    return format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" class="{}"/>',
        round(x1, 1), round(y1, 1), round(x2, 1), round(y2, 1), css,
    )  # fmt: skip


def _join(parts: Sequence[SafeString]) -> SafeString:
    return mark_safe("".join(parts))  # each part was built by format_html


def column_chart(
    chart_id: str, title: str, desc: str, points: Sequence[tuple[str, int]]
) -> SafeString:
    """Counts over time: one column per week or month, its count above it, labelled below
    (every other label or fewer, when they would not fit)."""
    top, bottom, side, height = 22, 30, 4, 210
    plot = height - top - bottom
    most = max((count for _label, count in points), default=0) or 1
    step = (WIDTH - 2 * side) / max(len(points), 1)
    widest = max((units(label) for label, _count in points), default=1) * 8 + 8
    every = max(1, -(-widest // int(step)) if step >= 1 else len(points))
    parts = [_line(side, top + plot, WIDTH - side, top + plot, "chart-axis")]
    for index, (label, count) in enumerate(points):
        x = side + index * step
        bar = plot * count / most
        parts.append(_rect(x + step * 0.15, top + plot - bar, step * 0.7, bar, "chart-bar"))
        if count and step >= 14:
            middle = x + step / 2
            parts.append(_text(middle, top + plot - bar - 5, str(count), "chart-value", "middle"))
        if index % every == 0:
            parts.append(
                _text(
                    _inside(x + step / 2, label, WIDTH), height - 8, label, "chart-text", "middle"
                )
            )
    return _svg(chart_id, title, desc, height, _join(parts))


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, int]],
    label_width: int = LABEL_WIDTH,
) -> SafeString:
    """Counts by name: one horizontal bar per row, the name left of it, the count after it."""
    most = max((count for _label, count in rows), default=0) or 1
    room = WIDTH - label_width - 48
    fits = LABEL_ROOM * label_width // LABEL_WIDTH
    parts = []
    for index, (label, count) in enumerate(rows):
        y = index * ROW
        width = room * count / most
        parts.append(_text(label_width - 8, y + 21, _fit(label, fits), "chart-text", "end"))
        parts.append(_rect(label_width, y + (ROW - BAR) / 2, width, BAR, "chart-bar"))
        parts.append(_text(label_width + width + 6, y + 21, str(count), "chart-value"))
    return _svg(chart_id, title, desc, len(rows) * ROW, _join(parts))


def _legend(names: tuple[str, str]) -> list[SafeString]:
    second = LABEL_WIDTH + 20 + units(names[0]) * 8 + 18
    return [
        _rect(LABEL_WIDTH, 5, 14, 14, "chart-good"),
        _text(LABEL_WIDTH + 20, 17, names[0]),
        _rect(second, 5, 14, 14, "chart-bad"),
        _text(second + 20, 17, names[1]),
    ]


def split_chart(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[tuple[str, int, int]],
    names: tuple[str, str],
) -> SafeString:
    """Two parts of a whole per row (on time and late; held and recurred): one bar split in
    proportion, the two counts after it ("7 / 3")."""
    room = WIDTH - LABEL_WIDTH - 72
    parts = _legend(names)
    for index, (label, good, bad) in enumerate(rows):
        y = 28 + index * ROW
        whole = good + bad
        first = room * good / whole if whole else 0
        top = y + (ROW - BAR) / 2
        parts.append(_text(LABEL_WIDTH - 8, y + 21, _fit(label), "chart-text", "end"))
        if not whole:
            parts.append(_rect(LABEL_WIDTH, top, room, BAR, "chart-empty"))
        parts.append(_rect(LABEL_WIDTH, top, first, BAR, "chart-good"))
        parts.append(
            _rect(LABEL_WIDTH + first, top, room - first if whole else 0, BAR, "chart-bad")
        )
        parts.append(_text(LABEL_WIDTH + room + 8, y + 21, f"{good} / {bad}", "chart-value"))
    return _svg(chart_id, title, desc, 28 + len(rows) * ROW, _join(parts))


def heatmap(
    chart_id: str,
    title: str,
    desc: str,
    columns: Sequence[str],
    rows: Sequence[tuple[str, Sequence[int]]],
) -> SafeString:
    """Counts by name and period: one row per name, one cell per period, darker for more,
    the count written in the cell. Many periods make it wider than the card: it scrolls."""
    cell = max(30.0, (WIDTH - LABEL_WIDTH) / max(len(columns), 1))
    width = max(WIDTH, round(LABEL_WIDTH + cell * len(columns)))
    most = max((count for _label, counts in rows for count in counts), default=0) or 1
    widest = max((units(label) for label in columns), default=1) * 8 + 6
    every = max(1, -(-widest // int(cell)))
    parts = [
        _text(
            _inside(LABEL_WIDTH + i * cell + cell / 2, label, width),
            16,
            label,
            "chart-text",
            "middle",
        )
        for i, label in enumerate(columns)
        if i % every == 0
    ]
    for r, (label, counts) in enumerate(rows):
        y = 24 + r * ROW
        parts.append(_text(LABEL_WIDTH - 8, y + 21, _fit(label), "chart-text", "end"))
        for i, count in enumerate(counts):
            level = 0 if not count else 1 + min(3, int(4 * count / (most + 1)))
            x = LABEL_WIDTH + i * cell
            parts.append(_rect(x + 1, y + 2, cell - 2, ROW - 4, f"chart-heat-{level}"))
            if count:
                css = "chart-value-inverse" if level >= 3 else "chart-value"
                parts.append(_text(x + cell / 2, y + 21, str(count), css, "middle"))
    return _svg(chart_id, title, desc, 24 + len(rows) * ROW, _join(parts), width=width)


def _position(value: float, edges: Sequence[int]) -> float:
    """Where ``value`` falls on an axis of equal-width bins between ``edges`` (0 to 1)."""
    index = next((i for i, edge in enumerate(edges) if value < edge), len(edges))
    lower = edges[index - 1] if index else 0
    upper = edges[index] if index < len(edges) else 2 * lower
    fraction = min(1.0, (value - lower) / (upper - lower)) if upper > lower else 0.0
    return (index + fraction) / (len(edges) + 1)


def spread_chart(
    chart_id: str,
    title: str,
    desc: str,
    measures: Sequence[Distribution],
    edges: Sequence[int],
    empty: str,
) -> SafeString:
    """Distributions, one row each: a histogram over bins of duration (equal widths, labelled
    at their edges, so the axis is roughly logarithmic), and under it a line from the
    shortest to the longest with a box from the median (p50, the thick mark) to p90."""
    left, room, block = LABEL_WIDTH, WIDTH - LABEL_WIDTH - 8, 80
    parts = []
    for r, measure in enumerate(measures):
        y = r * block
        parts.append(_text(left - 10, y + 28, _fit(measure.label), "chart-label", "end"))
        parts.append(_text(left - 10, y + 47, f"n = {measure.n}", "chart-text", "end"))
        parts.append(_line(left, y + 50, left + room, y + 50, "chart-axis"))
        if not measure.n:
            parts.append(_text(left + 8, y + 40, empty, "chart-text"))
            continue
        most = max(b.count for b in measure.bins) or 1
        slot = room / len(measure.bins)
        for i, bin_ in enumerate(measure.bins):
            bar = 38 * bin_.count / most
            parts.append(_rect(left + i * slot + 2, y + 50 - bar, slot - 4, bar, "chart-bar-soft"))
        parts.extend(_box(measure, edges, left, room, y + 62))
    axis = len(measures) * block
    for i, edge in enumerate(edges):
        x = left + room * (i + 1) / (len(edges) + 1)
        parts.append(_line(x, axis - 8, x, axis - 3, "chart-axis"))
        parts.append(_text(x, axis + 12, short_duration(edge), "chart-tick", "middle"))
    return _svg(chart_id, title, desc, axis + 18, _join(parts))


def _box(
    measure: Distribution, edges: Sequence[int], left: float, room: float, y: float
) -> list[SafeString]:
    def x(seconds: float | None) -> float:
        return left + room * _position(seconds or 0.0, edges)

    low, high = x(measure.min_seconds), x(measure.max_seconds)
    p50, p90 = x(measure.p50_seconds), x(measure.p90_seconds)
    return [
        _line(low, y, high, y, "chart-whisker"),
        _line(low, y - 5, low, y + 5, "chart-whisker"),
        _line(high, y - 5, high, y + 5, "chart-whisker"),
        _rect(p50, y - 6, max(p90 - p50, 2), 12, "chart-box"),
        _line(p50, y - 9, p50, y + 9, "chart-median"),
    ]
