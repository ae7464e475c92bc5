"""Small VGG: a network exported from NetCanvas.

Needs only PyTorch (and safetensors to read vgg_small.safetensors, the weights beside it):

    from vgg_small import load_model
    model = load_model()  # eval mode
    scores = model(images)  # images: float32 (N, 3, 32, 32), preprocessed as in NetCanvas
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

# One sample's shape (channels, height, width) or (features,); the batch comes first.
INPUT_SHAPE = (3, 32, 32)


class SmallVGG(nn.Module):
    """Three VGG blocks of 3x3 convolutions with batch norm, for 32x32 colour images."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels=3, out_channels=32, kernel_size=3, padding=1)
        self.bn1 = nn.BatchNorm2d(num_features=32)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(in_channels=32, out_channels=32, kernel_size=3, padding=1)
        self.bn2 = nn.BatchNorm2d(num_features=32)
        self.relu2 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.conv3 = nn.Conv2d(in_channels=32, out_channels=64, kernel_size=3, padding=1)
        self.bn3 = nn.BatchNorm2d(num_features=64)
        self.relu3 = nn.ReLU()
        self.conv4 = nn.Conv2d(in_channels=64, out_channels=64, kernel_size=3, padding=1)
        self.bn4 = nn.BatchNorm2d(num_features=64)
        self.relu4 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.conv5 = nn.Conv2d(in_channels=64, out_channels=128, kernel_size=3, padding=1)
        self.bn5 = nn.BatchNorm2d(num_features=128)
        self.relu5 = nn.ReLU()
        self.conv6 = nn.Conv2d(in_channels=128, out_channels=128, kernel_size=3, padding=1)
        self.bn6 = nn.BatchNorm2d(num_features=128)
        self.relu6 = nn.ReLU()
        self.pool3 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.flatten1 = nn.Flatten()
        self.fc1 = nn.Linear(in_features=2048, out_features=256)
        self.relu7 = nn.ReLU()
        self.drop1 = nn.Dropout()
        self.fc2 = nn.Linear(in_features=256, out_features=10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, 3, 32, 32), a batch of N samples
        x = self.conv1(x)  # (N, 32, 32, 32)
        x = self.bn1(x)  # (N, 32, 32, 32)
        x = self.relu1(x)  # (N, 32, 32, 32)
        x = self.conv2(x)  # (N, 32, 32, 32)
        x = self.bn2(x)  # (N, 32, 32, 32)
        x = self.relu2(x)  # (N, 32, 32, 32)
        x = self.pool1(x)  # (N, 32, 16, 16)
        x = self.conv3(x)  # (N, 64, 16, 16)
        x = self.bn3(x)  # (N, 64, 16, 16)
        x = self.relu3(x)  # (N, 64, 16, 16)
        x = self.conv4(x)  # (N, 64, 16, 16)
        x = self.bn4(x)  # (N, 64, 16, 16)
        x = self.relu4(x)  # (N, 64, 16, 16)
        x = self.pool2(x)  # (N, 64, 8, 8)
        x = self.conv5(x)  # (N, 128, 8, 8)
        x = self.bn5(x)  # (N, 128, 8, 8)
        x = self.relu5(x)  # (N, 128, 8, 8)
        x = self.conv6(x)  # (N, 128, 8, 8)
        x = self.bn6(x)  # (N, 128, 8, 8)
        x = self.relu6(x)  # (N, 128, 8, 8)
        x = self.pool3(x)  # (N, 128, 4, 4)
        x = self.flatten1(x)  # (N, 2048)
        x = self.fc1(x)  # (N, 256)
        x = self.relu7(x)  # (N, 256)
        x = self.drop1(x)  # (N, 256)
        x = self.fc2(x)  # (N, 10)
        return x  # (N, 10) class scores


def load_model(weights: str | Path | None = None) -> SmallVGG:
    """The network with its weights, in eval mode.

    `weights`: a .safetensors file (default: vgg_small.safetensors beside this file) or a
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
    model = SmallVGG()
    model.load_state_dict(state)
    return model.eval()


if __name__ == "__main__":
    net = load_model()
    scores = net(torch.zeros(2, *INPUT_SHAPE))
    print(f"input {tuple(INPUT_SHAPE)} -> scores {tuple(scores.shape[1:])}")
