"""Column types shared by the models."""

from sqlalchemy import Enum


def str_enum(enum_class, name: str) -> Enum:
    """Store a StrEnum by its value in a plain string column (same on SQLite and PostgreSQL), with
    a CHECK constraint so the database refuses any other value, however it is written."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda members: [member.value for member in members],
    )
