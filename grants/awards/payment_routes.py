"""Bank details and payments: the group gives its bank details; finance verifies them, raises,
approves and pays instalments and exports payment runs."""

from flask import Blueprint

bp = Blueprint("payments", __name__, url_prefix="/payments")
