"""Two-layer MLP: a network exported from NetCanvas.

Needs only PyTorch (and safetensors to read mlp.safetensors, the weights beside it):

    from mlp import load_model
    model = load_model()  # eval mode
    scores = model(images)  # images: float32 (N, 1, 28, 28), preprocessed as in NetCanvas
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

# One sample's shape (channels, height, width) or (features,); the batch comes first.
INPUT_SHAPE = (1, 28, 28)


class TwoLayerMLP(nn.Module):
    """Flatten, one hidden layer of 256 ReLU units, then 10 scores: the simplest network that beats
    a linear classifier.
    """

    def __init__(self) -> None:
        super().__init__()
        self.flatten1 = nn.Flatten()
        self.fc1 = nn.Linear(in_features=784, out_features=256)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(in_features=256, out_features=10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, 1, 28, 28), a batch of N samples
        x = self.flatten1(x)  # (N, 784)
        x = self.fc1(x)  # (N, 256)
        x = self.relu1(x)  # (N, 256)
        x = self.fc2(x)  # (N, 10)
        return x  # (N, 10) class scores


def load_model(weights: str | Path | None = None) -> TwoLayerMLP:
    """The network with its weights, in eval mode.

    `weights`: a .safetensors file (default: mlp.safetensors beside this file) or a
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
    model = TwoLayerMLP()
    model.load_state_dict(state)
    return model.eval()


if __name__ == "__main__":
    net = load_model()
    scores = net(torch.zeros(2, *INPUT_SHAPE))
    print(f"input {tuple(INPUT_SHAPE)} -> scores {tuple(scores.shape[1:])}")
