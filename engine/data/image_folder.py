"""Reader for a folder of images sorted into one subfolder per class.

Layouts accepted:
    root/<class>/*.png|jpg|jpeg                  -> 20% of each class held out for testing
    root/train/<class>/*, root/test/<class>/*    -> the user's own split
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from engine.data.errors import DataError
from engine.data.loaders import LoadedArrays, require_folder

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg"})
DEFAULT_TEST_FRACTION = 0.2
DEFAULT_SPLIT_SEED = 0
# Pillow modes that hold one grey value per pixel ("I;16" and friends included).
_GREY_MODES = ("1", "L", "LA", "I", "F")


def _class_folders(folder: Path) -> dict[str, list[Path]]:
    """Map class name -> sorted image files; sorted so every load is identical."""
    subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not subfolders:
        raise DataError(
            f"'{folder}' has no class subfolders; arrange the images as "
            f"'{folder}/<class name>/<image>.png'."
        )
    classes: dict[str, list[Path]] = {}
    for sub in subfolders:
        files = sorted(
            p for p in sub.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
        )
        if not files:
            raise DataError(
                f"The class folder '{sub}' holds no .png/.jpg/.jpeg images; add images or "
                "remove the folder."
            )
        classes[sub.name] = files
    return classes


def _read_image(path: Path) -> np.ndarray:
    """Return (H, W) for grey images, (H, W, 3) for anything in colour."""
    try:
        with Image.open(path) as image:
            grey = image.mode.startswith(_GREY_MODES)
            # 16-bit and float grey images are squeezed into 8 bits here; the
            # network sees the same 0-255 range as every other source.
            converted = image.convert("L" if grey else "RGB")
            return np.asarray(converted, dtype=np.uint8)
    # Pillow reports some corrupt files with SyntaxError or EOFError.
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, EOFError,
            Image.DecompressionBombError) as exc:
        raise DataError(
            f"Could not read the image '{path}' ({exc}); replace or delete the file."
        ) from exc


def _read_images(paths: list[Path], reference: tuple[Path, tuple[int, int]] | None
                 ) -> tuple[list[np.ndarray], tuple[Path, tuple[int, int]] | None]:
    images = []
    for path in paths:
        pixels = _read_image(path)
        size = (pixels.shape[1], pixels.shape[0])
        if reference is None:
            reference = (path, size)
        elif size != reference[1]:
            first_path, (w, h) = reference
            raise DataError(
                f"'{path}' is {size[0]}x{size[1]} but '{first_path}' is {w}x{h}; all images "
                f"must have the same size, resize them (e.g. to {w}x{h}) first."
            )
        images.append(pixels)
    return images, reference


def _stack(images: list[np.ndarray], colour: bool) -> np.ndarray:
    """Stack to (N, C, H, W); grey images are repeated to RGB when the set mixes both."""
    if colour:
        images = [im if im.ndim == 3 else np.repeat(im[:, :, None], 3, axis=2) for im in images]
        return np.stack(images).transpose(0, 3, 1, 2).copy()
    return np.stack(images)[:, np.newaxis]


def _split_per_class(classes: dict[str, list[Path]], fraction: float, seed: int
                     ) -> tuple[dict[str, list[Path]], dict[str, list[Path]]]:
    """Hold out `fraction` of every class, so each class appears in the test split."""
    rng = np.random.default_rng(seed)
    train, test = {}, {}
    for name, files in classes.items():
        order = rng.permutation(len(files))
        n_test = min(int(round(len(files) * fraction)), len(files) - 1)
        test[name] = [files[i] for i in sorted(order[:n_test])]
        train[name] = [files[i] for i in sorted(order[n_test:])]
    return train, test


def load_image_folder(root: Path, test_fraction: float = DEFAULT_TEST_FRACTION,
                      seed: int = DEFAULT_SPLIT_SEED) -> LoadedArrays:
    """Read root/<class>/* (or root/train + root/test) into uint8 NCHW arrays."""
    require_folder(root, "one subfolder of images per class")
    train_dir, test_dir = root / "train", root / "test"
    if train_dir.is_dir() and test_dir.is_dir():
        train_classes = _class_folders(train_dir)
        test_classes = _class_folders(test_dir)
        unknown = sorted(set(test_classes) - set(train_classes))
        if unknown:
            raise DataError(
                f"'{test_dir}' has class folders {unknown} that '{train_dir}' lacks; use the "
                "same class folder names in both."
            )
    elif train_dir.is_dir() or test_dir.is_dir():
        present, absent = (train_dir, test_dir) if train_dir.is_dir() else (test_dir, train_dir)
        raise DataError(
            f"'{root}' has '{present.name}' but no '{absent.name}' folder; add '{absent}' or "
            "put the class folders directly in the root."
        )
    else:
        train_classes, test_classes = _split_per_class(_class_folders(root), test_fraction, seed)
        if not any(test_classes.values()):
            raise DataError(
                f"'{root}' has too few images per class to hold out {test_fraction:.0%} for "
                "testing; add images or provide train/ and test/ folders."
            )

    class_names = sorted(train_classes)
    index = {name: i for i, name in enumerate(class_names)}
    train_paths = [(p, index[c]) for c in class_names for p in train_classes[c]]
    test_paths = [(p, index[c]) for c in sorted(test_classes) for p in test_classes[c]]
    train_images, reference = _read_images([p for p, _ in train_paths], None)
    test_images, _ = _read_images([p for p, _ in test_paths], reference)
    colour = any(im.ndim == 3 for im in train_images + test_images)
    return LoadedArrays(
        x_train=_stack(train_images, colour),
        y_train=np.array([c for _, c in train_paths], dtype=np.int64),
        x_test=_stack(test_images, colour),
        y_test=np.array([c for _, c in test_paths], dtype=np.int64),
        class_names=class_names,
    )
