"""Photos for a story of change: only real JPEGs and PNGs, re-encoded so that no EXIF (GPS
location above all), text chunk or colour profile survives; alt text and the people's agreement
for each; at most five; served only to the group and to staff."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from grants import uploads
from grants.errors import DomainError, InvalidInput, NotAllowed
from grants.extensions import db
from grants.monitoring import photos
from grants.monitoring.models import ReportFile
from grants.monitoring.photos import PhotoDetails
from grants.monitoring.states import FileKind, ReportStatus
from grants.permissions import Role
from tests.factories import make_group, make_user, sign_in
from tests.monitoring.factories import award_in_force, bare_report

pytestmark = pytest.mark.usefixtures("reference_data")

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


def tagged_jpeg(size=(64, 48), orientation: int | None = None, shade: int = 30) -> bytes:
    """A real JPEG carrying GPS tags (Wigan town hall), a camera name and a comment; each
    ``shade`` is a different photo."""
    image = Image.new("RGB", size, (200, shade, 30))
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"
    exif[0x0110] = "Phone model"
    if orientation:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (53.0, 32.0, 44.0)
    gps[3], gps[4] = "W", (2.0, 37.0, 55.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"taken at 12 Acacia Avenue")
    return out.getvalue()


def texted_png() -> bytes:
    image = Image.new("RGBA", (40, 30), (10, 200, 10, 128))
    info = PngImagePlugin.PngInfo()
    info.add_text("Location", "53.54, -2.63")
    info.add_text("Author", "Jo Bloggs")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, icc_profile=b"not really a profile")
    return out.getvalue()


def upload(content: bytes, name: str = "photo.jpg", mimetype: str = "image/jpeg") -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=name, content_type=mimetype)


def details(content: bytes, **overrides) -> PhotoDetails:
    values = {
        "upload": upload(content),
        "alt_text": "Children planting bulbs",
        "people_agreed": True,
    }
    values.update(overrides)
    return PhotoDetails(**values)


def stored_image(photo: ReportFile) -> tuple[bytes, Image.Image]:
    content = uploads.path_of(photo.stored_name).read_bytes()
    return content, Image.open(io.BytesIO(content))


@pytest.fixture
def report():
    ready = award_in_force()
    return ready, bare_report(ready)


def test_the_sample_really_carries_gps_tags():
    original = Image.open(io.BytesIO(tagged_jpeg()))
    assert original.getexif().get_ifd(GPS_IFD)[2] == (53.0, 32.0, 44.0)


def test_a_jpeg_with_gps_tags_comes_out_without_them(report):
    ready, report = report
    photo = photos.add_photo(ready.member, report, details(tagged_jpeg()))
    content, image = stored_image(photo)
    assert image.format == "JPEG"
    assert photo.content_type == "image/jpeg"
    assert not image.getexif()
    assert not image.getexif().get_ifd(GPS_IFD)
    assert "exif" not in image.info and "comment" not in image.info
    assert b"Exif" not in content and b"Acacia" not in content and b"Phone" not in content
    assert photo.sha256 == uploads.sha256_of(content)
    assert photo.size_bytes == len(content)
    assert photo.people_agreed and photo.alt_text == "Children planting bulbs"


def test_a_photo_is_turned_the_way_the_camera_said(report):
    ready, report = report
    photo = photos.add_photo(ready.member, report, details(tagged_jpeg((64, 48), orientation=6)))
    _content, image = stored_image(photo)
    assert image.size == (48, 64)


def test_a_png_loses_its_text_chunks_and_profile(report):
    ready, report = report
    photo = photos.add_photo(
        ready.member,
        report,
        details(texted_png(), upload=upload(texted_png(), "p.png", "image/png")),
    )
    content, image = stored_image(photo)
    assert image.format == "PNG" and photo.content_type == "image/png"
    assert image.text == {}
    assert "icc_profile" not in image.info
    assert b"Jo Bloggs" not in content and b"53.54" not in content
    assert image.mode == "RGBA"  # transparency is kept


@pytest.mark.parametrize(
    "content, name",
    [
        (b"This is not a photo at all, only text.", "photo.jpg"),
        (b"GIF89a" + b"\x00" * 100, "photo.jpg"),
        (b"%PDF-1.7\n" + b"x" * 100, "holiday.png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "broken.jpg"),  # a JPEG's start, and nothing after
    ],
)
def test_a_file_that_is_not_a_jpeg_or_png_is_refused_clearly(report, content, name):
    ready, report = report
    with pytest.raises(InvalidInput) as refused:
        photos.add_photo(ready.member, report, details(content, upload=upload(content, name)))
    assert refused.value.errors == {"photo": photos.NOT_A_PHOTO}
    assert not report.photos()


def test_a_real_gif_is_refused_too(report):
    ready, report = report
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(InvalidInput) as refused:
        photos.add_photo(ready.member, report, details(out.getvalue()))
    assert refused.value.errors["photo"] == photos.NOT_A_PHOTO


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG claiming huge dimensions: it would decode to gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00"))
        + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused_before_it_decodes(report):
    ready, report = report
    bomb = _png_header_only(30_000, 30_000)
    with pytest.raises(InvalidInput) as refused:
        photos.add_photo(ready.member, report, details(bomb, upload=upload(bomb, "b.png")))
    assert "too many pixels" in refused.value.errors["photo"]


def test_a_photo_over_the_size_cap_is_refused(app, report, monkeypatch):
    ready, report = report
    monkeypatch.setitem(app.config, "MAX_PHOTO_BYTES", 1024 * 1024)
    big = io.BytesIO()
    Image.effect_noise((1200, 1200), 100).convert("RGB").save(big, format="PNG")
    assert len(big.getvalue()) > 1024 * 1024
    with pytest.raises(InvalidInput) as refused:
        photos.add_photo(ready.member, report, details(big.getvalue()))
    assert refused.value.errors["photo"] == "The selected photo must be smaller than 1MB"


def test_alt_text_and_the_peoples_agreement_are_required_and_reported_together(report):
    ready, report = report
    with pytest.raises(InvalidInput) as refused:
        photos.add_photo(
            ready.member, report, details(tagged_jpeg(), alt_text="   ", people_agreed=False)
        )
    assert set(refused.value.errors) == {"alt_text", "people_agreed"}
    assert not report.photos()


def test_a_sixth_photo_is_refused(report):
    ready, report = report
    for shade in range(photos.MAX_PHOTOS):
        photos.add_photo(ready.member, report, details(tagged_jpeg(shade=shade * 40)))
    with pytest.raises(DomainError, match="up to 5 photos"):
        photos.add_photo(ready.member, report, details(tagged_jpeg(shade=250)))
    assert len(report.photos()) == photos.MAX_PHOTOS


def test_the_same_photo_twice_is_kept_once(report):
    ready, report = report
    photos.add_photo(ready.member, report, details(tagged_jpeg()))
    with pytest.raises(DomainError, match="already added this photo"):
        photos.add_photo(ready.member, report, details(tagged_jpeg()))
    assert len(report.photos()) == 1


def test_nobody_outside_the_group_adds_a_photo_and_a_sent_report_takes_none(report):
    ready, report = report
    stranger = make_user()
    make_group(stranger)
    with pytest.raises(NotAllowed):
        photos.add_photo(stranger, report, details(tagged_jpeg()))
    report.status = ReportStatus.SUBMITTED
    with pytest.raises(DomainError, match="has been sent"):
        photos.add_photo(ready.member, report, details(tagged_jpeg()))


def test_removing_a_photo_deletes_its_file_after_the_commit(client, report):
    ready, report = report
    photo = photos.add_photo(ready.member, report, details(tagged_jpeg()))
    path = uploads.path_of(photo.stored_name)
    sign_in(client, ready.member)
    response = client.post(f"/reports/{report.id}/story/photos/{photo.id}/remove")
    assert response.status_code == 302
    assert not path.exists()
    assert db.session.scalar(select(ReportFile).where(ReportFile.id == photo.id)) is None


def test_uploading_through_the_page(client, report):
    ready, report = report
    sign_in(client, ready.member)
    response = client.post(
        f"/reports/{report.id}/story/photos",
        data={
            "photo": (io.BytesIO(tagged_jpeg()), "IMG_0001.jpg", "image/jpeg"),
            "alt_text": "Volunteers in the park",
            "people_agreed": "y",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    [photo] = db.session.scalars(select(ReportFile).where(ReportFile.kind == FileKind.PHOTO))
    assert photo.original_name == "IMG_0001.jpg"
    page = client.get(f"/reports/{report.id}/story/photos").get_data(as_text=True)
    assert 'alt="Volunteers in the park"' in page


def test_the_page_keeps_every_error_at_once(client, report):
    ready, report = report
    sign_in(client, ready.member)
    response = client.post(
        f"/reports/{report.id}/story/photos",
        data={"photo": (io.BytesIO(b"nope"), "x.jpg", "image/jpeg"), "alt_text": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert photos.NOT_A_PHOTO in page
    assert "Describe the photo" in page and "agreed to it being used, or do not add it" in page


@pytest.mark.parametrize(
    "who, expected",
    [("member", 200), ("officer", 200), ("finance", 200), ("other_group", 404), ("panel", 404)],
)
def test_a_photo_is_served_only_to_the_group_and_staff(client, report, who, expected):
    ready, report = report
    photo = photos.add_photo(ready.member, report, details(tagged_jpeg()))
    stranger = make_user()
    make_group(stranger)
    people = {
        "member": ready.member,
        "officer": make_user(Role.PROGRAMME_OFFICER),
        "finance": ready.raiser,
        "other_group": stranger,
        "panel": make_user(Role.PANEL_MEMBER),
    }
    sign_in(client, people[who])
    response = client.get(f"/reports/{report.id}/photos/{photo.id}")
    response.get_data()
    response.close()
    assert response.status_code == expected
    if expected == 200:
        assert response.headers["Content-Type"] == "image/jpeg"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.data == uploads.path_of(photo.stored_name).read_bytes()


def test_a_photo_of_another_report_is_not_found_under_this_one(client, report):
    ready, report = report
    photo = photos.add_photo(ready.member, report, details(tagged_jpeg()))
    from tests.monitoring.factories import ReportKind

    other = bare_report(ready, ReportKind.FINAL)
    sign_in(client, ready.member)
    assert client.get(f"/reports/{other.id}/photos/{photo.id}").status_code == 404
    assert client.get(f"/reports/{report.id}/photos/99999999999999999999").status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(client, report):
    ready, report = report
    photo = photos.add_photo(ready.member, report, details(tagged_jpeg()))
    response = client.get(f"/reports/{report.id}/photos/{photo.id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
