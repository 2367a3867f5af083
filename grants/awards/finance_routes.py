"""Finance's own pages: the finance home, the ledger, partners' contributions, exports,
variations and money recovered."""

from flask import Blueprint

bp = Blueprint("finance", __name__, url_prefix="/finance")
