"""Planner part of kai (see DESIGN.md)."""
