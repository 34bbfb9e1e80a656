"""The GeoParquet export read by pyarrow and GeoPandas: the GeoParquet 1.1 metadata, one row per
control state with the values the OGC API serves, geometries equal to the API's, the bbox
covering usable for row-group pruning, and the map at an instant equal to /api/snapshot."""

import io
import json
import urllib.request

import geopandas
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
import shapely
from shapely.geometry import shape

from conftest import fetch


@pytest.fixture(scope="module")
def parquet(server: str) -> bytes:
    with urllib.request.urlopen(server + "/api/export/parquet") as response:
        assert response.headers["Content-Type"] == "application/vnd.apache.parquet"
        assert "frontline-control.parquet" in response.headers["Content-Disposition"]
        return response.read()


@pytest.fixture(scope="module")
def states(server: str) -> dict:
    _, page = fetch(server + "/ogc/collections/control/items?limit=10000")
    assert page["numberMatched"] == page["numberReturned"]
    return {f["id"]: f for f in page["features"]}


def test_the_file_declares_geoparquet_1_1_with_a_bbox_covering(parquet: bytes) -> None:
    table = pq.read_table(io.BytesIO(parquet))
    geo = json.loads(table.schema.metadata[b"geo"])
    assert geo["version"] == "1.1.0"
    assert geo["primary_column"] == "geometry"
    column = geo["columns"]["geometry"]
    assert column["encoding"] == "WKB"
    assert column["geometry_types"] == ["MultiPolygon"]
    assert "crs" not in column  # OGC:CRS84, lon/lat
    assert column["covering"]["bbox"]["xmin"] == ["bbox", "xmin"]
    xmin, ymin, xmax, ymax = column["bbox"]
    assert 38 < xmin < xmax < 44 and 35 < ymin < ymax < 37
    assert str(table.schema.field("valid_from").type) == "timestamp[ms, tz=UTC]"
    assert str(table.schema.field("factions").type).startswith("list<element: string")


def test_every_state_has_the_values_and_geometry_the_ogc_api_serves(
    parquet: bytes, states: dict
) -> None:
    frame = geopandas.read_parquet(io.BytesIO(parquet))
    assert str(frame.crs) == "OGC:CRS84"
    assert len(frame) == len(states)
    assert set(frame["id"]) == set(states)
    for row in frame.itertuples():
        feature = states[row.id]
        p = feature["properties"]
        assert row.district == p["district"]
        assert row.status == p["status"]
        assert (row.faction if isinstance(row.faction, str) else None) == p["faction"]
        assert list(row.factions) == p["factions"].split(";")
        assert list(row.sources) == p["sources"].split(";")
        assert row.valid_from.isoformat().replace("+00:00", "Z") == p["valid_from"]
        if p["valid_to"] is None:
            assert row.valid_to is None or str(row.valid_to) == "NaT"
        else:
            assert row.valid_to.isoformat().replace("+00:00", "Z") == p["valid_to"]
        assert row.geometry.geom_type == "MultiPolygon"
        assert row.geometry.equals(shape(feature["geometry"])), row.id
    # The covering column (GeoPandas reads it as the covering, not as a column) holds the bounds.
    table = pq.read_table(io.BytesIO(parquet), columns=["id", "bbox"])
    bounds = dict(zip(frame["id"], frame.geometry.bounds.itertuples(index=False)))
    for state_id, box in zip(table["id"].to_pylist(), table["bbox"].to_pylist()):
        want = bounds[state_id]
        assert (box["xmin"], box["ymin"], box["xmax"], box["ymax"]) == pytest.approx(tuple(want))


def test_the_map_at_an_instant_is_the_snapshot(parquet: bytes, server: str) -> None:
    table = pq.read_table(io.BytesIO(parquet))
    for day in ["2016-10-17", "2017-01-24", "2017-06-03", "2017-07-10"]:
        t = pc.strptime(f"{day}T00:00:00", format="%Y-%m-%dT%H:%M:%S", unit="ms")
        t = pc.assume_timezone(t, "UTC")
        holds = pc.and_(
            pc.less_equal(table["valid_from"], t),
            pc.or_kleene(pc.is_null(table["valid_to"]), pc.greater(table["valid_to"], t)),
        )
        at = table.filter(holds)
        got = dict(zip(at["district"].to_pylist(), at["status"].to_pylist()))
        _, snapshot = fetch(f"{server}/api/snapshot?at={day}")
        want = {
            f["id"]: f["properties"]["status"]
            for f in snapshot["features"]
            if f["properties"]["status"] != "unknown"
        }
        assert got == want, day


def test_a_bbox_filter_on_the_covering_selects_the_districts_in_the_box(parquet: bytes) -> None:
    box = (43.05, 36.30, 43.20, 36.40)
    dataset = ds.dataset(pq.read_table(io.BytesIO(parquet)))
    hit = dataset.to_table(
        filter=(ds.field("bbox", "xmax") >= box[0]) & (ds.field("bbox", "xmin") <= box[2])
        & (ds.field("bbox", "ymax") >= box[1]) & (ds.field("bbox", "ymin") <= box[3])
    )
    frame = geopandas.read_parquet(io.BytesIO(parquet))
    inside = frame[frame.intersects(shapely.box(*box))]
    assert set(hit["id"].to_pylist()) >= set(inside["id"])
    assert 0 < hit.num_rows < len(frame)
