"""The hostile-input suite: see faultserver.py and README's "Limits and guarantees"."""
