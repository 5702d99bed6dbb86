"""Run: the pipeline that drives the stages for the `audit`, `sitemap` and `merge`
commands: the runner, the sitemap batch with its workers and progress bar.
"""
