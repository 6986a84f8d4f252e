"""Operating Herald: system status, metrics, operator alerts, first-run data."""
