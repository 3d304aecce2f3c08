"""A cohort's moderated threaded discussion between meetings."""
