"""Configuration: defaults < `[tool.postaudit]` in pyproject.toml < postaudit.toml < flags.

A `postaudit.toml` holds the settings either at top level or in a `[tool.postaudit]`
table (the same schema, so a table copied from a pyproject.toml works); both at once is
a `ConfigError` naming the file. Files are found by walking up from each target's folder
(a folder target: the folder itself), then from the working directory: the nearest
folder holding either file wins whole; when it holds both, postaudit.toml overrides
pyproject.toml key by key. URLs and stdin use the working directory's. When the targets
of one run resolve to different files, that is a `ConfigError` naming two of them (run
them separately or pass `--config`). `--config FILE` skips discovery. Keys may be written
kebab-case or snake_case. Unknown keys and wrong types are a `ConfigError` naming the
key; the CLI turns it into exit code 2.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from postaudit import rules as registry
from postaudit.model import SCORED_CATEGORIES, Severity
from postaudit.rules.base import Rule


class ConfigError(ValueError):
    """A configuration problem the user must fix (exit code 2)."""


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """One enabled rule as configured: effective severity and merged options."""

    rule: Rule
    severity: Severity
    options: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Config:
    keywords: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    rules: Mapping[str, Mapping[str, Any]] = field(
        default_factory=dict
    )  # code -> {severity, options}
    per_url_ignores: Mapping[str, tuple[str, ...]] = field(
        default_factory=dict
    )  # regex -> selectors
    content_selector: str | None = None
    lang: str | None = None
    timeout: float = 15.0
    max_bytes: int = 5 * 1024 * 1024
    user_agent: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    format: tuple[str, ...] = ()  # FORMAT or FORMAT=PATH specs; () = text
    output: str | None = None
    fail_on: str = "error"
    fail_under: Mapping[str, int] = field(default_factory=dict)  # "score" | category -> min
    tolerance: int = 0  # score points a baseline comparison forgives
    baseline: str | None = None  # a saved JSON report to compare with
    allow_unreachable: bool = False  # unreachable pages (X findings) do not fail the gate
    links: str = "internal"  # what the link phase checks: none | pagination | internal | all
    exclude_links: tuple[str, ...] = ()  # URL regexes the link phase skips
    base_url: str | None = None  # URL a folder of built pages is published at
    link_timeout: float | None = None  # per link check (s); None = `timeout`
    link_retries: int = 2  # retries on connect errors, timeouts, 429 and 503
    retry_after_cap: float = 30.0  # longest wait between link retries (s)
    # issue 16 (network safety): hosts a sitemap run may fetch beyond its own site, and
    # robots.txt for link checks (off by default, as in lychee and linkinator)
    allow_hosts: tuple[str, ...] = ()
    respect_robots: bool = False
    source: str | None = None  # the file the settings came from, for messages

    def with_flags(self, **flags: Any) -> Config:
        """Overlay command-line values; None and empty tuples mean "not given"."""
        given = {k: v for k, v in flags.items() if v is not None and v != ()}
        return replace(self, **given)

    def context(self) -> dict[str, Any]:
        """Run-wide settings every rule and fact builder may read (reserved option keys)."""
        return {"keywords": self.keywords, "locations": self.locations, "lang": self.lang}

    def ruleset(self) -> tuple[RuleSettings, ...]:
        """The enabled rules with their effective severity and options.

        A rule's options are its defaults, overlaid by config, plus the run context
        (`keywords`, `locations`, `lang`)."""
        out = []
        context = self.context()
        for r in registry.select(self.select, self.ignore):
            conf = self.rules.get(r.code, {})
            severity = conf.get("severity", str(r.severity))
            if severity == "off":
                continue
            options = {
                **r.defaults,
                **{k: v for k, v in conf.items() if k != "severity"},
                **context,
            }
            out.append(RuleSettings(r, Severity(severity), options))
        return tuple(out)

    def ignored_for(self, url: str) -> frozenset[str]:
        """Rule codes switched off for `url` by `per-url-ignores` patterns."""
        codes: set[str] = set()
        for pattern, selectors in self.per_url_ignores.items():
            if re.search(pattern, url):
                codes.update(r.code for s in selectors for r in registry.matching(s))
        return frozenset(codes)


_FIELD_NAMES = {f.name for f in fields(Config)} - {"source"}
#: Output formats (`--format NAME` or `NAME=PATH`).
FORMATS = ("text", "json", "jsonl", "html", "sarif", "junit", "github", "markdown", "auto")
#: Keys of `fail-under`: the page score, or one category's score.
FAIL_UNDER_KEYS = ("score", *(str(c) for c in SCORED_CATEGORIES))
_FAIL_ON = ("error", "warning", "info", "never")


def _norm(key: str) -> str:
    return key.replace("-", "_")


def find_config(start: Path | None = None) -> tuple[dict[str, Any], str | None]:
    """The merged settings table from the nearest folder at or above `start` (default:
    the working directory) with postaudit.toml or a pyproject.toml holding
    [tool.postaudit], and a description of the source (None: no file found)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        table: dict[str, Any] = {}
        sources = []
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            tool = _read_toml(pyproject).get("tool", {})
            if isinstance(tool, dict) and "postaudit" in tool:
                table.update(_expect_table(tool["postaudit"], f"{pyproject} [tool.postaudit]"))
                sources.append(f"{pyproject} [tool.postaudit]")
        own = folder / "postaudit.toml"
        if own.is_file():
            table.update(_own_table(own))
            sources.append(str(own))
        if sources:
            return table, " + ".join(sources)
    return {}, None


def _target_folder(target: str) -> Path | None:
    """The folder discovery starts from for one command-line target (None: a URL or
    stdin, which use the working directory)."""
    if target == "-" or "://" in target:
        return None
    path = Path(target)
    return path if path.is_dir() else path.parent


def find_config_for(
    targets: Sequence[str], cwd: Path | None = None
) -> tuple[dict[str, Any], str | None]:
    """The settings for a run over `targets`: each file or folder target finds the
    nearest config from its own folder upward, falling back to the working directory's
    (as URLs and stdin do). All targets must agree on one source; different ones are a
    `ConfigError` naming two targets and their files."""
    found: dict[str | None, tuple[dict[str, Any], str]] = {}
    fallback: tuple[dict[str, Any], str | None] | None = None
    for target in targets or ("-",):
        folder = _target_folder(target)
        table, source = find_config(folder) if folder is not None else ({}, None)
        if source is None:
            if fallback is None:
                fallback = find_config(cwd)
            table, source = fallback
        found.setdefault(source, (table, target))
    if len(found) > 1:
        (first, (_, t1)), (second, (_, t2)) = list(found.items())[:2]
        raise ConfigError(
            f"targets use different config files: {t1!r} uses {first or 'none'}, "
            f"{t2!r} uses {second or 'none'}; audit them in separate runs or pass --config"
        )
    ((source, (table, _)),) = found.items()
    return table, source


def load_file(path: Path) -> tuple[dict[str, Any], str]:
    """Settings from an explicit --config file (a postaudit.toml or a pyproject.toml)."""
    if not path.is_file():
        raise ConfigError(f"config file {str(path)!r} does not exist")
    if path.name == "pyproject.toml":
        tool = _read_toml(path).get("tool", {})
        table = tool.get("postaudit", {}) if isinstance(tool, dict) else {}
        return _expect_table(table, f"{path} [tool.postaudit]"), f"{path} [tool.postaudit]"
    return _own_table(path), str(path)


def _own_table(path: Path) -> dict[str, Any]:
    """A postaudit.toml's settings: its top-level keys, or its [tool.postaudit] table
    (not both)."""
    data = _read_toml(path)
    tool = data.get("tool")
    if not isinstance(tool, dict) or "postaudit" not in tool:
        return data
    if len(tool) > 1:
        extra = ", ".join(f"tool.{k}" for k in tool if k != "postaudit")
        raise ConfigError(f"{path}: unknown key {extra!r} (only [tool.postaudit] is read)")
    others = [k for k in data if k != "tool"]
    if others:
        raise ConfigError(
            f"{path}: settings both at top level ({', '.join(others)}) and in "
            "[tool.postaudit]; keep one of the two"
        )
    return _expect_table(tool["postaudit"], f"{path} [tool.postaudit]")


def _read_toml(path: Path) -> dict[str, Any]:
    """A TOML file of at most the config cap (1 MiB, `postaudit.safeio`)."""
    from postaudit.safeio import InputError, read_text_bounded

    try:
        return tomllib.loads(read_text_bounded(path, str(path), "config"))
    except InputError as exc:
        raise ConfigError(str(exc)) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


def _expect_table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table")
    return value


def build(table: Mapping[str, Any], source: str | None = None) -> Config:
    """Validate a settings table into a `Config`."""
    where = source or "config"
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = _norm(raw_key)
        if key not in _FIELD_NAMES:
            raise ConfigError(f"{where}: unknown key {raw_key!r}")
        values[key] = _check_value(key, raw_key, value, where)
    return Config(**values, source=source)


def _strings(raw_key: str, value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {raw_key!r} must be a list of strings")
    return tuple(value)


def _check_value(key: str, raw_key: str, value: Any, where: str) -> Any:
    if key in ("keywords", "locations", "select", "ignore"):
        out = _strings(raw_key, value, where)
        if key in ("select", "ignore"):
            for sel in out:
                try:
                    registry.matching(sel)
                except registry.UnknownRuleError as exc:
                    raise ConfigError(f"{where}: {raw_key}: {exc}") from exc
        return out
    if key in ("content_selector", "lang", "user_agent", "output"):
        if not isinstance(value, str):
            raise ConfigError(f"{where}: {raw_key!r} must be a string")
        return value
    if key == "format":
        specs = _strings(raw_key, value, where)
        for spec in specs:
            name = spec.partition("=")[0].strip()
            if name not in FORMATS:
                raise ConfigError(
                    f"{where}: {raw_key!r}: unknown format {name!r} (one of {', '.join(FORMATS)})"
                )
        return specs
    if key == "baseline":
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: {raw_key!r} must be a file path")
        return value
    if key == "allow_unreachable":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {raw_key!r} must be true or false")
        return value
    if key == "tolerance":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise ConfigError(f"{where}: {raw_key!r} must be a whole number of points, 0-100")
        return value
    if key == "fail_under":
        if isinstance(value, int) and not isinstance(value, bool):
            value = {"score": value}
        if not isinstance(value, dict):
            raise ConfigError(
                f"{where}: {raw_key!r} must be a score (0-100) or a table like "
                "{ score = 80, alt_text = 90 }"
            )
        return dict(check_fail_under(k, v, f"{where}: {raw_key}") for k, v in value.items())
    if key == "fail_on":
        if value not in _FAIL_ON:
            raise ConfigError(f"{where}: {raw_key!r} must be one of {', '.join(_FAIL_ON)}")
        return value
    if key in LINK_SETTINGS:
        return check_link_setting(key, raw_key, value, where)
    if key == "allow_hosts":
        return check_allow_hosts(_strings(raw_key, value, where), f"{where}: {raw_key}")
    if key == "respect_robots":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {raw_key!r} must be true or false")
        return value
    if key == "timeout":
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"{where}: {raw_key!r} must be a positive number of seconds")
        return float(value)
    if key == "max_bytes":
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError(f"{where}: {raw_key!r} must be a positive integer")
        return value
    if key == "headers":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ConfigError(f"{where}: {raw_key!r} must be a table of header names to strings")
        return tuple(value.items())
    if key == "per_url_ignores":
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: {raw_key!r} must be a table of URL regex -> rule list")
        out_map: dict[str, tuple[str, ...]] = {}
        for pattern, selectors in value.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"{where}: {raw_key}: bad regex {pattern!r}: {exc}") from exc
            sels = _strings(f"{raw_key}.{pattern}", selectors, where)
            for sel in sels:
                try:
                    registry.matching(sel)
                except registry.UnknownRuleError as exc:
                    raise ConfigError(f"{where}: {raw_key}.{pattern}: {exc}") from exc
            out_map[pattern] = sels
        return out_map
    if key == "rules":
        return _check_rules(value, where)
    raise ConfigError(f"{where}: unknown key {raw_key!r}")  # pragma: no cover - guarded above


def _check_rules(value: Any, where: str) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'rules' must be a table of rule code or name -> settings")
    out: dict[str, dict[str, Any]] = {}
    for ref, settings in value.items():
        if registry.retired(str(ref)) is not None:
            continue  # a retired code's settings have nothing left to set
        try:
            r = registry.get(ref)
        except registry.UnknownRuleError as exc:
            raise ConfigError(f"{where}: rules: {exc}") from exc
        if isinstance(settings, str):  # `A104 = "off"` shorthand
            settings = {"severity": settings}
        if not isinstance(settings, dict):
            raise ConfigError(f"{where}: rules.{ref} must be a table or a severity string")
        checked: dict[str, Any] = {}
        for raw_key, opt in settings.items():
            key = _norm(raw_key)
            if key == "severity":
                if opt not in ("error", "warning", "info", "off"):
                    raise ConfigError(
                        f"{where}: rules.{ref}.severity must be error, warning, info or off"
                    )
                checked[key] = opt
                continue
            if key not in r.defaults:
                known = ", ".join(sorted(r.defaults)) or "none"
                raise ConfigError(
                    f"{where}: rules.{ref}: unknown option {raw_key!r} (options: {known})"
                )
            checked[key] = _check_option(r, key, opt, f"{where}: rules.{ref}.{raw_key}")
        out[r.code] = {**out.get(r.code, {}), **checked}
    return out


def _check_option(r: Rule, key: str, value: Any, where: str) -> Any:
    default = r.defaults[key]
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int | float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif isinstance(default, str):
        ok = isinstance(value, str)
    elif isinstance(default, list | tuple):
        ok = isinstance(value, list)
        value = tuple(value) if ok else value
    else:
        ok = True
    if not ok:
        raise ConfigError(f"{where} must be of type {type(default).__name__}")
    return value


LINK_MODES = ("none", "pagination", "internal", "all")
LINK_SETTINGS = frozenset(
    {"links", "exclude_links", "base_url", "link_timeout", "link_retries", "retry_after_cap"}
)


def check_link_setting(key: str, raw_key: str, value: Any, where: str) -> Any:
    """Validate one link-phase setting (`links`, `exclude-links`, `base-url`,
    `link-timeout`, `link-retries`, `retry-after-cap`)."""
    if key == "links":
        if value not in LINK_MODES:
            raise ConfigError(f"{where}: {raw_key!r} must be one of {', '.join(LINK_MODES)}")
        return value
    if key == "exclude_links":
        patterns = _strings(raw_key, value, where)
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"{where}: {raw_key}: bad regex {pattern!r}: {exc}") from exc
        return patterns
    if key == "base_url":
        if not isinstance(value, str) or not re.match(r"https?://[^/\s]+", value.strip()):
            raise ConfigError(f"{where}: {raw_key!r} must be an absolute http(s) URL")
        return value.strip()
    if key == "link_retries":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
            raise ConfigError(f"{where}: {raw_key!r} must be a whole number from 0 to 10")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{where}: {raw_key!r} must be a number of seconds")
    if key == "link_timeout" and value <= 0:
        raise ConfigError(f"{where}: {raw_key!r} must be a positive number of seconds")
    return float(value)


def check_allow_hosts(values: Sequence[str], where: str) -> tuple[str, ...]:
    """`allow-hosts` / `--allow-host`: host names or `host:port`, lower-cased."""
    from postaudit.gather.boundary import BoundaryError, parse_allow_host

    try:
        return tuple(parse_allow_host(v) for v in values)
    except BoundaryError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def check_fail_under(key: str, value: Any, where: str) -> tuple[str, int]:
    """One `fail-under` entry: ("score" or a category, a whole score 0-100)."""
    name = _norm(key.strip().lower())
    if name not in FAIL_UNDER_KEYS:
        raise ConfigError(f"{where}: unknown score {key!r} (one of {', '.join(FAIL_UNDER_KEYS)})")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ConfigError(f"{where}: {key} must be a whole score from 0 to 100")
    return name, value


def parse_fail_under(spec: str) -> tuple[str, int]:
    """`--fail-under 80` (the page score) or `--fail-under alt_text=90` (a category)."""
    key, _, raw = spec.rpartition("=") if "=" in spec else ("score", "=", spec)
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(
            f"--fail-under {spec!r}: expected SCORE or CATEGORY=SCORE, e.g. alt_text=90"
        ) from None
    return check_fail_under(key, value, f"--fail-under {spec!r}")


def parse_rule_option(spec: str) -> tuple[str, str, Any]:
    """`--rule-option CODE.key=value` for one-off overrides (value parsed as TOML)."""
    m = re.fullmatch(r"\s*([\w-]+)\.([\w-]+)\s*=\s*(.+)", spec)
    if not m:
        raise ConfigError(f"--rule-option {spec!r}: expected RULE.option=value")
    try:
        value = tomllib.loads(f"v = {m.group(3)}")["v"]
    except tomllib.TOMLDecodeError:
        value = m.group(3).strip()
    return m.group(1), m.group(2), value


def merge_rules(
    base: Mapping[str, Mapping[str, Any]], extra: Sequence[tuple[str, str, Any]]
) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {k: dict(v) for k, v in base.items()}
    overlay: dict[str, dict[str, Any]] = {}
    for ref, key, value in extra:
        overlay.setdefault(ref, {})[key] = value
    for code, settings in _check_rules(overlay, "--rule-option").items():
        table.setdefault(code, {}).update(settings)
    return table
