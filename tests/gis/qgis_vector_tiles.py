#!/usr/bin/env python3
"""QGIS, headless, reads the dated vector tiles of a running server as a vector tile layer.

Run by scripts/test-gis with Debian's python3 (PyQGIS lives there, not in the gis venv):

    FRONTLINE_URL=http://127.0.0.1:PORT QT_QPA_PLATFORM=offscreen /usr/bin/python3 \
        tests/gis/qgis_vector_tiles.py [ARTIFACTS_DIR]

Against the Mosul data on 2017-06-03 it checks that

- a `QgsVectorTileLayer` opened from the XYZ template (as QGIS itself writes the URI, with the
  `url` value percent-encoded, and as a person would type it) is valid, with the TileJSON's
  template and zoom range;
- QGIS's own loader and MVT decoder (driven by rendering the layer, the only way PyQGIS 3.22
  reaches them) give the `control` layer of the z12 tiles holding Zanjili and Rashidiya with the
  district's properties exactly as `/api/snapshot` has them at that instant, and the `frontline`
  layer of the Old City's z12 tile with borders and sides as `/api/frontline` has them;
- every tile QGIS decoded holds each district and border of the API inside it, nothing beyond
  its buffer, and every district with the API's properties;
- the layer renders over Mosul, with QGIS's parallel renderer, to a PNG (ARTIFACTS_DIR, default
  artifacts/) showing each kind of district the API has there (contested, held by ISIL, held by
  others) and the front line.

Exits 1 listing every failed check.
"""

import json
import math
import os
import sys
import time
import urllib.parse
import urllib.request

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsDataSourceUri,
    QgsExpression,
    QgsExpressionContext,
    QgsFeature,
    QgsField,
    QgsFields,
    QgsFillSymbol,
    QgsGeometry,
    QgsJsonUtils,
    QgsLineSymbol,
    QgsMapRendererCustomPainterJob,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsTileMatrix,
    QgsTileXYZ,
    QgsVectorTileBasicRenderer,
    QgsVectorTileBasicRendererStyle,
    QgsVectorTileLayer,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QEventLoop, QSize, QTimer, QVariant
from qgis.PyQt.QtGui import QColor, QImage, QPainter

AT = "2017-06-03T00:00:00Z"
ZOOM = 12
CONTROL_FIELDS = ["id", "name", "group", "status", "faction", "factions", "confidence",
                  "valid_from", "valid_to"]
FRONT_FIELDS = ["district_a", "district_b", "side_a", "side_b", "length_km", "across_gap_km"]
# The Old City, on the west bank, where the front ran in June 2017.
OLD_CITY = (43.128, 36.340)

failures = []


def check(ok, message):
    if not ok:
        failures.append(message)
        print(f"FAIL: {message}", file=sys.stderr, flush=True)
    return ok


def finish(code):
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip QGIS's teardown, which can crash on exit in a headless process.
    os._exit(code)


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def plain(value):
    """A QVariant-ish attribute as plain Python (NULL as None)."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    return value


class CapturingRenderer(QgsVectorTileBasicRenderer):
    """QGIS's basic renderer that also keeps what QGIS decoded of each tile it draws.

    QgsVectorTileLoader and QgsVectorTileMVTDecoder have no Python bindings in QGIS 3.22, and
    QgsVectorTileLayer has no getRawTile yet: the decoded features reach Python through
    QgsVectorTileRenderer.renderTile. QGIS decodes only the attributes that the renderer's styles
    use (QgsVectorTileBasicRenderer.usedAttributes), so the styles name every property."""

    def __init__(self, sink, styles):
        super().__init__()
        self.sink = sink
        self.setStyles(styles)

    def clone(self):
        # The layer renders with a clone: it must stay a capturing one.
        return CapturingRenderer(self.sink, self.styles())

    def renderTile(self, tile, context):
        # An exception escaping a virtual called from C++ aborts the process: report it instead.
        try:
            self.keep(tile)
        except Exception:  # noqa: BLE001
            import traceback
            check(False, f"reading tile {tile.id().toString()}: {traceback.format_exc()}")
        super().renderTile(tile, context)

    def keep(self, tile):
        t = tile.id()
        layers = {}
        for name in tile.layers():
            features = []
            for f in tile.layerFeatures(name):
                geometry = f.geometry()
                features.append({
                    "properties": {field.name(): plain(f.attribute(field.name()))
                                   for field in f.fields()},
                    "geometry_type": QgsWkbTypes.geometryType(geometry.wkbType()),
                    "empty": geometry.isEmpty(),
                })
            layers[name] = features
        self.sink[(t.zoomLevel(), t.column(), t.row())] = layers


def every_field_style(layer_name, geometry_type, fields, symbol):
    style = QgsVectorTileBasicRendererStyle(layer_name, layer_name, geometry_type)
    # Always true, and it names every field so that QGIS decodes them all.
    style.setFilterExpression(
        "array_length(array(" + ", ".join(f'"{f}"' for f in fields) + ")) >= 0")
    style.setSymbol(symbol)
    return style


def capturing_renderer(sink):
    fill = QgsFillSymbol.createSimple({"color": "200,200,200,255", "outline_color": "black"})
    line = QgsLineSymbol.createSimple({"line_color": "red", "line_width": "1"})
    return CapturingRenderer(sink, [
        every_field_style("control", QgsWkbTypes.PolygonGeometry, CONTROL_FIELDS, fill),
        every_field_style("frontline", QgsWkbTypes.LineGeometry, FRONT_FIELDS, line),
    ])


def map_settings(layer, extent, size):
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    settings.setExtent(extent)
    settings.setOutputSize(QSize(size, size))
    settings.setOutputDpi(96)
    settings.setBackgroundColor(QColor("white"))
    return settings


def render_tile_extent(layer, tile_extent):
    """Renders exactly one z12 tile's extent at 512 px (so QGIS picks zoom 12), in this thread."""
    image = QImage(512, 512, QImage.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    job = QgsMapRendererCustomPainterJob(map_settings(layer, tile_extent, 512), painter)
    job.renderSynchronously()
    painter.end()
    return image


def render_parallel(settings):
    """Renders with QGIS's multi-threaded job, as the desktop canvas does."""
    job = QgsMapRendererParallelJob(settings)
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    QTimer.singleShot(120_000, loop.quit)
    job.start()
    loop.exec_()
    check(not job.isActive(), "the parallel render did not finish within 2 minutes")
    return job.renderedImage(), job.errors()


def main():
    base = os.environ.get("FRONTLINE_URL", "").rstrip("/")
    if not base:
        print("FRONTLINE_URL is not set: run this through scripts/test-gis", file=sys.stderr)
        finish(2)
    artifacts = sys.argv[1] if len(sys.argv) > 1 else "artifacts"
    started = time.monotonic()

    app = QgsApplication([], False)
    app.initQgis()
    print(f"QGIS {Qgis.version()}", flush=True)

    at_q = urllib.parse.quote(AT, safe="")
    tilejson = get_json(f"{base}/tiles/control.json?at={at_q}")
    template = tilejson["tiles"][0]
    layer_ids = {v["id"] for v in tilejson["vector_layers"]}
    check(layer_ids == {"control", "frontline"}, f"the TileJSON's vector_layers are {layer_ids}")

    # --- The layer, from the URI as QGIS writes it and as typed by hand. ----------------------
    # The URI is a query string: QgsDataSourceUri percent-encodes the url value ({z} as %7Bz%7D,
    # its own "?at=" as "?at%3D"); an unencoded & in it would end the value.
    uri = QgsDataSourceUri()
    uri.setParam("type", "xyz")
    uri.setParam("url", template)
    uri.setParam("zmin", str(tilejson["minzoom"]))
    uri.setParam("zmax", str(tilejson["maxzoom"]))
    encoded = bytes(uri.encodedUri()).decode()
    typed = ("type=xyz&url=" + urllib.parse.quote(template, safe=":/{}?")
             + f"&zmin={tilejson['minzoom']}&zmax={tilejson['maxzoom']}")
    for label, source in [("QGIS-encoded", encoded), ("hand-typed", typed)]:
        layer = QgsVectorTileLayer(source, f"control ({label})")
        if check(layer.isValid(), f"the {label} URI {source} does not give a valid layer"):
            check(layer.sourceType() == "xyz" and layer.sourcePath() == template,
                  f"the {label} URI {source} is read as {layer.sourceType()} "
                  f"{layer.sourcePath()}, not xyz {template}")
            check((layer.sourceMinZoom(), layer.sourceMaxZoom())
                  == (tilejson["minzoom"], tilejson["maxzoom"]),
                  f"zoom range {layer.sourceMinZoom()}–{layer.sourceMaxZoom()}")
    print(f"URI: {encoded}", flush=True)
    print(f"typed URI: {typed}", flush=True)

    # Not checked: QGIS 3.22 has no TileJSON source (only xyz, ArcGIS vector tile services,
    # MBTiles and VTPK), so the TileJSON URL itself is no layer; its template above is.
    tj_layer = QgsVectorTileLayer(
        "type=xyz&url=" + urllib.parse.quote(f"{base}/tiles/control.json?at={at_q}", safe=":/"),
        "control (TileJSON)")
    print(f"TileJSON URL as a vector tile source: valid={tj_layer.isValid()}", flush=True)

    sink = {}
    layer = QgsVectorTileLayer(encoded, "control")
    layer.setRenderer(capturing_renderer(sink))
    QgsProject.instance().addMapLayer(layer)

    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    mercator = QgsCoordinateReferenceSystem("EPSG:3857")
    to_mercator = QgsCoordinateTransform(wgs84, mercator, QgsProject.instance())
    matrix = QgsTileMatrix.fromWebMercator(ZOOM)

    def features_of(path, key_of):
        """An API GeoJSON response as {key: (properties, geometry in EPSG:3857)}."""
        with urllib.request.urlopen(f"{base}{path}", timeout=30) as response:
            body = response.read().decode()
        raw = json.loads(body)["features"]
        parsed = QgsJsonUtils.stringToFeatureList(body, QgsFields())
        check(len(parsed) == len(raw), f"QGIS parsed {len(parsed)} of {len(raw)} in {path}")
        out = {}
        for r, f in zip(raw, parsed):
            g = QgsGeometry(f.geometry())
            g.transform(to_mercator)
            out[key_of(r)] = (r["properties"], g)
        return out

    districts = features_of(f"/api/snapshot?at={at_q}", lambda f: f["id"])
    fronts = features_of(f"/api/frontline?at={at_q}",
                         lambda f: (f["properties"]["district_a"], f["properties"]["district_b"]))

    def tile_of(point):
        t = matrix.mapToTileCoordinates(point)
        return (ZOOM, math.floor(t.x()), math.floor(t.y()))

    def tile_extent(tile):
        z, x, y = tile
        return matrix.tileExtent(QgsTileXYZ(x, y, z))

    def decoded(tile):
        if tile not in sink:
            render_tile_extent(layer, tile_extent(tile))
        check(tile in sink, f"QGIS did not load and decode tile {tile} (it did {sorted(sink)})")
        return sink.get(tile, {})

    def must_and_may(tile, api):
        """Keys of the API's features inside the tile (which it must have) and within its
        64/4096 buffer (which it may have), give or take 16/4096 of a tile for the tile's
        coarser geometry."""
        extent = tile_extent(tile)
        unit = extent.width() / 4096
        inner = QgsGeometry.fromRect(extent.buffered(-16 * unit))
        outer = QgsGeometry.fromRect(extent.buffered((64 + 16) * unit))
        must = {k for k, (_, g) in api.items() if g.intersects(inner)}
        may = {k for k, (_, g) in api.items() if g.intersects(outer)}
        return must, may

    # --- Districts: what QGIS decodes is what the API says. ----------------------------------
    expectations = {
        # The API must say this too, or the data changed and this test needs new examples.
        "zanjili": lambda p: p["status"] == "contested" and "isil" in p["factions"],
        "rashidiya": lambda p: p["status"] == "held" and p["faction"] == "isf",
    }
    for district_id, api_says in expectations.items():
        if not check(district_id in districts, f"/api/snapshot has no {district_id}"):
            continue
        props, geometry = districts[district_id]
        check(api_says(props), f"/api/snapshot at {AT} has {district_id} as {props}")
        tile = tile_of(geometry.pointOnSurface().asPoint())
        layers = decoded(tile)
        if not check("control" in layers, f"tile {tile} has no control layer: {list(layers)}"):
            continue
        mine = [f for f in layers["control"] if f["properties"].get("id") == district_id]
        if not check(len(mine) == 1, f"tile {tile} has {len(mine)} {district_id} features"):
            continue
        got, want = mine[0]["properties"], expected_control(district_id, props)
        check(got == want, f"{district_id} in tile {tile}: QGIS decoded {got}, the API has {want}")
        print(f"{district_id}: tile {tile}: {got}", flush=True)

    # --- The front line in the Old City. ------------------------------------------------------
    old_city = tile_of(to_mercator.transform(QgsPointXY(*OLD_CITY)))
    layers = decoded(old_city)
    check(layers.get("frontline"), f"the Old City's tile {old_city} has no frontline features: "
                                   f"{list(layers)}")
    for f in layers.get("frontline", []):
        got = f["properties"]
        key = (got.get("district_a"), got.get("district_b"))
        check(f["geometry_type"] == QgsWkbTypes.LineGeometry and not f["empty"],
              f"front {key} in tile {old_city} is not a line")
        if check(key in fronts, f"front {key} in tile {old_city} is not in /api/frontline"):
            want = fronts[key][0]
            check((got.get("side_a"), got.get("side_b")) == (want["side_a"], want["side_b"]),
                  f"front {key}: QGIS decoded sides {got.get('side_a')}/{got.get('side_b')}, "
                  f"the API has {want['side_a']}/{want['side_b']}")
            for k in ["length_km", "across_gap_km"]:
                # The API rounds to metres; the tile carries the full number.
                check(isinstance(got.get(k), float) and abs(got[k] - want[k]) <= 0.0005 + 1e-9,
                      f"front {key}: {k} {got.get(k)!r}, the API has {want[k]}")
    print(f"frontline: tile {old_city}: {len(layers.get('frontline', []))} features, e.g. "
          f"{layers['frontline'][0]['properties'] if layers.get('frontline') else None}",
          flush=True)

    # --- Every tile QGIS decoded: all of the API's features there, none else, all agreeing. ---
    for tile, layers in sorted(sink.items()):
        check(set(layers) <= layer_ids, f"tile {tile} has layers {set(layers)}")
        for name, api, key_of in [
            ("control", districts, lambda p: p.get("id")),
            ("frontline", fronts, lambda p: (p.get("district_a"), p.get("district_b"))),
        ]:
            keys = [key_of(f["properties"]) for f in layers.get(name, [])]
            must, may = must_and_may(tile, api)
            check(len(keys) == len(set(keys)), f"tile {tile} {name}: duplicates in {keys}")
            check(must <= set(keys) <= may,
                  f"tile {tile} {name}: missing {sorted(must - set(keys))}, "
                  f"outside {sorted(set(keys) - may)}")
        for f in layers.get("control", []):
            got = f["properties"]
            check(f["geometry_type"] == QgsWkbTypes.PolygonGeometry and not f["empty"],
                  f"{got.get('id')} in tile {tile} is not a polygon")
            if got.get("id") in districts:
                want = expected_control(got["id"], districts[got["id"]][0])
                check(got == want,
                      f"{got['id']} in tile {tile}: QGIS decoded {got}, the API has {want}")

    # --- A picture of Mosul that day, drawn by QGIS's parallel renderer. ---------------------
    styled = QgsVectorTileLayer(encoded, "control (styled)")
    styled.setRenderer(picture_renderer())
    extent = QgsRectangle()
    for tile in sink:
        extent.combineExtentWith(tile_extent(tile))
    image, errors = render_parallel(map_settings(styled, extent, 1024))
    check(not errors, f"render errors: {[e.message for e in errors]}")
    os.makedirs(artifacts, exist_ok=True)
    png = os.path.join(artifacts, "qgis-vector-tiles-2017-06-03.png")
    image.save(png, "PNG")
    counts = colour_counts(image)
    print(f"rendered {png}: {counts} pixels (of every 4th)", flush=True)
    # Each kind of district the API has in the pictured tiles is on it, and the front line.
    shown = {d for layers in sink.values() for d in
             (f["properties"]["id"] for f in layers.get("control", []))}
    for kind, (expression, colour) in PICTURE.items():
        count = sum(1 for d in shown if QgsExpression(expression).evaluate(
            expression_context(districts[d][0])))
        check((counts[kind] > 100) == (count > 0),
              f"{png}: {counts[kind]} pixels {colour.name()} ({kind}) for {count} districts")
    check(counts["front"] > 10, f"no front line ({FRONT_COLOUR.name()}) in {png}")

    print(f"tiles QGIS decoded: {sorted(sink)}; {time.monotonic() - started:.1f} s", flush=True)
    if failures:
        print(f"qgis_vector_tiles: {len(failures)} check(s) failed", file=sys.stderr)
        finish(1)
    print("qgis_vector_tiles: ok", flush=True)
    finish(0)


def expression_context(props):
    """An expression context with a snapshot district's state as its feature."""
    fields = QgsFields()
    for name in ["status", "faction"]:
        fields.append(QgsField(name, QVariant.String))
    feature = QgsFeature(fields)
    for name in ["status", "faction"]:
        feature[name] = props.get(name)
    context = QgsExpressionContext()
    context.setFeature(feature)
    context.setFields(fields)
    return context


def expected_control(district_id, props):
    """The tile's properties of a district, from its snapshot properties."""
    factions = props.get("factions")
    want = {
        "id": district_id,
        "name": props.get("name"),
        "group": props.get("group"),
        "status": props.get("status"),
        "faction": props.get("faction"),
        "factions": ";".join(factions) if isinstance(factions, list) else factions,
        "confidence": props.get("confidence"),
        "valid_from": props.get("valid_from"),
        "valid_to": props.get("valid_to"),
    }
    return want


PICTURE = {
    "contested": ("\"status\" = 'contested'", QColor(255, 140, 0)),
    "held by isil": ("\"faction\" = 'isil'", QColor(60, 60, 60)),
    "held by others": ("\"status\" = 'held' AND \"faction\" <> 'isil'", QColor(40, 90, 200)),
}
FRONT_COLOUR = QColor(255, 0, 0)


def picture_renderer():
    def style(name, layer, geometry_type, expression, symbol):
        s = QgsVectorTileBasicRendererStyle(name, layer, geometry_type)
        s.setFilterExpression(expression)
        s.setSymbol(symbol)
        return s

    styles = [
        style(name, "control", QgsWkbTypes.PolygonGeometry, expression,
              QgsFillSymbol.createSimple({"color": colour.name(), "outline_style": "no"}))
        for name, (expression, colour) in PICTURE.items()
    ]
    styles.append(style("front", "frontline", QgsWkbTypes.LineGeometry, "",
                        QgsLineSymbol.createSimple({"line_color": FRONT_COLOUR.name(),
                                                    "line_width": "1.2"})))
    renderer = QgsVectorTileBasicRenderer()
    renderer.setStyles(styles)
    return renderer


def colour_counts(image):
    """Pixels (of every 4th) of each colour of the picture."""
    wanted = {k: c.rgb() & 0xFFFFFF for k, (_, c) in PICTURE.items()}
    wanted["front"] = FRONT_COLOUR.rgb() & 0xFFFFFF
    counts = {k: 0 for k in wanted}
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            rgb = image.pixel(x, y) & 0xFFFFFF
            for k, w in wanted.items():
                if rgb == w:
                    counts[k] += 1
    return counts


if __name__ == "__main__":
    try:
        main()
    except Exception:  # noqa: BLE001 - any error is a failed test, with its traceback
        import traceback
        traceback.print_exc()
        print("qgis_vector_tiles: error", file=sys.stderr)
        finish(1)
