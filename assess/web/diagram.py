"""The process drawn from its definition: an inline SVG with the current state marked.

States are placed in columns by their distance from the initial state (steps back,
such as "return for revision", are drawn dashed); the state every open state can go to
(withdrawn) is left out and mentioned in text instead. The current state is marked by
a thick border, bold text and a "●" – never by colour alone.
"""

from __future__ import annotations

from collections import deque

from markupsafe import Markup, escape

from ..workflow import WorkflowDefinition

BOX_W, BOX_H, COL_W, ROW_H, PAD = 150, 48, 185, 68, 12


def _layers(d: WorkflowDefinition, hidden: set[str]) -> dict[str, int]:
    """Column of each state: its distance from the initial state (breadth first)."""
    layer = {d.initial: 0}
    queue = deque([d.initial])
    while queue:
        s = queue.popleft()
        for t in d.transitions:
            if s in d.sources(t) and t.dest not in hidden and t.dest not in layer:
                layer[t.dest] = layer[s] + 1
                queue.append(t.dest)
    return layer


def _wrap(text: str, width: int = 20) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines[:3]


def process_svg(d: WorkflowDefinition, current: str, language: str, title: str) -> Markup:
    hidden = {t.dest for t in d.transitions if t.source == "*"} - {current}
    layer = _layers(d, hidden)
    columns: dict[int, list[str]] = {}
    for state in d.states:  # definition order inside a column
        if state in layer:
            columns.setdefault(layer[state], []).append(state)
    # Inside a column, put each state near the states it comes from (one barycentre pass).
    row: dict[str, int] = {}
    for col in sorted(columns):

        def centre(state, col=col):
            preds = [
                row[s]
                for t in d.transitions
                if t.dest == state
                for s in d.sources(t)
                if s in row and layer[s] < col
            ]
            return sum(preds) / len(preds) if preds else 0

        columns[col].sort(key=centre)
        for i, state in enumerate(columns[col]):
            row[state] = i
    pos = {s: (PAD + layer[s] * COL_W, PAD + row[s] * ROW_H) for s in row}
    width = PAD * 2 + (max(columns) + 1) * COL_W - (COL_W - BOX_W)
    height = PAD * 2 + max(len(s) for s in columns.values()) * ROW_H - (ROW_H - BOX_H) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="process-title" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'class="process-diagram">',
        f'<title id="process-title">{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#495057"/></marker></defs>',
    ]
    drawn = set()
    for t in d.transitions:
        for s in d.sources(t):
            if s not in pos or t.dest not in pos or (s, t.dest) in drawn:
                continue
            drawn.add((s, t.dest))
            (x1, y1), (x2, y2) = pos[s], pos[t.dest]
            if layer[t.dest] == layer[s]:  # the same column: straight up or down
                down = y2 > y1
                parts.append(
                    f'<path d="M{x1 + BOX_W / 2},{y1 + (BOX_H if down else 0)} '
                    f'L{x2 + BOX_W / 2},{y2 + (0 if down else BOX_H)}" fill="none" '
                    'stroke="#495057" stroke-width="1.5" marker-end="url(#arrow)"/>'
                )
            elif layer[t.dest] > layer[s]:
                parts.append(
                    f'<path d="M{x1 + BOX_W},{y1 + BOX_H / 2} C{x1 + BOX_W + 20},{y1 + BOX_H / 2} '
                    f'{x2 - 20},{y2 + BOX_H / 2} {x2},{y2 + BOX_H / 2}" fill="none" '
                    'stroke="#495057" stroke-width="1.5" marker-end="url(#arrow)"/>'
                )
            else:  # back edge: a dashed arc under the boxes
                low = max(y1, y2) + BOX_H + 18
                parts.append(
                    f'<path d="M{x1 + BOX_W / 2},{y1 + BOX_H} C{x1 + BOX_W / 2},{low} '
                    f'{x2 + BOX_W / 2},{low} {x2 + BOX_W / 2},{y2 + BOX_H}" fill="none" '
                    'stroke="#495057" stroke-width="1.2" stroke-dasharray="5 4" '
                    'marker-end="url(#arrow)"/>'
                )
    for state, (x, y) in pos.items():
        here = state == current
        final = d.states[state].final
        label = d.states[state].labels.get(language)
        lines = _wrap(("● " if here else "") + label)
        fill, stroke, stroke_width = (
            ("#e7f1ff", "#0b4dbd", 4) if here else ("#ffffff", "#6c757d", 1.5)
        )
        parts.append(
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="{4 if final else 10}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{stroke_width}"/>'
        )
        first = y + BOX_H / 2 - (len(lines) - 1) * 7 + 4
        weight = ' font-weight="700"' if here else ""
        for i, line in enumerate(lines):
            parts.append(
                f'<text x="{x + BOX_W / 2}" y="{first + i * 14}" text-anchor="middle" '
                f'font-size="12" font-family="system-ui, sans-serif" fill="#212529"{weight}>'
                f"{escape(line)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))
