"""The bounded LRU every process-wide cache uses, and the campaign's trim between variants."""

from __future__ import annotations

import cairocffi
from PIL import Image

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


def test_a_weight_budget_evicts_the_oldest_until_the_rest_fits():
    cache: LRU[str] = LRU(10, weigh=len, max_weight=10)
    for k, v in [("a", "xxxx"), ("b", "xxxx"), ("c", "xx")]:
        cache.put(k, v)
    assert cache.weight == 10 and len(cache) == 3
    cache.get("a")  # used again: b is now the oldest
    cache.put("d", "xxx")  # 13 > 10: b goes
    assert [k for k in "abcd" if cache.get(k) is not None] == ["a", "c", "d"] and cache.weight == 9
    cache.put("a", "x")  # replacing a value re-weighs it
    assert cache.weight == 6
    cache.put("huge", "x" * 50)  # larger than the budget alone: kept, everything else goes
    assert len(cache) == 1 and cache.weight == 50
    cache.trim(0)
    assert cache.weight == 0
    cache.put("e", "xx")
    cache.clear()
    assert cache.weight == 0 and len(cache) == 0


def test_many_small_images_share_the_kept_cairo_copies_budget(monkeypatch):
    """Nine 1 MP images drawn in turn all stay converted: the budget is pixels, not a count of 8."""
    import composer.render.raster as raster

    raster._SOURCES.clear()
    converted = []
    monkeypatch.setattr(raster, "cairo_surface", lambda img: converted.append(img) or object())
    target = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, 4, 4)
    images = [Image.new("RGB", (1000, 1000)) for _ in range(9)]
    for _ in range(3):
        for img in images:
            with raster.source_surface(img, target):
                pass
    assert len(converted) == 9
    monkeypatch.setattr(raster._SOURCES, "_max_weight", 4_000_000)  # a budget of four: a cycle of nine never hits
    raster._SOURCES.clear()
    for _ in range(2):
        for img in images:
            with raster.source_surface(img, target):
                pass
    assert len(converted) == 27
    raster._SOURCES.clear()
