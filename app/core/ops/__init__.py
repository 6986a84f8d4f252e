"""Operating Herald.

system     what operators watch and fix: queues, workers, providers, dead notifications
metrics    Prometheus metrics, read at each scrape
alerts     operator alerts: Redis, the log, a webhook
startup    what must hold before a process starts (production mode)
bootstrap  first-run data
partitions the log's and the events' day partitions on PostgreSQL: made ahead, listed,
           dropped
retention  how long the log keeps rows; rollups before a day goes; Settings → Data
event_rollups  the events' daily counts, written before their days go
engagement_rollups  a campaign's opens and clicks per 15 minutes and its clicks per link
template_rollups    transactional messages opened and clicked, per template version
archive    dropped days as CSV.gz, and loading one back for an audit
"""
