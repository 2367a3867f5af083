"""Server-side SVG maps of neighbourhoods, so the same picture serves pages and PDFs without JS."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass
class MapArea:
    code: str
    name: str
    geometry: dict
    highlighted: bool = False


def _rings(geometry: dict) -> Iterable[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        yield from geometry.get("coordinates", [])
    elif geometry.get("type") == "MultiPolygon":
        for polygon in geometry.get("coordinates", []):
            yield from polygon


def render_svg(areas: list[MapArea], *, title: str, width: int = 640) -> Markup:
    """An accessible SVG: one path per area, each with a <title> naming it."""
    points = [pt for area in areas for ring in _rings(area.geometry) for pt in ring]
    if not points:
        return Markup("")
    min_x = min(p[0] for p in points)
    max_x = max(p[0] for p in points)
    min_y = min(p[1] for p in points)
    max_y = max(p[1] for p in points)
    # Longitude degrees shrink with latitude; scale x so the shape is not stretched.
    x_scale = math.cos(math.radians((min_y + max_y) / 2))
    span_x = (max_x - min_x) * x_scale or 1
    span_y = (max_y - min_y) or 1
    scale = width / span_x
    height = round(span_y * scale)

    def project(point: list[float]) -> str:
        x = (point[0] - min_x) * x_scale * scale
        y = (max_y - point[1]) * scale
        return f"{x:.1f},{y:.1f}"

    paths = []
    for area in areas:
        d = " ".join(
            "M" + " L".join(project(p) for p in ring) + " Z" for ring in _rings(area.geometry)
        )
        css = "app-map__area app-map__area--highlighted" if area.highlighted else "app-map__area"
        paths.append(f'<path class="{css}" d="{d}"><title>{escape(area.name)}</title></path>')
    return Markup(
        f'<svg class="app-map" role="img" aria-labelledby="map-title" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="map-title">{escape(title)}</title>{"".join(paths)}</svg>'
    )
