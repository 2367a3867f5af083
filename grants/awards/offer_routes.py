"""An award's pages: finance prepares and sends the offer; the group reads, accepts or declines
it; both download the issued documents."""

from flask import Blueprint

from grants.awards import services  # noqa: F401  (registers awards for released decisions)

bp = Blueprint("awards", __name__, url_prefix="/awards")
