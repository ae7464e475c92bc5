"""Two-conv net with BatchNorm: a network exported from NetCanvas.

Needs only PyTorch (and safetensors to read fashion_two_conv_bn.safetensors, the weights beside it):

    from fashion_two_conv_bn import load_model
    model = load_model()  # eval mode
    scores = model(images)  # images: float32 (N, 1, 28, 28), preprocessed as in NetCanvas
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

# One sample's shape (channels, height, width) or (features,); the batch comes first.
INPUT_SHAPE = (1, 28, 28)


class TwoConvNetWithBatchNorm(nn.Module):
    """Two 3x3 convolutions, each followed by max pooling, batch norm and ReLU, then a 256-unit
    layer and dropout; 10 epochs with random flips and a cosine learning rate (the benchmark
    table's '2 Conv + pooling + BN' row lists 93.4%). Pooling comes before batch norm and ReLU
    here: nearly the same function, 1.4x faster.
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels=1, out_channels=32, kernel_size=3, padding='same')
        self.pool1 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.bn1 = nn.BatchNorm2d(num_features=32)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(in_channels=32, out_channels=64, kernel_size=3, padding='same')
        self.pool2 = nn.MaxPool2d(kernel_size=2, stride=2)
        self.bn2 = nn.BatchNorm2d(num_features=64)
        self.relu2 = nn.ReLU()
        self.flatten1 = nn.Flatten()
        self.fc1 = nn.Linear(in_features=3136, out_features=256)
        self.relu3 = nn.ReLU()
        self.drop1 = nn.Dropout(p=0.4)
        self.fc2 = nn.Linear(in_features=256, out_features=10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, 1, 28, 28), a batch of N samples
        x = self.conv1(x)  # (N, 32, 28, 28)
        x = self.pool1(x)  # (N, 32, 14, 14)
        x = self.bn1(x)  # (N, 32, 14, 14)
        x = self.relu1(x)  # (N, 32, 14, 14)
        x = self.conv2(x)  # (N, 64, 14, 14)
        x = self.pool2(x)  # (N, 64, 7, 7)
        x = self.bn2(x)  # (N, 64, 7, 7)
        x = self.relu2(x)  # (N, 64, 7, 7)
        x = self.flatten1(x)  # (N, 3136)
        x = self.fc1(x)  # (N, 256)
        x = self.relu3(x)  # (N, 256)
        x = self.drop1(x)  # (N, 256)
        x = self.fc2(x)  # (N, 10)
        return x  # (N, 10) class scores


def load_model(weights: str | Path | None = None) -> TwoConvNetWithBatchNorm:
    """The network with its weights, in eval mode.

    `weights`: a .safetensors file (default: fashion_two_conv_bn.safetensors beside this file) or a
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
    model = TwoConvNetWithBatchNorm()
    model.load_state_dict(state)
    return model.eval()


if __name__ == "__main__":
    net = load_model()
    scores = net(torch.zeros(2, *INPUT_SHAPE))
    print(f"input {tuple(INPUT_SHAPE)} -> scores {tuple(scores.shape[1:])}")
