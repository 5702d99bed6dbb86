"""Parse: HTML to a `Page`. The only stage that walks the DOM: the page builder, article
scope, previous/next links and the records of the appearance rules.
"""
