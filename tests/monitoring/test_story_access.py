"""Who gets what from each story, changes and answer endpoint: the group and an officer entering
the report for it write; staff who see every group may look at photos; finance answers; anyone
else learns nothing (404), and someone signed out is sent to sign in."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from grants.monitoring import changes, photos
from grants.monitoring.states import ReportStatus
from grants.permissions import Role
from tests.factories import make_group, make_user, sign_in
from tests.monitoring import endpoints_stories
from tests.monitoring.factories import award_in_force, bare_report
from tests.monitoring.test_changes import more_time, with_two_lines
from tests.monitoring.test_photos import details, tagged_jpeg, upload_folder  # noqa: F401

pytestmark = pytest.mark.usefixtures("reference_data")


def _urls(report, photo, change, sent) -> dict[str, tuple[str, str]]:
    base = f"/reports/{report.id}"
    return {
        "reports.story": ("GET", f"{base}/story"),
        "reports.story_photos": ("GET", f"{base}/story/photos"),
        "reports.remove_photo": ("POST", f"{base}/story/photos/{photo.id}/remove"),
        "reports.photo": ("GET", f"{base}/photos/{photo.id}"),
        "reports.changes": ("GET", f"{base}/changes"),
        "reports.ask_for_change": ("GET", f"{base}/changes/new/more_time"),
        "reports.remove_change": ("POST", f"{base}/changes/{change.id}/remove"),
        "monitoring.changes_list": ("GET", "/monitoring/changes"),
        "monitoring.answer_change": ("GET", f"/monitoring/changes/{sent.id}"),
    }


def test_every_endpoint_is_checked_here():
    anything = SimpleNamespace(id=1)
    assert set(_urls(anything, anything, anything, anything)) == endpoints_stories.ENDPOINTS


WRITE = {
    "reports.story",
    "reports.story_photos",
    "reports.changes",
    "reports.ask_for_change",
}
REMOVE = {"reports.remove_photo", "reports.remove_change"}
FINANCE = {"monitoring.changes_list", "monitoring.answer_change"}

# who -> (writing pages, removing, the photo, finance's pages)
EXPECTED = {
    "member": (200, 302, 200, 403),
    "programme_officer": (200, 302, 200, 403),
    "finance_officer": (403, 403, 200, 200),
    "admin": (403, 403, 200, 403),
    "other_group": (404, 404, 404, 403),
    "panel_member": (404, 404, 404, 403),
    "anonymous": (302, 302, 302, 302),
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_who_may_open_each_page(client, who):
    ready = with_two_lines(award_in_force())
    report = bare_report(ready)
    photo = photos.add_photo(ready.member, report, details(tagged_jpeg()))
    change = changes.add_request(ready.member, report, more_time(report))
    # A report already sent, whose request waits for finance.
    other = with_two_lines(award_in_force())
    sent_report = bare_report(other)
    sent = changes.add_request(other.member, sent_report, more_time(sent_report))
    sent_report.status = ReportStatus.SUBMITTED
    changes.mark_sent(other.member, sent_report)
    stranger = make_user()
    make_group(stranger)
    people = {
        "member": ready.member,
        "programme_officer": make_user(Role.PROGRAMME_OFFICER),
        "finance_officer": make_user(Role.FINANCE_OFFICER),
        "admin": make_user(Role.ADMIN),
        "other_group": stranger,
        "panel_member": make_user(Role.PANEL_MEMBER),
    }
    if who != "anonymous":
        sign_in(client, people[who])
    writing, removing, photo_status, finance = EXPECTED[who]
    # The removals come last: they change what the other pages show.
    urls = sorted(_urls(report, photo, change, sent).items(), key=lambda item: item[0] in REMOVE)
    for endpoint, (method, url) in urls:
        response = client.open(url, method=method)
        response.get_data()
        response.close()
        if endpoint in WRITE:
            expected = writing
        elif endpoint in REMOVE:
            expected = removing
        elif endpoint in FINANCE:
            expected = finance
        else:
            expected = photo_status
        assert response.status_code == expected, (who, endpoint, response.status_code)
        if expected == 302 and who == "anonymous":
            assert "/sign-in" in response.headers["Location"]
