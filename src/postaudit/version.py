"""The version of postaudit: the one place it is written (pyproject.toml reads it from here).

A module of its own so that every stage can name the version without importing the
package's public API (`postaudit/__init__.py`), which imports the stages.
"""

__version__ = "0.1.0"
