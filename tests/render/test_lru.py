"""The bounded LRU every process-wide cache uses, and the campaign's trim between variants."""

from __future__ import annotations

from composer.core.lru import LRU


def test_trim_keeps_the_most_recently_used():
    cache: LRU[int] = LRU(10)
    for k in "abcdef":
        cache.put(k, ord(k))
    cache.get("a")  # used again: among the newest now
    cache.trim(3)
    assert [k for k in "abcdef" if cache.get(k) is not None] == ["a", "e", "f"]
    cache.trim(0)
    assert len(cache) == 0


def test_a_campaign_keeps_the_texts_every_row_shares_between_variants(tmp_path):
    """trim_caches drops the texts of old rows but keeps those set for the latest variant."""
    from composer.campaign.worker import TEXTS_KEPT, trim_caches
    from composer.text import block

    block._BLOCKS.clear()
    for i in range(TEXTS_KEPT + 20):
        block._BLOCKS.put(("row", i), object())  # type: ignore[arg-type]
    shared = object()
    block._BLOCKS.put("shared footer", shared)  # type: ignore[arg-type]
    trim_caches()
    assert len(block._BLOCKS) == TEXTS_KEPT
    assert block._BLOCKS.get("shared footer") is shared and block._BLOCKS.get(("row", 0)) is None
    block._BLOCKS.clear()
