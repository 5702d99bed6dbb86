"""Gather: targets to HTML. Sources, the HTTP client, robots.txt, sitemap intake,
link checks and the site boundary. Everything here that touches the network is async and bounded.
"""
