"""postaudit: an SEO and accessibility auditor for published articles."""

__version__ = "0.1.0"
