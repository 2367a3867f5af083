"""The server-side SVG map of neighbourhoods."""

from bs4 import BeautifulSoup

from grants.reference.maps import MapArea, render_svg

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-2.6, 53.5], [-2.5, 53.5], [-2.5, 53.6], [-2.6, 53.6], [-2.6, 53.5]]],
}
TRIANGLE = {
    "type": "Polygon",
    "coordinates": [[[-2.5, 53.5], [-2.4, 53.5], [-2.45, 53.55], [-2.5, 53.5]]],
}
TWO_ISLANDS = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[-2.7, 53.4], [-2.65, 53.4], [-2.65, 53.45], [-2.7, 53.4]]],
        [[[-2.3, 53.7], [-2.25, 53.7], [-2.25, 53.75], [-2.3, 53.7]]],
    ],
}


def parse(markup):
    return BeautifulSoup(str(markup), "html.parser").svg


def test_the_map_is_an_image_with_a_title():
    svg = parse(render_svg([MapArea("E05000840", "Abram", SQUARE)], title="Wigan's wards"))
    assert svg["role"] == "img"
    assert svg["aria-labelledby"] == "map-title"
    assert svg.select_one("title#map-title").get_text() == "Wigan's wards"
    assert svg["viewbox"].startswith("0 0 640 ")


def test_each_area_is_one_path_named_by_its_title():
    svg = parse(
        render_svg([MapArea("A", "Abram", SQUARE), MapArea("B", "Hindley", TRIANGLE)], title="Map")
    )
    paths = svg.find_all("path")
    assert [path.title.get_text() for path in paths] == ["Abram", "Hindley"]
    assert paths[0]["d"].startswith("M") and paths[0]["d"].endswith("Z")


def test_names_are_escaped():
    markup = str(
        render_svg([MapArea("A", "<script>alert(1)</script> & co", SQUARE)], title="<b>Map</b>")
    )
    assert "<script>" not in markup and "<b>" not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in markup
    assert parse(markup).path.title.get_text() == "<script>alert(1)</script> & co"


def test_a_multipolygon_is_one_path_with_a_ring_per_part():
    svg = parse(render_svg([MapArea("A", "Islands", TWO_ISLANDS)], title="Map"))
    [path] = svg.find_all("path")
    assert path["d"].count("M") == 2 and path["d"].count("Z") == 2


def test_the_highlighted_area_is_marked_for_styling():
    svg = parse(
        render_svg(
            [MapArea("A", "Abram", SQUARE, highlighted=True), MapArea("B", "Hindley", TRIANGLE)],
            title="Map",
        )
    )
    first, second = svg.find_all("path")
    assert "app-map__area--highlighted" in first["class"]
    assert "app-map__area--highlighted" not in second["class"]


def test_every_point_lands_inside_the_picture():
    svg = parse(
        render_svg(
            [MapArea("A", "Abram", SQUARE), MapArea("B", "Islands", TWO_ISLANDS)],
            title="Map",
            width=300,
        )
    )
    _, _, width, height = (float(n) for n in svg["viewbox"].split())
    for path in svg.find_all("path"):
        for pair in path["d"].replace("M", " ").replace("L", " ").replace("Z", " ").split():
            x, y = (float(n) for n in pair.split(","))
            assert 0 <= x <= width and 0 <= y <= height


def test_no_geometry_means_no_map():
    assert render_svg([], title="Map") == ""
    assert render_svg([MapArea("A", "Nowhere", {})], title="Map") == ""
