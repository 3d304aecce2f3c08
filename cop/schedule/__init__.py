"""A cohort's calendar: virtual group meetings and in-person treatment sessions."""
