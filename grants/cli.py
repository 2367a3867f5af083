"""Command-line tasks: reference data, demo data and the first admin account."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from grants.errors import DomainError
from grants.transaction import transactional


def register(app: Flask) -> None:
    @app.cli.command("import-geography")
    @click.option(
        "--wards",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Ward GeoJSON (properties WD13CD, WD13NM). Default: the shipped Wigan wards.",
    )
    @click.option(
        "--deprivation",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="LSOA deprivation CSV. Default: the shipped Wigan IMD 2019 file.",
    )
    @transactional
    def import_geography_command(wards: Path | None, deprivation: Path | None) -> None:
        """Import neighbourhoods and their deprivation figures, and seed the principles."""
        from grants.reference import importer, services

        try:
            created, updated = importer.import_geography(
                wards or importer.DEFAULT_WARDS, deprivation or importer.DEFAULT_DEPRIVATION
            )
        except importer.ImportProblem as problem:
            raise click.ClickException(str(problem)) from problem
        added = services.seed_principles()
        click.echo(
            f"Neighbourhoods: {created} created, {updated} updated. Principles added: {added}."
        )

    @app.cli.command("seed-demo")
    @transactional
    def seed_demo_command() -> None:
        """Create demo users, groups and data (refused in production)."""
        if not current_app.config.get("ALLOW_DEMO_DATA"):
            raise click.ClickException("seed-demo is refused under ProductionConfig")
        from grants import demo

        for line in demo.seed():
            click.echo(line)

    @app.cli.command("create-admin")
    @click.option("--email", required=True)
    @click.option("--name", "full_name", required=True)
    @click.password_option()
    @transactional
    def create_admin_command(email: str, full_name: str, password: str) -> None:
        """Create an admin account (for the first admin of a new installation)."""
        from grants.accounts import services
        from grants.permissions import Role

        try:
            user = services.create_user(
                email=email, full_name=full_name, password=password, roles={Role.ADMIN}
            )
        except DomainError as error:
            raise click.ClickException(error.message) from error
        click.echo(f"Admin {user.email} created.")

    @app.cli.command("deliver-email")
    @transactional
    def deliver_email_command() -> None:
        """Send any queued email that could not be delivered straight after its change."""
        from grants import email

        click.echo(f"Emails sent: {email.deliver()}.")

    @app.cli.command("rotate-bank-details-key")
    @transactional
    def rotate_bank_details_key_command() -> None:
        """Re-encrypt every group's bank details with the first of BANK_DETAILS_KEYS."""
        from grants.awards import crypto

        try:
            count = crypto.rotate_all()
        except crypto.BankDetailsKeyError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Bank details re-encrypted: {count}.")

    @app.cli.command("expire-offers")
    @transactional
    def expire_offers_command() -> None:
        """Expire every grant offer not accepted by its expiry date and tell each group. Run
        daily; running it twice expires nothing twice."""
        from grants.awards import offers
        from grants.awards.pages import award_link
        from grants.clock import uk_today

        expired = offers.expire_due(uk_today(), award_link)
        click.echo(f"Offers expired: {len(expired)}.")

    @app.cli.command("send-reminders")
    @transactional
    def send_reminders_command() -> None:
        """Remind groups of reports due in 2 weeks, due today or a week overdue. Run daily;
        running it twice, or on two machines at once, sends each reminder once."""
        from grants.clock import uk_today
        from grants.monitoring import reminders

        sent = reminders.send_reminders(uk_today(), reminders.report_link)
        click.echo(
            f"Report reminders emailed: {len(sent.emailed)}. "
            f"To phone or write (no email address): {len(sent.by_letter)}."
        )
