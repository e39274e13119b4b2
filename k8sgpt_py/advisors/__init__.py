"""Advisors part of kai (see DESIGN.md)."""
