"""Smooth procedural styles, painted at a reduced resolution: aurora, blobs, grain, photo, flat."""

from __future__ import annotations


import numpy as np
from PIL import Image

from generator.procedural_fields import (
    box_blur,
    fbm,
    mix,
    noise_1d,
    oklab_to_srgb,
    ramp,
    resize_f,
    screen,
    smoothstep,
    srgb_to_oklab,
)

from generator.procedural_canvas import Canvas


def _coords(w: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates normalised by the longer side, as full (h, w) arrays."""
    long = max(w, h)
    u = (np.arange(w, dtype=np.float32) + 0.5) / long
    v = (np.arange(h, dtype=np.float32) + 0.5) / long
    return np.broadcast_to(u, (h, w)), np.broadcast_to(v[:, None], (h, w))


def _mesh(rng, u, v, points: list[tuple[float, float, float, np.ndarray]]) -> np.ndarray:
    """A mesh gradient: OKLab colours of Gaussian-weighted control points (x, y, sigma, colour)."""
    acc = np.zeros(u.shape + (3,), np.float32)
    total = np.zeros(u.shape, np.float32)
    for x, y, s, colour in points:
        wgt = np.exp(-((u - x) ** 2 + (v - y) ** 2) / (2 * s * s)) + 1e-6
        acc += wgt[..., None] * srgb_to_oklab(colour)
        total += wgt
    return oklab_to_srgb(acc / total[..., None])


def _warp(rng, u, v, amount: float, cells: float = 2.5) -> tuple[np.ndarray, np.ndarray]:
    """Domain-warp coordinates by smooth noise, for organic rather than radial shapes."""
    h, w = u.shape
    return u + amount * fbm(rng, w, h, cells, 3), v + amount * fbm(rng, w, h, cells, 3)


def aurora(c: Canvas) -> Image.Image:
    """Luminous ribbons and glows, gradient-mapped from the base through primary to accent."""
    p = c.palette
    w, h = c.work_size(400)
    rng = c.rng
    u, v = _coords(w, h)
    wu, wv = _warp(rng, u, v, 0.12, 1.8)
    uw, vh = w / max(w, h), h / max(w, h)
    big = max(uw, vh)
    light = np.zeros((h, w), np.float32)
    # Broad glows anchor the composition: one low, one high, on opposite sides.
    side = rng.choice([0.15, 0.85])
    for gx, gy, s, amp in ((side, 0.9, 0.3, 0.5), (1 - side, 0.1, 0.22, 0.3)):
        light += amp * np.exp(-((wu - gx * uw) ** 2 + (wv - gy * vh) ** 2) / (2 * (s * big) ** 2))
    # Ribbons: curves across the canvas with a crisp lower edge and a long upward fade.
    tilt = rng.uniform(-0.35, 0.35)
    for k in range(3):
        y0 = (0.3 + 0.2 * k + rng.uniform(-0.06, 0.06)) * vh
        waves, phase = rng.uniform(0.6, 1.2), rng.random()
        curve = y0 + tilt * (u - uw / 2) + 0.09 * vh * np.sin(2 * np.pi * (u / uw * waves + phase))
        dy = wv - curve
        fade = rng.uniform(0.1, 0.2) * vh
        prof = np.where(dy < 0, np.exp(np.minimum(dy, 0) / fade), np.exp(-((dy / (0.025 * vh)) ** 2)))
        prof += 0.6 * np.exp(-((dy / (0.012 * vh)) ** 2))
        rays = 0.85 + 0.15 * noise_1d(rng, w, 24.0, 2)[None, :]
        light += (0.75 - 0.15 * k) * prof * rays * smoothstep(-0.8, 0.6, noise_1d(rng, w, 1.5, 2))[None, :]
    light *= 0.85 + 0.3 * fbm(rng, w, h, 2.0, 3)
    t = 1.0 - np.exp(-1.5 * np.clip(light, 0, None) ** 1.3)
    stops = [p.base, mix(p.base, p.primary, 0.4), p.primary, p.accent, mix(p.accent, p.paper, 0.6)]
    img = ramp(stops, t, hue=True)
    r2 = ((u - uw / 2) / uw) ** 2 + ((v - vh / 2) / vh) ** 2
    img = mix(img, p.base, smoothstep(0.2, 0.7, r2) * 0.5)
    return c.upscale(img)


def blobs(c: Canvas) -> Image.Image:
    """Large soft-focus blobs of the palette floating on paper."""
    p = c.palette
    w, h = c.work_size(320)
    rng = c.rng
    u, v = _coords(w, h)
    wu, wv = _warp(rng, u, v, 0.14, 1.6)
    uw, vh = w / max(w, h), h / max(w, h)
    img = np.broadcast_to(p.paper, (h, w, 3)).copy()
    colours = [p.primary, p.accent, mix(p.primary, p.paper, 0.5), mix(p.accent, p.paper, 0.45), p.primary,
               mix(p.primary, p.base, 0.35)]
    for i, (x, y) in zip(rng.permutation(len(colours)), _spread(rng, len(colours), uw, vh)):
        r = rng.uniform(0.26, 0.42) * max(uw, vh)
        sx, sy = rng.uniform(0.75, 1.3), rng.uniform(0.75, 1.3)
        d = np.sqrt(((wu - x) / sx) ** 2 + ((wv - y) / sy) ** 2) / r
        alpha = (1 - smoothstep(0.3, 1.0, d)) * rng.uniform(0.75, 0.95)
        img = mix(img, colours[i], alpha)
    img = box_blur(img, 0.025 * max(w, h))
    return c.upscale(img)


def _spread(rng: np.random.Generator, n: int, uw: float, vh: float) -> list[tuple[float, float]]:
    """n well-spread points (best-candidate sampling), so blobs overlap a little, not a lot."""
    pts: list[tuple[float, float]] = []
    for _ in range(n):
        cand = rng.uniform(-0.05, 1.05, (24, 2)) * (uw, vh)
        if pts:
            taken = np.array(pts)
            d = np.hypot(cand[:, None, 0] - taken[None, :, 0], cand[:, None, 1] - taken[None, :, 1]).min(1)
            pick = cand[int(np.argmax(d))]
        else:
            pick = cand[0]
        pts.append((float(pick[0]), float(pick[1])))
    return pts


def grain(c: Canvas) -> Image.Image:
    """Uncoated paper: a warm, uneven tone with a faint wash of colour, tooth, fibres and grain."""
    p = c.palette
    w, h = c.work_size(192)
    rng = c.rng
    u, v = _coords(w, h)
    uw, vh = w / max(w, h), h / max(w, h)
    shade = mix(p.paper, p.accent, 0.25) * 0.9  # paper darkens warm, never toward grey
    img = mix(p.paper, shade, 0.12 + 0.12 * fbm(rng, w, h, 2.5, 4))
    cx, cy = rng.choice([0.0, 1.0]) * uw, rng.choice([0.0, 1.0]) * vh
    corner = np.exp(-((u - cx) ** 2 + (v - cy) ** 2) / (2 * (0.5 * max(uw, vh)) ** 2))
    img = mix(img, mix(p.paper, p.primary, 0.5), 0.1 * corner)
    r2 = ((u - uw / 2) / uw) ** 2 + ((v - vh / 2) / vh) ** 2
    img = mix(img, shade, smoothstep(0.2, 0.6, r2) * 0.35)
    return c.upscale(img)


def paper_tiles(rng: np.random.Generator) -> list[np.ndarray]:
    """Tiles of paper tooth (3-px blotches) and sparse fibres (short horizontal streaks)."""
    tooth = resize_f(rng.standard_normal((127, 113)).astype(np.float32), 381, 339)
    streak = rng.standard_normal((331 // 2, 457 // 14)).astype(np.float32)
    fibres = np.maximum(resize_f(streak, 457, 331) - 0.8, 0) * 2.0
    return [tooth * 0.8, -fibres]  # fibres read as slightly darker strands


def photo(c: Canvas) -> Image.Image:
    """A dusk landscape: graded sky, low sun, layered ridges in aerial perspective, valley mist."""
    p = c.palette
    w, h = c.work_size(480)
    rng = c.rng
    u, v = _coords(w, h)
    uw, vh = w / max(w, h), h / max(w, h)
    horizon = rng.uniform(0.5, 0.62) * vh
    glow = mix(p.accent, p.paper, 0.4)
    t = np.clip(v / horizon, 0, 1)
    sky = [mix(p.base, p.primary, 0.3), mix(p.primary, p.base, 0.15), mix(p.primary, p.paper, 0.3), glow]
    img = ramp(sky, t ** 1.4)
    sx, sy = rng.uniform(0.25, 0.75) * uw, horizon - rng.uniform(0.1, 0.17) * vh
    d = np.hypot((u - sx) / 1.6, v - sy)
    sun = np.clip((0.03 * uw - np.hypot(u - sx, v - sy)) * max(w, h) + 0.5, 0, 1)
    img = mix(img, mix(p.paper, p.accent, 0.2), sun * 0.95)
    far, near = mix(glow, p.primary, 0.25), mix(p.base, p.primary, 0.08)
    rock = fbm(rng, w, h, 9, 4)
    layers = 5
    for k in range(layers):
        depth = k / (layers - 1)
        base_y = horizon + (0.35 * depth ** 1.2 - 0.06) * vh
        amp = (0.05 + 0.06 * depth) * vh
        ridge = base_y - amp * np.abs(noise_1d(rng, w, 2.0 + 2 * depth, 5))[None, :] * 1.6
        # Only the rows at or below this ridge change; skip the sky above it.
        top = min(h, max(0, int(float(ridge.min()) * max(w, h)) - 1))
        vv = v[top:]
        colour = ramp([far, mix(p.primary, p.base, 0.55), near], np.full((1, 1), 0.15 + 0.85 * depth))
        shade = 1.0 + (0.05 + 0.04 * depth) * np.roll(rock, k * h // layers, axis=0)[top:]
        inside = np.clip((vv - ridge) * max(w, h) + 0.5, 0, 1)
        mist = smoothstep(base_y - 1.2 * amp, base_y + 0.14 * vh, vv) * (0.5 - 0.35 * depth)
        fill = mix(np.clip(colour * shade[..., None], 0, 1), far, mist)
        img[top:] = mix(img[top:], fill, inside)
    # The sun's glow spills over the far ridges and the haze: light on top of everything.
    img = screen(img, mix(p.accent, p.paper, 0.3) * (0.6 * np.exp(-((d / (0.25 * uw)) ** 2)))[..., None])
    return c.upscale(img)


def flat(c: Canvas) -> Image.Image:
    """The first palette colour, exactly."""
    return Image.new("RGB", (c.width, c.height), tuple(int(round(x * 255)) for x in c.palette.first))
