"""Linear classifier: a network exported from NetCanvas.

Needs only PyTorch (and safetensors to read linear_classifier.safetensors, the weights beside it):

    from linear_classifier import load_model
    model = load_model()  # eval mode
    scores = model(images)  # images: float32 (N, 3, 32, 32), preprocessed as in NetCanvas
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

# One sample's shape (channels, height, width) or (features,); the batch comes first.
INPUT_SHAPE = (3, 32, 32)


class LinearClassifier(nn.Module):
    """The tutorial's score function f(x) = Wx + b: a 32x32x3 image, flattened to 3,072 numbers,
    times W (10 x 3,072) plus b gives 10 class scores.
    """

    def __init__(self) -> None:
        super().__init__()
        self.flatten1 = nn.Flatten()
        self.fc1 = nn.Linear(in_features=3072, out_features=10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, 3, 32, 32), a batch of N samples
        x = self.flatten1(x)  # (N, 3072)
        x = self.fc1(x)  # (N, 10)
        return x  # (N, 10) class scores


def load_model(weights: str | Path | None = None) -> LinearClassifier:
    """The network with its weights, in eval mode.

    `weights`: a .safetensors file (default: linear_classifier.safetensors beside this file) or a
    PyTorch state_dict saved with torch.save (.pt / .pth).
    """
    path = Path(weights) if weights is not None else Path(__file__).with_suffix(".safetensors")
    if path.suffix in (".pt", ".pth"):
        state = torch.load(path, map_location="cpu", weights_only=True)
    else:
        try:
            from safetensors.torch import load_file
        except ImportError:
            raise ImportError(
                f"Reading {path.name} needs the safetensors package (pip install safetensors); "
                "or pass a state_dict saved with torch.save as `weights`."
            ) from None
        state = load_file(str(path))
    model = LinearClassifier()
    model.load_state_dict(state)
    return model.eval()


if __name__ == "__main__":
    net = load_model()
    scores = net(torch.zeros(2, *INPUT_SHAPE))
    print(f"input {tuple(INPUT_SHAPE)} -> scores {tuple(scores.shape[1:])}")
