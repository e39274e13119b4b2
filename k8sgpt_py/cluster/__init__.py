"""Cluster part of kai (see DESIGN.md)."""
