"""Cohorts, their members and facilitators."""
