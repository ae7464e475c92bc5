"""Deep MLP, Sigmoid: a network exported from NetCanvas.

Needs only PyTorch (and safetensors to read deep_mlp_sigmoid.safetensors, the weights beside it):

    from deep_mlp_sigmoid import load_model
    model = load_model()  # eval mode
    scores = model(images)  # images: float32 (N, 1, 28, 28), preprocessed as in NetCanvas
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

# One sample's shape (channels, height, width) or (features,); the batch comes first.
INPUT_SHAPE = (1, 28, 28)


class DeepMLPSigmoid(nn.Module):
    """Eight hidden layers of 64 sigmoid units: the vanishing-gradient lab. The first layers get
    gradients orders of magnitude smaller than the last and barely learn; compare it with the
    ReLU twin in Diagnose > Compare.
    """

    def __init__(self) -> None:
        super().__init__()
        self.flatten1 = nn.Flatten()
        self.fc1 = nn.Linear(in_features=784, out_features=64)
        self.sigmoid1 = nn.Sigmoid()
        self.fc2 = nn.Linear(in_features=64, out_features=64)
        self.sigmoid2 = nn.Sigmoid()
        self.fc3 = nn.Linear(in_features=64, out_features=64)
        self.sigmoid3 = nn.Sigmoid()
        self.fc4 = nn.Linear(in_features=64, out_features=64)
        self.sigmoid4 = nn.Sigmoid()
        self.fc5 = nn.Linear(in_features=64, out_features=64)
        self.sigmoid5 = nn.Sigmoid()
        self.fc6 = nn.Linear(in_features=64, out_features=64)
        self.sigmoid6 = nn.Sigmoid()
        self.fc7 = nn.Linear(in_features=64, out_features=64)
        self.sigmoid7 = nn.Sigmoid()
        self.fc8 = nn.Linear(in_features=64, out_features=64)
        self.sigmoid8 = nn.Sigmoid()
        self.fc9 = nn.Linear(in_features=64, out_features=10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N, 1, 28, 28), a batch of N samples
        x = self.flatten1(x)  # (N, 784)
        x = self.fc1(x)  # (N, 64)
        x = self.sigmoid1(x)  # (N, 64)
        x = self.fc2(x)  # (N, 64)
        x = self.sigmoid2(x)  # (N, 64)
        x = self.fc3(x)  # (N, 64)
        x = self.sigmoid3(x)  # (N, 64)
        x = self.fc4(x)  # (N, 64)
        x = self.sigmoid4(x)  # (N, 64)
        x = self.fc5(x)  # (N, 64)
        x = self.sigmoid5(x)  # (N, 64)
        x = self.fc6(x)  # (N, 64)
        x = self.sigmoid6(x)  # (N, 64)
        x = self.fc7(x)  # (N, 64)
        x = self.sigmoid7(x)  # (N, 64)
        x = self.fc8(x)  # (N, 64)
        x = self.sigmoid8(x)  # (N, 64)
        x = self.fc9(x)  # (N, 10)
        return x  # (N, 10) class scores


def load_model(weights: str | Path | None = None) -> DeepMLPSigmoid:
    """The network with its weights, in eval mode.

    `weights`: a .safetensors file (default: deep_mlp_sigmoid.safetensors beside this file) or a
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
    model = DeepMLPSigmoid()
    model.load_state_dict(state)
    return model.eval()


if __name__ == "__main__":
    net = load_model()
    scores = net(torch.zeros(2, *INPUT_SHAPE))
    print(f"input {tuple(INPUT_SHAPE)} -> scores {tuple(scores.shape[1:])}")
