"""Trained weights as plain data: `dict[str, numpy.ndarray]` keyed like a model's state_dict
("conv1.weight", "bn1.running_mean"...), so they cross threads and processes, live in the
GUI process without torch, and are written as safetensors.

Reading never executes code: safetensors, or torch.load(weights_only=True) for .pt/.pth
files (a `netcanvas train --out` checkpoint or a bare state_dict). torch is imported only
for those .pt files, and only when one is read.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

Weights = dict[str, np.ndarray]
# Bytes hashed per read; large enough to be quick on multi-MB files.
_HASH_CHUNK = 1 << 20


class WeightsError(ValueError):
    """A weights file that cannot be read, or weights that do not fit the network.
    The message is one sentence for the user, naming the file or the layer."""


def file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def save_weights(path: str | os.PathLike[str], weights: Mapping[str, np.ndarray]) -> str:
    """Write `weights` as safetensors atomically (temp file + rename); returns its sha256."""
    from safetensors.numpy import save as st_save

    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise WeightsError(f"Cannot save weights into {str(directory)!r}: no such folder.")
    # safetensors refuses non-contiguous arrays; copies are cheap next to the file write.
    # ascontiguousarray turns a 0-d array (BatchNorm's num_batches_tracked) into shape (1,):
    # reshape it back, or the file no longer fits the network it came from.
    data = st_save({name: np.ascontiguousarray(a).reshape(np.shape(a))
                    for name, a in weights.items()})
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return hashlib.sha256(data).hexdigest()


def read_weights(path: str | os.PathLike[str]) -> Weights:
    """Weights from a .safetensors file, a NetCanvas checkpoint (.pt) or a state_dict
    (.pt/.pth). Raises WeightsError with one sentence for anything else."""
    source = repr(os.fspath(path))
    if not os.path.isfile(path):
        raise WeightsError(f"No weights file at {source}.")
    if _is_safetensors(path):
        from safetensors import SafetensorError
        from safetensors.numpy import load_file

        try:
            return {name: np.asarray(a) for name, a in load_file(os.fspath(path)).items()}
        except (SafetensorError, OSError, ValueError) as exc:
            raise WeightsError(f"Cannot read the weights file {source}: it is damaged or "
                               f"truncated ({_first_line(exc)}).") from None
    # .pt/.pth need torch: read in the engine worker (or the CLI), never in the GUI process.
    from engine.weights_pt import read_torch_file

    return read_torch_file(path, source)


def _is_safetensors(path: str | os.PathLike[str]) -> bool:
    """By content, not name: an 8-byte little-endian header length then a JSON '{'."""
    with open(path, "rb") as f:
        head = f.read(9)
    return len(head) == 9 and head[8:9] == b"{" and not head.startswith(b"PK")


def check_fit(weights: Mapping[str, np.ndarray], expected: Mapping[str, tuple[int, ...]],
              source: str = "the weights") -> None:
    """Raise WeightsError unless `weights` has exactly the names and shapes of `expected`
    (a model's state_dict shapes). The message names the layer and both shapes."""
    for name, shape in expected.items():
        if name not in weights:
            raise WeightsError(f"{source} has no entry {name!r} (layer {_layer(name)!r} "
                               f"expects shape {_fmt(shape)}); was it saved from another "
                               f"network?")
        got = tuple(weights[name].shape)
        if got != tuple(shape):
            raise WeightsError(f"{source} does not fit layer {_layer(name)!r}: {name!r} has "
                               f"shape {_fmt(got)} but the network needs {_fmt(shape)}.")
    extra = sorted(set(weights) - set(expected))
    if extra:
        raise WeightsError(f"{source} has entries the network lacks ({', '.join(extra[:3])}"
                           f"{'…' if len(extra) > 3 else ''}); was it saved from another "
                           f"network?")


def _layer(name: str) -> str:
    return name.rsplit(".", 1)[0]


def _fmt(shape: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in shape) if shape else "scalar"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
