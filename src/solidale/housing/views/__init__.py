"""Pages of the housing area, split by sub-domain."""
