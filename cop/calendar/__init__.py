"""iCalendar output: per-meeting downloads and each person's private feed."""
