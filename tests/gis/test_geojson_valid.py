"""Every GeoJSON document the server serves passes geojson-validator: the RFC 7946 structure, and
the geometry checks (closed rings, right-hand rule, lon/lat ranges, precision, duplicates)."""

import geojson_validator
import pytest

from conftest import fetch

DATES = ["2016-11-01", "2017-01-24", "2017-06-03", "2017-07-10"]
# Dates with a front line to check (on victory day, 10 July 2017, there is none in Mosul).
FRONT_DATES = ["2016-11-01", "2017-01-24", "2017-03-07", "2017-06-03"]
LAYERS = ["water", "bridges", "landmarks", "places", "admin", "locator"]

PATHS = (
    ["/api/districts", "/api/borders"]
    + [f"/api/snapshot?at={d}" for d in DATES]
    + [f"/api/frontline?at={d}" for d in FRONT_DATES]
    + [f"/api/context/{layer}" for layer in LAYERS]
    + ["/api/snapshot?at=2017-06-03&bbox=43.05,36.30,43.20,36.40"]
    + [f"/ogc/collections/{c}/items?limit=10000" for c in ["districts", "control", "frontline"]]
    + [f"/ogc/collections/control/items?datetime={d}&limit=10000" for d in DATES]
    + ["/ogc/collections/frontline/items?datetime=2017-06-03&limit=10000"]
    + ["/ogc/collections/districts/items/zanjili", "/ogc/collections/control/items/zanjili@2017-05-30"]
    + ["/api/export/geojson"]
    + [f"/ogc/collections/{c}/items?limit=10000" for c in ["events", "sites"]]
    + ["/ogc/collections/events/items?datetime=2017-03-11/2017-03-17", "/ogc/collections/sites/items?datetime=2017-02-05"]
    + ["/ogc/collections/events/items/2017-03-17-jadida-strike", "/ogc/collections/sites/items/hasansham-u3"]
    + ["/api/events", "/api/events?datetime=2017-06-01/2017-06-07", "/api/events/2017-03-17-jadida-strike"]
    + ["/api/sites", "/api/sites?at=2017-02-05"]
)


def assert_valid(document: dict) -> None:
    structure = geojson_validator.validate_structure(document, check_crs=True)
    assert structure == {}, structure
    geometries = geojson_validator.validate_geometries(document)
    assert geometries["invalid"] == {}, geometries["invalid"]
    assert geometries["problematic"] == {}, geometries["problematic"]
    assert geometries["skipped_validation"] == []


@pytest.mark.parametrize("path", PATHS)
def test_served_geojson_is_valid(server: str, path: str) -> None:
    content_type, document = fetch(server + path)
    assert content_type == "application/geo+json", content_type
    if document["type"] == "FeatureCollection":
        assert document["features"], f"{path} has features to check"
    assert_valid(document)


def test_the_validator_catches_a_clockwise_ring() -> None:
    """The checks above can fail: a clockwise exterior ring breaks the right-hand rule."""
    clockwise = {"type": "Polygon", "coordinates": [[[43.0, 36.0], [43.0, 36.1], [43.1, 36.1], [43.1, 36.0], [43.0, 36.0]]]}
    with pytest.raises(AssertionError):
        assert_valid({"type": "Feature", "properties": {}, "geometry": clockwise})
