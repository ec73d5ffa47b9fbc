"""The dashboard map's optional online tile layer (settings.DASHBOARD_MAP_TILE_URL): off by default (the map
is the server's drawing alone, no address outside the site), and when on, every school's dot sits on the
tile that the standard slippy-map numbering gives for its coordinates."""

import math
import re

import pytest
from django.test import Client

from dashboard.views import MAP_H, MAP_W
from tests import factories as f
from visits.reports import drawings

pytestmark = pytest.mark.django_db

TILES = "https://tiles.example.test/{z}/{x}/{y}.png"
SCHOOLS = [(15.2447, 104.8472), (15.8656, 104.6258), (14.9500, 105.1300), (15.5000, 104.4000)]


def slippy_tile(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    """The OpenStreetMap tile numbering (wiki.openstreetmap.org/wiki/Slippy_map_tilenames)."""
    n = 2**zoom
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def test_each_dot_sits_on_the_tile_of_its_coordinates():
    spec = drawings.MapSpec(
        "t",
        tuple(drawings.MapPoint(lat, lon, "approved") for lat, lon in SCHOOLS),
        (),
        (("approved", "อนุมัติแล้ว", drawings.APPROVED),),
    )
    width, height = MAP_W, MAP_H  # as the dashboard draws it
    tiles = drawings.map_tiles(spec, TILES, width, height)
    assert tiles
    by_url = {t["url"]: t for t in tiles}
    zoom = int(re.match(r"https://tiles\.example\.test/(\d+)/", tiles[0]["url"]).group(1))
    assert 6 <= zoom <= 12  # a provincial map, not the world and not one street
    plot_h = height - drawings.MAP_LEGEND_H - drawings.MAP_TITLE_H
    project, _ = drawings.map_frame([a for a, _ in SCHOOLS], [b for _, b in SCHOOLS], width, plot_h)
    for lat, lon in SCHOOLS:
        x, y_up = project(lat, lon)
        left_pct = 100 * x / width
        top_pct = 100 * (height - drawings.MAP_LEGEND_H - y_up) / height  # the SVG's y runs downwards
        tx, ty = slippy_tile(lat, lon, zoom)
        tile = by_url[TILES.format(z=zoom, x=tx, y=ty)]
        assert tile["left"] <= left_pct <= tile["left"] + tile["width"], (lat, lon)
        assert tile["top"] <= top_pct <= tile["top"] + tile["height"], (lat, lon)
    # The tiles cover the whole drawing and no more than one tile beyond it on any side.
    assert min(t["left"] for t in tiles) <= 0 and max(t["left"] + t["width"] for t in tiles) >= 100
    assert min(t["top"] for t in tiles) <= 100 * drawings.MAP_TITLE_H / height
    assert max(t["top"] + t["height"] for t in tiles) >= 100 * (height - drawings.MAP_LEGEND_H) / height


@pytest.fixture
def mapped_round(actors):
    rnd = f.RoundFactory(office=actors.office, instrument=f.InstrumentVersionFactory(), status="published")
    district = f.DistrictFactory(latitude=15.25, longitude=104.85, radius_km=30)
    for n, (lat, lon) in enumerate(SCHOOLS):
        school = f.SchoolFactory(office=actors.office, district=district, latitude=lat, longitude=lon)
        a = f.AssignmentFactory(round=rnd, committee=actors.committee_a, school=school)
        if n % 2 == 0:
            f.VisitFactory(assignment=a, status="approved", score=80.0 - n)
    return rnd


def test_the_page_has_no_outside_address_unless_a_tile_url_is_set(actors, mapped_round, settings):
    client = Client()
    client.force_login(actors.oscar.user)
    settings.DASHBOARD_MAP_TILE_URL = ""
    html = client.get(f"/dashboard/?round={mapped_round.slug}").content.decode()
    assert "tiles.example.test" not in html and 'class="tiles"' not in html
    assert html.count("<circle") >= len(SCHOOLS)  # the drawn map is there all the same

    settings.DASHBOARD_MAP_TILE_URL = TILES
    settings.DASHBOARD_MAP_TILE_ATTRIBUTION = "© ผู้ร่วมพัฒนา OpenStreetMap"
    html = client.get(f"/dashboard/?round={mapped_round.slug}").content.decode()
    layer = re.search(r'<div class="tiles">(.*?)</div>', html, re.S).group(1)
    srcs = re.findall(r'src="(https://tiles\.example\.test/\d+/\d+/\d+\.png)"', layer)
    assert srcs and len(srcs) == layer.count("<img")
    assert "© ผู้ร่วมพัฒนา OpenStreetMap" in html
    assert html.index('class="tiles"') < html.index("<svg", html.index('class="map"'))  # under the dots
