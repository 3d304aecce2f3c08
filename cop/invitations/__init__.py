"""Invitation links that let a person register or sign in and join a cohort."""
