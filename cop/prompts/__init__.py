"""Integration prompts: reflection questions a facilitator releases to a cohort between meetings."""
