"""Admin pages: people and the audit trail."""
