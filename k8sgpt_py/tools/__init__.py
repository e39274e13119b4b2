"""Tools part of kai (see DESIGN.md)."""
