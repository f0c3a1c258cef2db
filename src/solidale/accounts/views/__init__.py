"""Thin function views of the accounts pages, one module per area."""
