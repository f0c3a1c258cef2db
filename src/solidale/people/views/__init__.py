"""Pages of the person registry: persons, households, merges (one module each)."""
