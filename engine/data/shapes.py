"""A procedurally generated colour data set: one shape per 32x32 RGB image.

It needs no download and no licence, trains in seconds, and unlike
Fashion-MNIST it has three channels, so colour-specific features (per-channel
statistics, RGB first layers) can be shown with it. Every shape is drawn from
a signed distance (positive inside), which gives soft one-pixel edges for free
and lets the whole set be rendered with array arithmetic, no per-image loop.
"""

from __future__ import annotations

import numpy as np

from engine.data.loaders import LoadedArrays

# Ten classes, like CIFAR-10, so the tutorial's 10-score linear classifier fits as it is.
SHAPE_CLASSES = ["circle", "square", "triangle", "cross", "ring", "bar",
                 "pentagon", "half-disc", "frame", "crescent"]
IMAGE_SIZE = 32
DEFAULT_TRAIN_PER_CLASS = 600
DEFAULT_TEST_PER_CLASS = 120
DEFAULT_SEED = 0

_RADIUS_RANGE = (0.22, 0.40)  # circumradius as a fraction of the image side
_RING_INNER = 0.55            # hole radius relative to the outer radius
_CROSS_ARM = 0.28             # half arm width relative to the radius
_BAR_HALF_WIDTH = 0.25
_NOISE_AMPLITUDE = 16         # +- grey levels of uniform pixel noise
# Like CIFAR-10, colour is a cue but not the whole story: each class draws its shape in
# its own base colour (jittered) most of the time, so a linear classifier (the tutorial's
# first model) learns colour templates and beats chance clearly, while telling every
# image apart needs the shape itself, which is what convolutions add.
_CLASS_COLOURS = np.array([
    (220, 60, 60), (60, 170, 70), (60, 90, 220), (230, 200, 50), (170, 70, 200),
    (60, 200, 210), (240, 140, 40), (140, 100, 60), (240, 240, 240), (30, 30, 30),
])
_CLASS_COLOUR_SHARE = 0.7   # the rest get a random colour
_COLOUR_JITTER = 40         # +- levels per channel around the class colour
_MIN_CONTRAST = 120         # background moves away from the shape if closer than this


def _polygon_distance(u: np.ndarray, v: np.ndarray, radius: np.ndarray, sides: int
                      ) -> np.ndarray:
    """Distance to the edge of a regular polygon with circumradius `radius`."""
    apothem = radius * np.cos(np.pi / sides)
    support = np.full_like(u, -np.inf)
    for k in range(sides):
        angle = 2 * np.pi * k / sides - np.pi / 2
        support = np.maximum(support, u * np.cos(angle) + v * np.sin(angle))
    return apothem - support


def _signed_distance(name: str, u: np.ndarray, v: np.ndarray, radius: np.ndarray
                     ) -> np.ndarray:
    r = radius[:, None, None]
    distance = np.hypot(u, v)
    if name == "circle":
        return r - distance
    if name == "ring":
        return np.minimum(r - distance, distance - _RING_INNER * r)
    if name == "square":
        return _polygon_distance(u, v, r, 4)
    if name == "triangle":
        return _polygon_distance(u, v, r, 3)
    if name == "cross":
        w = _CROSS_ARM * r
        across = np.minimum(r - np.abs(u), w - np.abs(v))
        down = np.minimum(r - np.abs(v), w - np.abs(u))
        return np.maximum(across, down)
    if name == "bar":
        return np.minimum(r - np.abs(u), _BAR_HALF_WIDTH * r - np.abs(v))
    if name == "pentagon":
        return _polygon_distance(u, v, r, 5)
    if name == "half-disc":
        return np.minimum(r - distance, v)
    if name == "frame":
        return np.minimum(_polygon_distance(u, v, r, 4), -_polygon_distance(u, v, 0.6 * r, 4))
    if name == "crescent":
        return np.minimum(r - distance, np.hypot(u - 0.45 * r, v) - 0.8 * r)
    raise ValueError(f"unknown shape {name!r}")


def render_shapes(labels: np.ndarray, rng: np.random.Generator, size: int = IMAGE_SIZE
                  ) -> np.ndarray:
    """Draw one random shape per label; returns uint8 (N, 3, size, size)."""
    n = len(labels)
    # Draw every random number up front in a fixed order: the output depends
    # only on the seed, not on how the work is grouped below.
    radius = (rng.uniform(*_RADIUS_RANGE, n) * size).astype(np.float32)
    cx = rng.uniform(radius + 1, size - radius - 1).astype(np.float32)
    cy = rng.uniform(radius + 1, size - radius - 1).astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi, n).astype(np.float32)
    background = rng.integers(0, 256, (n, 3))
    own_colour = rng.random(n) < _CLASS_COLOUR_SHARE
    jitter = rng.integers(-_COLOUR_JITTER, _COLOUR_JITTER + 1, (n, 3))
    random_colour = rng.integers(0, 256, (n, 3))
    base = _CLASS_COLOURS[labels % len(_CLASS_COLOURS)]
    foreground = np.where(own_colour[:, None], np.clip(base + jitter, 0, 255), random_colour)
    # Keep the shape visible: a background too close in colour is pushed half-way round.
    close = np.abs(foreground - background).max(axis=1) < _MIN_CONTRAST
    background[close] = (foreground[close] + 128) % 256
    noise = rng.integers(-_NOISE_AMPLITUDE, _NOISE_AMPLITUDE + 1, (n, 3, size, size),
                         dtype=np.int16)

    centres = np.arange(size, dtype=np.float32) + 0.5
    dx = centres[None, None, :] - cx[:, None, None]
    dy = centres[None, :, None] - cy[:, None, None]
    cos, sin = np.cos(angle)[:, None, None], np.sin(angle)[:, None, None]
    u, v = dx * cos + dy * sin, dy * cos - dx * sin  # rotated into the shape's frame

    alpha = np.empty((n, size, size), dtype=np.float32)
    for class_index, name in enumerate(SHAPE_CLASSES):
        members = labels == class_index
        if members.any():
            distance = _signed_distance(name, u[members], v[members], radius[members])
            alpha[members] = np.clip(distance + 0.5, 0.0, 1.0)

    bg = background.astype(np.float32)[:, :, None, None]
    fg = foreground.astype(np.float32)[:, :, None, None]
    pixels = bg + (fg - bg) * alpha[:, None] + noise
    return np.clip(np.rint(pixels), 0, 255).astype(np.uint8)


def generate_shapes(n_train_per_class: int = DEFAULT_TRAIN_PER_CLASS,
                    n_test_per_class: int = DEFAULT_TEST_PER_CLASS,
                    seed: int = DEFAULT_SEED, size: int = IMAGE_SIZE) -> LoadedArrays:
    """Generate the shapes set; identical output for identical arguments."""
    classes = len(SHAPE_CLASSES)
    # Interleaved labels keep every class evenly spread through both splits.
    labels = np.tile(np.arange(classes, dtype=np.int64), n_train_per_class + n_test_per_class)
    images = render_shapes(labels, np.random.default_rng(seed), size)
    cut = n_train_per_class * classes
    return LoadedArrays(images[:cut], labels[:cut], images[cut:], labels[cut:],
                        list(SHAPE_CLASSES))
