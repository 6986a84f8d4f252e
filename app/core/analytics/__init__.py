"""What happened after a send, read from SQL aggregates (no Flask):

report        a campaign's report in one call (of every run, or one)
funnel        targeted → suppressed → sent → delivered → opened → clicked → converted,
              per channel, variant and platform
experiment    A/B variants against A; the sent group against the holdout
significance  the two-proportion z-test, plain verdicts, the holdout's lift interval
engagement    opens and clicks per hour, top links, bounces, unsubscribes
clickmap      a variant's email with its links' clicks drawn on
buckets       counts per local hour or day from 15-minute UTC slices
overview      volume, providers, opt-outs and transactional templates of the last days
export        a report as CSV
charts        the plotly figures (JSON for plotly.js, served from static/)
"""
