"""Render part of kai (see DESIGN.md)."""
