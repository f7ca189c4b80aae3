"""Insights: honest personal statistics on her let-down (pure core in `stats`)."""
