"""Judge: findings to verdicts. Running the rules on a page, scores, site-level findings,
the CI gate and baselines. Pure apart from reading a baseline file.
"""
