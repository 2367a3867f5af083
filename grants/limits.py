"""How many repeated rows one thing may hold, and the one race-free check of it.

Forms that add rows one at a time (budget lines, outcomes, documents, a round's criteria and
questions, a fund's contributions and indicators) would otherwise let a script add rows without
end, making pages, PDFs and exports ever slower for everyone. Each cap is checked in the service, inside the
transaction, after the owner's row is locked: two adds at once are put in order, and the second
counts the first's row, so even parallel requests never pass the cap.
"""

from __future__ import annotations

from sqlalchemy import func, select

from grants import transaction
from grants.errors import DomainError
from grants.extensions import db

MAX_BUDGET_LINES = 50
MAX_OUTCOMES = 50
MAX_DOCUMENTS = 30
MAX_CRITERIA = 20
MAX_QUESTIONS = 30
MAX_CONTRIBUTIONS = 50
MAX_INDICATORS = 100


def make_room(owner, column, limit: int, message: str, *, field: str | None = None) -> None:
    """Refuse with ``message`` unless ``owner`` holds fewer than ``limit`` rows whose foreign key
    ``column`` points at it. The owner's row stays locked until the transaction ends."""
    transaction.claim(owner, id=owner.id)
    count = db.session.scalar(select(func.count()).where(column == owner.id))
    if count >= limit:
        raise DomainError(message, field=field)
