"""The export formats: names, file suffixes, when to pick each, and the tolerance that
verification holds them to. Plain data without torch, so the dialog and the CLI's help can
list them instantly."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Verification tolerances on the logits (max abs difference). Same kernels in another
# process give float32 round-off only; onnxruntime has its own kernels.
FLOAT32_TOLERANCE = 1e-5
ONNX_TOLERANCE = 1e-4


class ExportError(ValueError):
    """An export that cannot be made; the message is one sentence for the user."""


class VerificationError(ExportError):
    """The exported file was loaded back but does not reproduce the model's outputs."""


@dataclass(frozen=True)
class ExportFormat:
    name: str  # the CLI's --format value
    title: str
    suffix: str  # of the main file
    when: str  # one line: when to pick this format
    tolerance: float = FLOAT32_TOLERANCE
    weights_only: bool = False  # the file holds weights, no network
    legacy: bool = False


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("py", "PyTorch source (.py + .safetensors)", ".py",
                 "Recommended: readable PyTorch code to edit and run, weights beside it; needs "
                 "only torch."),
    ExportFormat("pt2", "torch.export program (.pt2)", ".pt2",
                 "To run the network from Python without its source: torch.export.load(), any batch "
                 "size."),
    ExportFormat("onnx", "ONNX (.onnx)", ".onnx",
                 "To deploy outside PyTorch: onnxruntime, TensorRT, OpenVINO, browsers, mobile.",
                 tolerance=ONNX_TOLERANCE),
    ExportFormat("torchscript", "TorchScript (.pt, legacy)", ".pt",
                 "Legacy: only for C++ programs that load models with LibTorch's torch::jit::load.",
                 legacy=True),
    ExportFormat("safetensors", "Weights: safetensors", ".safetensors",
                 "The weights alone, safe to share (no code runs on load); pair with the .py export.",
                 weights_only=True),
    ExportFormat("state-dict", "Weights: PyTorch state_dict (.pt)", ".pt",
                 "The weights alone for torch.load(weights_only=True) + model.load_state_dict().",
                 weights_only=True),
    ExportFormat("train-script", "Training script (train.py)", ".py",
                 "To train on a bigger machine or several: plain PyTorch, runs with python or "
                 "torchrun (DDP)."),
)
DEFAULT_FORMAT = "py"


def format_names() -> list[str]:
    return [f.name for f in FORMATS]


def get_format(name: str) -> ExportFormat:
    for f in FORMATS:
        if f.name == name:
            return f
    raise ExportError(f"There is no export format {name!r}; choose one of "
                      f"{', '.join(format_names())}.")


def default_file_name(project_name: str, fmt: ExportFormat) -> str:
    if fmt.name == "train-script":
        return "train.py"
    slug = "_".join(re.findall(r"[a-z0-9]+", project_name.lower())) or "model"
    if slug[0].isdigit():
        slug = "model_" + slug
    return slug + fmt.suffix
