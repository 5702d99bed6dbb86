"""The affiliate host table (`postaudit.measure.affiliates`) and L519 affiliate-link-unmarked."""

from __future__ import annotations

import pytest

from conftest import hits
from postaudit.measure.affiliates import NETWORKS, affiliate_network


@pytest.mark.parametrize(
    ("url", "network"),
    [
        ("https://www.amazon.com/dp/B0001?tag=blog-20", "Amazon Associates"),
        (
            "https://smile.amazon.co.uk/gp/product/B0001/?tag=blog-21&linkCode=ll1",
            "Amazon Associates",
        ),
        ("https://www.amazon.co.jp/dp/B0001?tag=blog-22", "Amazon Associates"),
        ("https://amzn.to/3xYz", "Amazon Associates"),
        ("https://www.anrdoezrs.net/click-123-456", "CJ Affiliate"),
        ("https://www.kqzyfj.com/click-1-2", "CJ Affiliate"),
        ("https://shop.sjv.io/c/1/2/3", "Impact"),
        ("https://brand.pxf.io/abc", "Impact"),
        ("https://click.linksynergy.com/deeplink?id=a&mid=1", "Rakuten Advertising"),
        ("https://www.shareasale.com/r.cfm?b=1&u=2&m=3", "ShareASale"),
        ("https://www.awin1.com/cread.php?awinmid=1&awinaffid=2", "Awin"),
        ("https://aff.vendor.hop.clickbank.net/", "ClickBank"),
        ("https://prf.hn/click/camref:1100l", "Partnerize"),
        ("https://go.skimresources.com/?id=1X2&url=https%3A%2F%2Fshop", "Skimlinks"),
        ("https://www.ebay.com/itm/123?campid=5338&mkevt=1", "eBay Partner Network"),
        ("HTTPS://WWW.AMAZON.COM/dp/B0001?tag=blog-20", "Amazon Associates"),
    ],
)
def test_affiliate_links_are_recognised(url: str, network: str) -> None:
    assert affiliate_network(url) == network


@pytest.mark.parametrize(
    "url",
    [
        "https://www.amazon.com/dp/B0001",  # no associate tag
        "https://www.amazon.com/dp/B0001?tag=",  # empty tag
        "https://aws.amazon.com.evil.example/?tag=x",  # not an Amazon host
        "https://notamazon.com/?tag=x",
        "https://www.shareasale.com/info/",  # the network's own pages
        "https://www.ebay.com/itm/123",
        "https://bit.ly/3abc",  # a shortener proves nothing
        "https://tinyurl.com/abc",
        "https://a.co/d/abc",
        "mailto:tag@amazon.com",
        "/relative/path?tag=x",
        None,
        "http://[::1",  # does not parse
    ],
)
def test_plain_links_are_not_affiliate(url: str | None) -> None:
    assert affiliate_network(url) is None


def test_every_network_says_where_its_format_is_documented() -> None:
    for net in NETWORKS:
        assert net.source and net.hosts


def article(body: str) -> str:
    return f'<html lang="en"><head><title>T</title></head><body><article>{body}</article></body></html>'


def test_sponsored_or_nofollow_passes_and_score_counts_affiliate_links_only() -> None:
    html = article(
        '<a href="https://amzn.to/1">a</a>'
        '<a href="https://amzn.to/2" rel="sponsored">b</a>'
        '<a href="https://amzn.to/3" rel="NoFollow">c</a>'
        '<a href="https://example.org/">plain</a>'
    )
    found = hits("L519", html)
    assert [h.message for h in found] == [
        "Amazon Associates link 'a' (amzn.to) has no rel=\"sponsored\""
    ]
    long = "a kettle that boils quietly enough for a sleeping house, on sale this week"
    unnamed = article(f'<a href="https://amzn.to/1">{long}</a><a href="https://amzn.to/2"></a>')
    assert [h.message for h in hits("L519", unnamed)] == [
        "Amazon Associates link 'a kettle that boils quietly enough for a sleeping house, on…'"
        ' (amzn.to) has no rel="sponsored"',
        "Amazon Associates link 'https://amzn.to/2' has no rel=\"sponsored\"",
    ]
    assert found[0].score == pytest.approx(2 / 3)


def test_links_outside_the_article_count() -> None:
    html = (
        '<html lang="en"><body><article><p>x</p></article>'
        '<aside><a href="https://www.amazon.com/dp/B1?tag=side-20"><img src="b.png" alt="Ad"></a></aside>'
        "</body></html>"
    )
    assert len(hits("L519", html)) == 1


def test_no_affiliate_links_not_applicable() -> None:
    assert hits("L519", article('<a href="https://www.amazon.com/dp/B1">x</a>')) == []
