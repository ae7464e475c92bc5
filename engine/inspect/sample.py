"""One sample for inspection: a dataset image or a user's file, converted to the Input's
channels and size and preprocessed exactly as training does (engine.data.preprocess with
the training split's statistics), with the conversion said in words."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from engine.data.stats import ChannelStats

# Pillow modes holding one grey channel (16-bit and float variants included).
_GREY_MODES = ("1", "L", "I", "F", "LA", "P;L")


class SampleError(ValueError):
    """The image cannot become a sample for this network; one sentence saying why."""


@dataclass
class PreparedSample:
    raw: np.ndarray           # (H, W, C) at the Input's size, uint8 0-255 or float 0-1, for display
    tensor_input: np.ndarray  # (C, H, W) float32, what the network receives
    description: str          # the conversion, in words

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_image_file(path: str | os.PathLike[str]) -> np.ndarray:
    """(H, W) grey or (H, W, 3) RGB uint8 pixels of a PNG/JPEG/... file (alpha dropped)."""
    return load_image(path)[0]


def load_image(path: str | os.PathLike[str]) -> tuple[np.ndarray, str]:
    """Pixels as load_image_file, plus "PNG 640x480 RGB" describing the file."""
    from PIL import Image, UnidentifiedImageError

    name = os.fspath(path)
    try:
        with Image.open(name) as image:
            origin = f"{image.format or 'image'} {image.width}x{image.height} {image.mode}"
            grey = image.mode in _GREY_MODES or image.mode.startswith("I;")
            pixels = np.asarray(image.convert("L" if grey else "RGB"), dtype=np.uint8)
    except FileNotFoundError:
        raise SampleError(f"There is no file {name!r}.") from None
    except IsADirectoryError:
        raise SampleError(f"{name!r} is a folder, not an image file.") from None
    # Pillow reports damaged files with several exception kinds.
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, EOFError,
            Image.DecompressionBombError):
        raise SampleError(f"{name!r} is not an image Pillow can read (PNG, JPEG, BMP, ...); "
                          f"choose an image file.") from None
    return pixels, origin


def _as_hwc(image: np.ndarray, channels_first: bool | None) -> np.ndarray:
    if image.ndim == 2:
        return image[:, :, None]
    if image.ndim != 3:
        raise SampleError(f"An image must be 2-D (grey) or 3-D (with channels), not shaped "
                          f"{image.shape}.")
    if channels_first is None:
        # Dataset samples are (C, H, W); files are (H, W, C). Guess from the small axis.
        channels_first = image.shape[0] in (1, 3, 4) and image.shape[2] not in (1, 3, 4)
    hwc = np.moveaxis(image, 0, -1) if channels_first else image
    if hwc.shape[2] not in (1, 3, 4):
        raise SampleError(f"An image needs 1, 3 or 4 channels, this one has {hwc.shape[2]}.")
    return hwc[:, :, :3] if hwc.shape[2] == 4 else hwc


def _resize(hwc: np.ndarray, height: int, width: int) -> np.ndarray:
    from PIL import Image

    if hwc.dtype == np.uint8:
        mode = "L" if hwc.shape[2] == 1 else "RGB"
        img = Image.fromarray(hwc[:, :, 0] if mode == "L" else hwc, mode)
        out = np.asarray(img.resize((width, height), Image.Resampling.BILINEAR), np.uint8)
        return out[:, :, None] if out.ndim == 2 else out
    # Float pixels (0-1) are resized channel by channel in Pillow's 32-bit float mode.
    planes = [np.asarray(Image.fromarray(np.ascontiguousarray(hwc[:, :, c], np.float32), "F")
                         .resize((width, height), Image.Resampling.BILINEAR))
              for c in range(hwc.shape[2])]
    return np.stack(planes, axis=-1).astype(np.float32)


def _to_channels(hwc: np.ndarray, channels: int) -> tuple[np.ndarray, str]:
    have = hwc.shape[2]
    if have == channels:
        return hwc, ""
    if channels == 1 and have == 3:
        # ITU-R 601 luma, the weights Pillow's "L" conversion uses.
        luma = hwc.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
        out = np.clip(np.rint(luma), 0, 255).astype(np.uint8) if hwc.dtype == np.uint8 \
            else luma.astype(np.float32)
        return out[:, :, None], "converted to 1 channel (luminance)"
    if channels == 3 and have == 1:
        return np.repeat(hwc, 3, axis=2), "converted to 3 channels (grey repeated)"
    raise SampleError(f"The network's Input has {channels} channels; an image with {have} "
                      f"cannot be converted to it.")


def _stats_text(mode: str, stats: ChannelStats | None) -> str:
    if mode == "none":
        return "used as raw pixel values (no preprocessing)"
    if mode == "scale":
        return "scaled to 0-1"
    assert stats is not None
    mean = " / ".join(f"{m:.3f}" for m in stats.mean)
    if mode == "mean_subtract":
        return f"scaled to 0-1 and centred with the training mean {mean}"
    std = " / ".join(f"{s:.3f}" for s in stats.std)
    return f"standardised with the training mean {mean} / std {std}"


def prepare_sample(image: np.ndarray, input_shape: tuple[int, int, int],
                   preprocessing: Any, stats: ChannelStats | dict | None = None,
                   origin: str | None = None, channels_first: bool | None = None
                   ) -> PreparedSample:
    """Resize and convert `image` to `input_shape` (C, H, W), then preprocess it as training
    does. `preprocessing` is the project's Preprocessing (or its dict); `stats` the training
    split's channel statistics (engine.data.preprocess.training_stats), needed for mean
    subtraction and standardisation. Pixels: uint8 0-255 or float 0-1."""
    from engine.data.preprocess import Preprocessing, to_tensor

    prep = preprocessing if isinstance(preprocessing, Preprocessing) else \
        Preprocessing.from_dict(dict(preprocessing or {}))
    if isinstance(stats, dict):
        stats = ChannelStats.from_dict(stats)
    if len(input_shape) != 3:
        raise SampleError(f"The network's Input takes vectors of {input_shape[0]} features, "
                          f"not images; set its layout to image to inspect a picture.")
    channels, height, width = (int(d) for d in input_shape)
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = arr.astype(np.float32)
    hwc = _as_hwc(arr, channels_first)
    steps = []
    if origin is None:
        kind = {1: "grey", 3: "RGB"}[hwc.shape[2]]
        origin = f"image {hwc.shape[1]}x{hwc.shape[0]} {kind}"
    if hwc.shape[:2] != (height, width):
        hwc = _resize(hwc, height, width)
        steps.append(f"resized to {width}x{height}")
    hwc, converted = _to_channels(hwc, channels)
    if converted:
        steps.append(converted)
    if prep.mode in ("mean_subtract", "standardise") and stats is None:
        raise SampleError("This project standardises its inputs, so inspecting a sample needs "
                          "the training statistics; load the project's data set first.")
    steps.append(_stats_text(prep.mode, stats))
    chw = np.ascontiguousarray(np.moveaxis(hwc, -1, 0))[None]
    tensor = to_tensor(chw, prep, stats or ChannelStats([0.0] * channels, [1.0] * channels))
    return PreparedSample(raw=np.ascontiguousarray(hwc),
                          tensor_input=tensor[0].numpy().astype(np.float32, copy=True),
                          description=f"{origin} -> " + ", ".join(steps))
