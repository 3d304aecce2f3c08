"""Cohort-wide moderation state shared by the live rooms and the discussion."""
