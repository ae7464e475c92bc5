"""Small models and data shared by the training-engine tests (no Qt, all CPU, tiny)."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from engine.training.events import Event


def blobs(n: int = 256, seed: int = 0) -> tuple[Tensor, Tensor]:
    """Two well separated 2-d clusters: a problem any optimizer should solve."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 2, (n,), generator=g)
    centres = torch.tensor([[-2.0, -2.0], [2.0, 2.0]])
    x = centres[y] + 0.5 * torch.randn(n, 2, generator=g)
    return x, y


def images(n: int = 64, seed: int = 0, classes: int = 3) -> tuple[Tensor, Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 1, 8, 8, generator=g), torch.randint(0, classes, (n,), generator=g)


def mlp(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))


class SmallConvNet(nn.Module):
    """Children named like graph node ids, with dropout so RNG state matters."""

    def __init__(self, classes: int = 3) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.flatten = nn.Flatten()
        self.drop = nn.Dropout(0.3)
        self.fc1 = nn.Linear(4 * 4 * 4, classes)

    def forward(self, x: Tensor) -> Tensor:
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        return self.fc1(self.drop(self.flatten(x)))


def conv_net(seed: int = 0, classes: int = 3) -> SmallConvNet:
    torch.manual_seed(seed)
    return SmallConvNet(classes)


def state_copy(model: nn.Module) -> dict[str, Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def assert_same_state(a: dict[str, Tensor], b: dict[str, Tensor]) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), f"{key} differs"


def of_type(events: list[Event], cls: type) -> list:
    return [e for e in events if isinstance(e, cls)]
