"""Operating Herald.

system     what operators watch and fix: queues, workers, providers, dead notifications
metrics    Prometheus metrics, read at each scrape
alerts     operator alerts: Redis, the log, a webhook
startup    what must hold before a process starts (production mode)
bootstrap  first-run data
"""
