"""LeNet-5: a network exported from NetCanvas.

Needs only PyTorch (and safetensors to read lenet5.safetensors, the weights beside it):

    from lenet5 import load_model
    model = load_model()  # eval mode
    scores = model(images)  # images: float32 (N, 1, 28, 28), preprocessed as in NetCanvas
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

# One sample's shape (channels, height, width) or (features,); the batch comes first.
INPUT_SHAPE = (1, 28, 28)


class LeNet5(nn.Module):
    """LeCun's classic: two convolution + pooling stages, then three fully connected layers."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels=1, out_channels=6, kernel_size=5, padding=2)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.conv2 = nn.Conv2d(in_channels=6, out_channels=16, kernel_size=5)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.flatten1 = nn.Flatten()
        self.fc1 = nn.Linear(in_features=400, out_features=120)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(in_features=120, out_features=84)
        self.relu4 = nn.ReLU()
        self.fc3 = nn.Linear(in_features=84, out_features=10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, 1, 28, 28), a batch of N samples
        x = self.conv1(x)  # (N, 6, 28, 28)
        x = self.relu1(x)  # (N, 6, 28, 28)
        x = self.pool1(x)  # (N, 6, 14, 14)
        x = self.conv2(x)  # (N, 16, 10, 10)
        x = self.relu2(x)  # (N, 16, 10, 10)
        x = self.pool2(x)  # (N, 16, 5, 5)
        x = self.flatten1(x)  # (N, 400)
        x = self.fc1(x)  # (N, 120)
        x = self.relu3(x)  # (N, 120)
        x = self.fc2(x)  # (N, 84)
        x = self.relu4(x)  # (N, 84)
        x = self.fc3(x)  # (N, 10)
        return x  # (N, 10) class scores


def load_model(weights: str | Path | None = None) -> LeNet5:
    """The network with its weights, in eval mode.

    `weights`: a .safetensors file (default: lenet5.safetensors beside this file) or a
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
    model = LeNet5()
    model.load_state_dict(state)
    return model.eval()


if __name__ == "__main__":
    net = load_model()
    scores = net(torch.zeros(2, *INPUT_SHAPE))
    print(f"input {tuple(INPUT_SHAPE)} -> scores {tuple(scores.shape[1:])}")
