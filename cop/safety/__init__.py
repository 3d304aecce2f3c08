"""Crisis resources, always one tap away."""
