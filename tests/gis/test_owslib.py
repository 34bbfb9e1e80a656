"""OWSLib's OGC API – Features client (owslib.ogcapi.features.Features) against the server.

Every answer is checked against an oracle we did not compute with the server: the rows of
data/mosul/control.csv and districts.geojson, and, for the map at an instant, our own
/api/snapshot."""

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest
from owslib.ogcapi.features import Features

from conftest import fetch

DATA = Path(__file__).resolve().parents[2] / "data" / "mosul"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
# The map before the offensive, during it, at 17 Tammuz's hand-over instants (13 and 20 May 2017),
# at an hour inside a day, and on victory day.
INSTANTS = [
    "2016-10-01T00:00:00Z",
    "2016-11-01T00:00:00Z",
    "2017-01-24T00:00:00Z",
    "2017-03-07T12:00:00Z",
    "2017-05-13T00:00:00Z",
    "2017-05-20T00:00:00Z",
    "2017-06-03T00:00:00Z",
    "2017-07-10T00:00:00Z",
]
# West Mosul's old city and its edge (lon, lat).
BBOX = [43.10, 36.32, 43.15, 36.36]


def instant(text: str) -> datetime:
    """A CSV date or an RFC 3339 date-time, as an aware datetime."""
    if "T" not in text:
        text += "T00:00:00Z"
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def until(text: str | None) -> datetime | None:
    """The end of a state: `None` (JSON null) or empty (CSV) while it still holds."""
    return instant(text) if text else None


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with open(DATA / "control.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def api(server: str) -> Features:
    return Features(server + "/ogc")


def csv_map_at(rows: list[dict], at: str) -> dict[str, dict]:
    """District id -> the CSV row holding at `at` (half-open [valid_from, valid_to))."""
    t = instant(at)
    held = {}
    for r in rows:
        if instant(r["valid_from"]) <= t and (not r["valid_to"] or t < instant(r["valid_to"])):
            assert r["district"] not in held, f"two states of {r['district']} at {at}"
            held[r["district"]] = r
    return held


def all_items(api: Features, collection: str, page: int, **params) -> tuple[list[dict], list[int]]:
    """Every feature, `page` at a time with limit/offset; also numberMatched of each page."""
    features, matched = [], []
    while True:
        body = api.collection_items(collection, limit=page, offset=len(features), **params)
        assert body["type"] == "FeatureCollection"
        assert body["numberReturned"] == len(body["features"])
        matched.append(body["numberMatched"])
        features += body["features"]
        rels = {link["rel"] for link in body["links"]}
        if len(body["features"]) < page or "next" not in rels:
            assert len(features) == body["numberMatched"]
            assert "next" not in rels, "the last page links to no next page"
            return features, matched
        assert len(body["features"]) == page


def test_landing_page_links_the_api_conformance_and_collections(api: Features, server: str) -> None:
    assert api.response["title"] == "Frontline"
    by_rel = {link["rel"]: link for link in api.links}
    assert by_rel["conformance"]["href"] == f"{server}/ogc/conformance"
    assert by_rel["data"]["href"] == f"{server}/ogc/collections"
    assert by_rel["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"


def test_openapi_document_describes_the_items_paths(api: Features) -> None:
    document = api.api()
    assert document["openapi"].startswith("3.0")
    for c in ["districts", "control", "frontline"]:
        assert f"/collections/{c}/items" in document["paths"]
        assert f"/collections/{c}/items/{{featureId}}" in document["paths"]


def test_conformance_declares_core_geojson_filter_sorting_and_properties(api: Features) -> None:
    classes = set(api.conformance()["conformsTo"])
    for c in [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/ogcapi-features-8/1.0/conf/sorting",
        "http://www.opengis.net/spec/ogcapi-features-6/1.0/conf/property-selection",
    ]:
        assert c in classes, c


def test_feature_collections_are_districts_control_frontline_events_and_sites(api: Features) -> None:
    assert api.feature_collections() == ["districts", "control", "frontline", "events", "sites"]
    listed = {c["id"]: c for c in api.collections()["collections"]}
    assert listed["control"] == api.collection("control"), "the list and the collection agree"


def test_control_extent_spans_the_districts_and_the_first_state_onwards(api: Features, rows: list[dict]) -> None:
    # Arrange: the bounds of districts.geojson and the earliest state in control.csv.
    xs, ys = [], []

    def walk(c: list) -> None:
        if isinstance(c[0], (int, float)):
            xs.append(c[0])
            ys.append(c[1])
        else:
            for part in c:
                walk(part)

    for f in json.loads((DATA / "districts.geojson").read_text(encoding="utf-8"))["features"]:
        walk(f["geometry"]["coordinates"])
    first = min(instant(r["valid_from"]) for r in rows)
    still_open = any(not r["valid_to"] for r in rows)

    # Act
    control = api.collection("control")

    # Assert
    spatial = control["extent"]["spatial"]
    assert spatial["crs"] == CRS84
    assert spatial["bbox"][0] == pytest.approx([min(xs), min(ys), max(xs), max(ys)], abs=1e-6)
    (start, end), = control["extent"]["temporal"]["interval"]
    assert instant(start) == first
    assert still_open and end is None, "states that still hold leave the interval open"
    assert control["crs"] == [CRS84, EPSG4326]
    assert "temporal" not in api.collection("districts")["extent"], "districts have no time"


def test_control_queryables_list_every_property_with_the_valid_values(api: Features) -> None:
    queryables = api.collection_queryables("control")
    props = queryables["properties"]
    assert set(props) == {
        "district", "name", "group", "status", "faction", "factions",
        "valid_from", "valid_to", "confidence", "sources", "note",
    }
    assert props["status"]["enum"] == ["held", "contested"]
    factions = [r["id"] for r in csv.DictReader(open(DATA / "factions.csv", encoding="utf-8"))]
    assert props["faction"]["enum"] == factions + [None]
    assert props["valid_from"]["format"] == "date-time"
    schema = api.collection_schema("control")
    assert schema["properties"]["valid_from"]["x-ogc-role"] == "primary-interval-start"
    assert schema["properties"]["valid_to"]["x-ogc-role"] == "primary-interval-end"


def test_control_links_its_sortables_and_its_exports_as_bulk_downloads(
    api: Features, server: str, rows: list[dict]
) -> None:
    links = api.collection("control")["links"]
    sortables = next(link for link in links if link["rel"] == "http://www.opengis.net/def/rel/ogc/1.0/sortables")
    _, document = fetch(sortables["href"])
    assert set(document["properties"]) == set(api.collection_queryables("control")["properties"])
    enclosures = {link["type"]: link["href"] for link in links if link["rel"] == "enclosure"}
    assert enclosures["application/geo+json"] == f"{server}/api/export/geojson"
    assert enclosures["application/vnd.flatgeobuf"] == f"{server}/api/export/fgb"
    _, download = fetch(enclosures["application/geo+json"])
    assert len(download["features"]) == len(rows)


def test_paging_through_control_returns_every_state_in_control_csv_once(api: Features, rows: list[dict]) -> None:
    # Act: pages of 37 so that the last page is a partial one.
    features, matched = all_items(api, "control", 37)

    # Assert
    assert set(matched) == {len(rows)}, "numberMatched is the same on every page"
    ids = [f["id"] for f in features]
    assert len(ids) == len(set(ids)) == len(rows)
    assert set(ids) == {f"{r['district']}@{r['valid_from']}" for r in rows}
    by_id = {f["id"]: f["properties"] for f in features}
    for r in rows:
        p = by_id[f"{r['district']}@{r['valid_from']}"]
        assert (p["status"], p["factions"], p["confidence"], p["sources"]) == (
            r["status"], r["factions"], r["confidence"], r["sources"]
        )
        assert instant(p["valid_from"]) == instant(r["valid_from"])
        assert until(p["valid_to"]) == until(r["valid_to"])


def test_paging_by_bbox_and_datetime_keeps_the_filters(api: Features, server: str, rows: list[dict]) -> None:
    at = "2017-06-03T00:00:00Z"
    features, matched = all_items(api, "control", 5, bbox=BBOX, datetime_=at)
    assert len(set(matched)) == 1 and 5 < matched[0] < len(rows), "several pages, fewer than all"
    # Our own API's map of the same box at the same instant: the districts that have a state.
    _, snapshot = fetch(f"{server}/api/snapshot?at={at}&bbox={','.join(map(str, BBOX))}")
    expected = {f["id"] for f in snapshot["features"] if f["properties"]["status"] != "unknown"}
    assert expected and {f["properties"]["district"] for f in features} == expected


@pytest.mark.parametrize("at", INSTANTS)
def test_a_datetime_instant_gives_exactly_the_map_at_that_instant(
    api: Features, server: str, rows: list[dict], at: str
) -> None:
    # Act
    body = api.collection_items("control", datetime_=at, limit=10000)
    _, snapshot = fetch(f"{server}/api/snapshot?at={at}")

    # Assert: one state per district, the one our snapshot and control.csv say.
    got = {f["properties"]["district"]: f["properties"] for f in body["features"]}
    assert len(got) == len(body["features"]) == body["numberMatched"]
    mapped = {
        f["id"]: (f["properties"]["status"], f["properties"]["faction"], ";".join(f["properties"]["factions"]))
        for f in snapshot["features"]
        if f["properties"]["status"] != "unknown"
    }
    assert {d: (p["status"], p["faction"], p["factions"]) for d, p in got.items()} == mapped
    oracle = csv_map_at(rows, at)
    assert {d: (p["status"], p["factions"]) for d, p in got.items()} == {
        d: (r["status"], r["factions"]) for d, r in oracle.items()
    }
    for p in got.values():
        assert instant(p["valid_from"]) <= instant(at)
        assert p["valid_to"] is None or instant(at) < instant(p["valid_to"])


def test_at_a_hand_over_instant_only_the_newer_state_is_returned(api: Features) -> None:
    # 17 Tammuz went from held by ISIL to contested at 2017-05-13T00:00:00Z.
    body = api.collection_items("control", datetime_="2017-05-13T00:00:00Z", district="17-tammuz")
    assert [f["id"] for f in body["features"]] == ["17-tammuz@2017-05-13"]
    assert body["features"][0]["properties"]["status"] == "contested"


def test_a_datetime_interval_returns_every_state_that_meets_it(api: Features, rows: list[dict]) -> None:
    body = api.collection_items("control", datetime_="2017-05-14T00:00:00Z/2017-05-25T00:00:00Z", limit=10000)
    lo, hi = instant("2017-05-14"), instant("2017-05-25")
    expected = {
        f"{r['district']}@{r['valid_from']}"
        for r in rows
        if instant(r["valid_from"]) <= hi and (not r["valid_to"] or lo < instant(r["valid_to"]))
    }
    assert {f["id"] for f in body["features"]} == expected
    assert "17-tammuz@2017-05-13" in expected and "17-tammuz@2017-05-20" in expected


def test_a_cql2_text_filter_selects_the_contested_states_of_2017(api: Features, rows: list[dict]) -> None:
    text = "status = 'contested' AND valid_from >= TIMESTAMP('2017-01-01T00:00:00Z')"
    body = api.collection_items("control", filter=text, limit=10000, **{"filter-lang": "cql2-text"})
    expected = {
        f"{r['district']}@{r['valid_from']}"
        for r in rows
        if r["status"] == "contested" and instant(r["valid_from"]) >= instant("2017-01-01")
    }
    assert expected and {f["id"] for f in body["features"]} == expected
    assert body["numberMatched"] == len(expected)


def test_a_cql2_filter_with_in_and_is_null_finds_the_states_that_still_hold(api: Features, rows: list[dict]) -> None:
    text = "district IN ('zanjili', '17-tammuz', 'gogjali') AND valid_to IS NULL"
    body = api.collection_items("control", filter=text)
    assert sorted(f["id"] for f in body["features"]) == sorted(
        f"{r['district']}@{r['valid_from']}"
        for r in rows
        if r["district"] in {"zanjili", "17-tammuz", "gogjali"} and not r["valid_to"]
    )
    assert {f["properties"]["faction"] for f in body["features"]} == {"isf"}


def test_a_malformed_filter_is_refused_with_the_reason(api: Features) -> None:
    with pytest.raises(RuntimeError) as refused:
        api.collection_items("control", filter="status = ")
    problem = json.loads(str(refused.value))
    assert problem["status"] == 400
    assert "filter" in problem["detail"] and "CQL2" in problem["detail"]


def test_sortby_descending_valid_from_orders_every_state(api: Features, rows: list[dict]) -> None:
    body = api.collection_items("control", sortby=("valid_from", "desc"), limit=10000)
    got = [instant(f["properties"]["valid_from"]) for f in body["features"]]
    assert got == sorted((instant(r["valid_from"]) for r in rows), reverse=True)
    ascending = api.collection_items("districts", sortby=("area_km2", "asc"), limit=10000)
    areas = [f["properties"]["area_km2"] for f in ascending["features"]]
    assert len(areas) == 104 and areas == sorted(areas)


def test_properties_and_skip_geometry_trim_the_features(api: Features) -> None:
    body = api.collection_items(
        "control", properties="district,status,faction", skipGeometry=True, limit=3
    )
    assert len(body["features"]) == 3
    for f in body["features"]:
        assert f["geometry"] is None
        assert set(f["properties"]) == {"district", "status", "faction"}
    full = api.collection_items("control", limit=3)
    assert [f["id"] for f in full["features"]] == [f["id"] for f in body["features"]]
    assert full["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_an_item_by_id_is_the_state_in_control_csv(api: Features, server: str, rows: list[dict]) -> None:
    row = next(r for r in rows if r["district"] == "zanjili" and r["valid_from"] == "2017-05-30")
    feature = api.collection_item("control", "zanjili@2017-05-30")
    assert feature["id"] == "zanjili@2017-05-30"
    p = feature["properties"]
    assert (p["district"], p["status"], p["faction"], p["factions"]) == ("zanjili", "contested", None, "isf;isil")
    assert instant(p["valid_to"]) == instant(row["valid_to"])
    assert p["sources"] == row["sources"] and p["confidence"] == row["confidence"]
    by_rel = {link["rel"]: link["href"] for link in feature["links"]}
    assert by_rel["self"] == f"{server}/ogc/collections/control/items/zanjili@2017-05-30"
    with pytest.raises(RuntimeError, match="no feature"):
        api.collection_item("control", "zanjili@1999-01-01")


def test_epsg_4326_output_puts_latitude_first_and_says_so(api: Features) -> None:
    plain = api.collection_item("districts", "zanjili")
    swapped = api.collection_items("districts", crs=EPSG4326, filter="name = 'Zanjili'")
    assert api.response_headers["Content-Crs"] == f"<{EPSG4326}>"
    lon, lat = plain["geometry"]["coordinates"][0][0][0]
    assert swapped["features"][0]["geometry"]["coordinates"][0][0][0] == [lat, lon]
