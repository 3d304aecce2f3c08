"""Accounts: sign-in, sign-out, password reset and the profile page."""
