"""Synthetic demo data: a deterministic province of households (``generator``, pure) written
into PostgreSQL with the demo users (``loader``); ``giamngheo demo load|logins``."""
