"""The signed-in person's home page."""
