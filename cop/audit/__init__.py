"""The append-only audit trail of administrative and moderation actions."""
