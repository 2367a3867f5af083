"""Community groups (organisations), their members and member invitations."""
