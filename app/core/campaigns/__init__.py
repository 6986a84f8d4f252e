"""Campaigns: a template (or 2–4 variants) sent to a segment, once or on a schedule.

spec       what a definition may hold (shared by the API and the console)
store      create, edit, list, clone, archive (audited)
lifecycle  schedule, unschedule, pause, resume, cancel, pick the A/B winner
timing     recipient-local times across DST, send windows, cron runs
audience   who a run reaches, as one SELECT (rules, fallback, holdout, variants, caps)
review     that SELECT counted before scheduling, the duration, the next runs
fanout     a chunk of rows written with INSERT … SELECT and the run's cursor
runs       a run from start to end: phases, the winner, completion
winner     the A/B test's best variant
release    held rows let go by send time, throttle and window
stats      a run's numbers, progress and ETA
tick       the scheduler's periodic job tying it together
"""
