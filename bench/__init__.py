"""Solidale's benchmark harness: ``solidale bench`` runs it; README.md explains the figures."""
