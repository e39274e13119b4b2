"""Changes part of kai (see DESIGN.md)."""
