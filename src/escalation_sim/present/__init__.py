"""Figures, text tables, the HTML report, progress: presentation only reads results."""
