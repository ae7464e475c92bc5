"""Deep MLP, ReLU: a network exported from NetCanvas.

Needs only PyTorch (and safetensors to read deep_mlp_relu.safetensors, the weights beside it):

    from deep_mlp_relu import load_model
    model = load_model()  # eval mode
    scores = model(images)  # images: float32 (N, 1, 28, 28), preprocessed as in NetCanvas
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

# One sample's shape (channels, height, width) or (features,); the batch comes first.
INPUT_SHAPE = (1, 28, 28)


class DeepMLPReLU(nn.Module):
    """The same eight hidden layers of 64 units with ReLU: gradients reach the first layer at a
    useful size. The vanishing-gradient lab's control.
    """

    def __init__(self) -> None:
        super().__init__()
        self.flatten1 = nn.Flatten()
        self.fc1 = nn.Linear(in_features=784, out_features=64)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(in_features=64, out_features=64)
        self.relu2 = nn.ReLU()
        self.fc3 = nn.Linear(in_features=64, out_features=64)
        self.relu3 = nn.ReLU()
        self.fc4 = nn.Linear(in_features=64, out_features=64)
        self.relu4 = nn.ReLU()
        self.fc5 = nn.Linear(in_features=64, out_features=64)
        self.relu5 = nn.ReLU()
        self.fc6 = nn.Linear(in_features=64, out_features=64)
        self.relu6 = nn.ReLU()
        self.fc7 = nn.Linear(in_features=64, out_features=64)
        self.relu7 = nn.ReLU()
        self.fc8 = nn.Linear(in_features=64, out_features=64)
        self.relu8 = nn.ReLU()
        self.fc9 = nn.Linear(in_features=64, out_features=10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, 1, 28, 28), a batch of N samples
        x = self.flatten1(x)  # (N, 784)
        x = self.fc1(x)  # (N, 64)
        x = self.relu1(x)  # (N, 64)
        x = self.fc2(x)  # (N, 64)
        x = self.relu2(x)  # (N, 64)
        x = self.fc3(x)  # (N, 64)
        x = self.relu3(x)  # (N, 64)
        x = self.fc4(x)  # (N, 64)
        x = self.relu4(x)  # (N, 64)
        x = self.fc5(x)  # (N, 64)
        x = self.relu5(x)  # (N, 64)
        x = self.fc6(x)  # (N, 64)
        x = self.relu6(x)  # (N, 64)
        x = self.fc7(x)  # (N, 64)
        x = self.relu7(x)  # (N, 64)
        x = self.fc8(x)  # (N, 64)
        x = self.relu8(x)  # (N, 64)
        x = self.fc9(x)  # (N, 10)
        return x  # (N, 10) class scores


def load_model(weights: str | Path | None = None) -> DeepMLPReLU:
    """The network with its weights, in eval mode.

    `weights`: a .safetensors file (default: deep_mlp_relu.safetensors beside this file) or a
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
    model = DeepMLPReLU()
    model.load_state_dict(state)
    return model.eval()


if __name__ == "__main__":
    net = load_model()
    scores = net(torch.zeros(2, *INPUT_SHAPE))
    print(f"input {tuple(INPUT_SHAPE)} -> scores {tuple(scores.shape[1:])}")
