"""Charts drawn on the server as SVG, for PDFs (WeasyPrint runs no JavaScript).

A horizontal bar chart: one group of bars per label, one colour per
dataset, with a legend and the values written at the end of each bar, so the
printed chart reads without a screen. Stacked charts stack the bars.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape

from mrm.templatetags.money import format_money
from reports.choices import ChartKind, ColumnType
from reports.registry import Chart

PALETTE = ("#206bc4", "#2fb344", "#f76707", "#ae3ec9", "#d63939", "#17a2b8", "#f59f00", "#667382")
LABEL_WIDTH = 190
BAR_AREA = 380
VALUE_WIDTH = 110
BAR_HEIGHT = 12
MAX_LABELS = 40
#: Characters of a label that fit left of the bars at 8 px (DejaVu Sans is about 0.66 em a letter).
LABEL_CHARS = 32


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def format_value(value, value_type: str) -> str:
    if value is None:
        return "—"
    if value_type == ColumnType.MONEY:
        return format_money(value)
    if value_type == ColumnType.PERCENT:
        return f"{Decimal(value):.1f} %"
    if value_type == ColumnType.INT:
        return f"{int(value)}"
    return f"{Decimal(value):.1f}"


def chart_svg(chart: Chart, rows: slice | None = None) -> str:
    """The chart as SVG; ``rows`` draws only those labels, on the scale of the whole chart (for page-sized parts)."""
    labels = chart.labels[:MAX_LABELS]
    stacked = chart.kind == ChartKind.STACKED_BAR
    datasets = chart.datasets
    values = [[Decimal(v or 0) for v in d.values[: len(labels)]] for d in datasets]
    if stacked:
        extent = max((sum(col) for col in zip(*values, strict=False)), default=Decimal(0))
        lows = min(Decimal(0), min((v for d in values for v in d), default=Decimal(0)))
    else:
        extent = max((v for d in values for v in d), default=Decimal(0))
        lows = min((v for d in values for v in d), default=Decimal(0))
    extent = max(extent, Decimal(0))
    span = (extent - min(lows, Decimal(0))) or Decimal(1)
    zero_x = LABEL_WIDTH + float(-min(lows, Decimal(0)) / span) * BAR_AREA
    shown = list(range(len(labels)))[rows or slice(None)]
    group_height = BAR_HEIGHT * (1 if stacked else len(datasets)) + 8
    legend_height = 18 * ((len(datasets) + 2) // 3)
    height = legend_height + group_height * len(shown) + 10
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(chart.title)}" class="chart">'
    ]
    for index, dataset in enumerate(datasets):
        x = (index % 3) * 230
        y = (index // 3) * 18
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y + 3}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{y + 12}" font-size="9">{escape(str(dataset.label)[:40])}</text>')
    for position, row in enumerate(shown):
        label = labels[row]
        top = legend_height + position * group_height
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{top + BAR_HEIGHT}" font-size="8" text-anchor="end">'
            f"{escape(_short(str(label), LABEL_CHARS))}</text>"
        )
        offset = Decimal(0)
        for index, dataset_values in enumerate(values):
            value = dataset_values[row] if row < len(dataset_values) else Decimal(0)
            colour = PALETTE[index % len(PALETTE)]
            length = float(abs(value) / span) * BAR_AREA
            if stacked:
                x = zero_x + float(offset / span) * BAR_AREA
                y = top
                offset += value
            else:
                x = zero_x if value >= 0 else zero_x - length
                y = top + index * BAR_HEIGHT
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{max(length, 0.5):.1f}" height="{BAR_HEIGHT - 2}" fill="{colour}"/>'
            )
            if not stacked:
                parts.append(
                    f'<text x="{LABEL_WIDTH + BAR_AREA + 4}" y="{y + BAR_HEIGHT - 3}" font-size="7">'
                    f"{escape(format_value(datasets[index].values[row], chart.value_type))}</text>"
                )
        if stacked:
            parts.append(
                f'<text x="{LABEL_WIDTH + BAR_AREA + 4}" y="{top + BAR_HEIGHT - 3}" font-size="7">'
                f"{escape(format_value(offset, chart.value_type))}</text>"
            )
    parts.append(
        f'<line x1="{zero_x:.1f}" y1="{legend_height}" x2="{zero_x:.1f}" y2="{height - 5}" stroke="#667382" '
        'stroke-width="0.5"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def bar_group_height(chart: Chart) -> int:
    return BAR_HEIGHT * (1 if chart.kind == ChartKind.STACKED_BAR else len(chart.datasets)) + 8


def chart_svg_parts(chart: Chart, first_height: float, height: float) -> list[str]:
    """The chart cut into SVGs that each fit a page: ``first_height`` px for the first, ``height`` px for the next.

    Every part keeps the whole chart's scale and its legend, so bars compare across parts.
    """
    count = min(len(chart.labels), MAX_LABELS)
    legend_height = 18 * ((len(chart.datasets) + 2) // 3) + 10
    per_first = max(1, int((first_height - legend_height) // bar_group_height(chart)))
    per_page = max(1, int((height - legend_height) // bar_group_height(chart)))
    parts, start, size = [], 0, per_first
    while start < count:
        parts.append(chart_svg(chart, slice(start, start + size)))
        start, size = start + size, per_page
    return parts
