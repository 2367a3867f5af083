"""Administration: people, roles, invitations and the audit log."""
