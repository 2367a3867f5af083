"""Accounts: people, their roles, signing in, password resets and staff invitations."""
