"""Pages anyone can read: home, accessibility statement, privacy notice, health check."""
