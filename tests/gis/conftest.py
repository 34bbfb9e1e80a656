"""The server under test: scripts/test-gis starts it and passes its root URL."""

import json
import os
import urllib.request

import pytest


@pytest.fixture(scope="session")
def server() -> str:
    url = os.environ.get("FRONTLINE_URL")
    if not url:
        pytest.fail("FRONTLINE_URL is not set: run these tests through scripts/test-gis")
    return url.rstrip("/")


def fetch(url: str) -> tuple[str, object]:
    """GET a URL; returns the content type and the parsed JSON body."""
    with urllib.request.urlopen(url) as response:
        return response.headers.get("Content-Type", ""), json.load(response)
