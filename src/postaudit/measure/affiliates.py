"""Affiliate link recognition: the one table of affiliate networks' link hosts.

A link is an affiliate link when its host is a network's tracking (click) domain, or a
merchant's own host with the network's affiliate parameter (Amazon `tag=`). The table
is data, one row per network, each with where its link format is documented; a row
needs a host whose only use is affiliate redirects (or a path or parameter that says
so), since a finding on a plain link would be false.

Left out on purpose: general shorteners (bit.ly, tinyurl, t.co, ow.ly): they carry
affiliate links and everything else alike, and nothing in the short URL says which.
geni.us (Geniuslink) and a.co (Amazon's share links) likewise shorten plain links too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True, slots=True)
class Network:
    name: str
    #: host suffixes: "anrdoezrs.net" matches the host and any subdomain of it
    hosts: tuple[str, ...]
    #: the link is affiliate only when its path matches (None: any path)
    path: re.Pattern[str] | None = None
    #: ... or only when one of these query parameters is present and non-empty
    params: tuple[str, ...] = ()
    source: str = ""


_AMAZON_TLDS = [
    "com",
    "co.uk",
    "de",
    "fr",
    "it",
    "es",
    "ca",
    "co.jp",
    "com.au",
    "in",
    "com.br",
    "com.mx",
    "nl",
    "se",
    "pl",
    "sg",
    "ae",
    "sa",
    "com.tr",
    "eg",
    "com.be",
    "ie",
]

NETWORKS: tuple[Network, ...] = (
    Network(
        "Amazon Associates",
        tuple(f"amazon.{tld}" for tld in _AMAZON_TLDS),
        params=("tag",),
        source="Amazon Associates help: links carry the store ID as the tag= parameter",
    ),
    Network(
        "Amazon Associates",
        ("amzn.to",),
        source="Amazon Associates SiteStripe: short links are amzn.to (affiliate only)",
    ),
    Network(
        "CJ Affiliate",
        (
            "anrdoezrs.net",
            "dpbolvw.net",
            "jdoqocy.com",
            "kqzyfj.com",
            "tkqlhce.com",
            "qksrv.net",
            "emjcd.com",
            "ftjcfx.com",
            "lduhtrp.net",
            "tqlkg.com",
            "afcyhf.com",
            "awltovhc.com",
            "yceml.net",
        ),
        source="CJ Affiliate developer docs: the click domains of CJ tracking links",
    ),
    Network(
        "Impact",
        ("sjv.io", "pxf.io", "evyy.net", "7eer.net"),
        source="impact.com help: tracking links on <brand>.sjv.io / .pxf.io / .evyy.net / .7eer.net",
    ),
    Network(
        "Rakuten Advertising",
        ("linksynergy.com",),
        source="Rakuten Advertising: click.linksynergy.com/deeplink and /fs-bin links",
    ),
    Network(
        "ShareASale",
        ("shareasale.com",),
        path=re.compile(r"^/(?:r|m-pr|u)\.cfm$", re.I),
        source="ShareASale: affiliate links are shareasale.com/r.cfm?b=..&u=..&m=..",
    ),
    Network("ShareASale", ("shrsl.com",), source="ShareASale's link shortener"),
    Network(
        "Awin",
        ("awin1.com",),
        source="Awin wiki: tracking links are www.awin1.com/cread.php?awinmid=..&awinaffid=..",
    ),
    Network(
        "ClickBank",
        ("hop.clickbank.net",),
        source="ClickBank: HopLinks are <affiliate>.<vendor>.hop.clickbank.net or hop.clickbank.net/?affiliate=..",
    ),
    Network(
        "Partnerize", ("prf.hn",), source="Partnerize: tracking links are prf.hn/click/camref:.."
    ),
    Network(
        "Skimlinks",
        ("go.skimresources.com", "go.redirectingat.com"),
        source="Skimlinks: affiliated links redirect through go.skimresources.com / go.redirectingat.com",
    ),
    Network(
        "Sovrn Commerce (VigLink)",
        ("redirect.viglink.com",),
        source="Sovrn Commerce: links redirect through redirect.viglink.com",
    ),
    Network(
        "eBay Partner Network",
        ("rover.ebay.com",),
        source="eBay Partner Network: legacy rover.ebay.com/rover/ tracking links",
    ),
    Network(
        "eBay Partner Network",
        ("ebay.com", "ebay.co.uk", "ebay.de", "ebay.fr", "ebay.it", "ebay.es", "ebay.com.au"),
        params=("campid",),
        source="eBay Partner Network: tracking links carry campid= (campaign id)",
    ),
    Network(
        "AvantLink",
        ("avantlink.com",),
        path=re.compile(r"^/click\.php$", re.I),
        source="AvantLink: affiliate links are www.avantlink.com/click.php?tt=..",
    ),
    Network(
        "Tradedoubler",
        ("clk.tradedoubler.com",),
        source="Tradedoubler: tracking links are clk.tradedoubler.com/click?p=..",
    ),
    Network(
        "Webgains",
        ("track.webgains.com",),
        source="Webgains: tracking links are track.webgains.com/click.html?wgcampaignid=..",
    ),
)


#: The networks (in `NETWORKS` order) listing each host suffix.
_BY_SUFFIX: dict[str, tuple[int, ...]] = {}
for _i, _net in enumerate(NETWORKS):
    for _h in _net.hosts:
        _BY_SUFFIX[_h] = (*_BY_SUFFIX.get(_h, ()), _i)


def _networks_of(host: str) -> list[Network]:
    """The networks with a host suffix that is `host` or a domain `host` is under
    ("anrdoezrs.net" for "www.anrdoezrs.net"), in `NETWORKS` order: looked up by each
    of the host's own dot-suffixes, not by trying every network's."""
    labels = host.split(".")
    found = {i for n in range(len(labels)) for i in _BY_SUFFIX.get(".".join(labels[n:]), ())}
    return [NETWORKS[i] for i in sorted(found)]


@lru_cache(maxsize=8192)
def affiliate_network(url: str | None) -> str | None:
    """The affiliate network an absolute http(s) URL goes through, or None.
    Remembered for recent URLs: the rule asks twice per link (whether it applies,
    then its check), and a site's menus repeat the same links on every page."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    for net in _networks_of(host):
        if net.path is not None and not net.path.match(parts.path):
            continue
        if net.params:
            query = parse_qs(parts.query)
            if not any(v.strip() for p in net.params for v in query.get(p, ())):
                continue
        return net.name
    return None
