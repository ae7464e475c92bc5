"""ONNX import of files made by torch.onnx.export of hand-written modules: each imported
network's outputs equal onnxruntime's on the original file within 1e-4."""

from __future__ import annotations

import numpy as np
import pytest

from engine.importers.onnx import import_onnx
from engine.importers.report import TOLERANCE
from tests.engine.onnx_helpers import export

torch = pytest.importorskip("torch")
nn = torch.nn
# Five torch.onnx.export calls (one module-scoped fixture): several seconds on 2 cores.
pytestmark = pytest.mark.slow


class LeNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 6, 5, padding=2), nn.Conv2d(6, 16, 5)
        self.pool = nn.MaxPool2d(2)
        self.fc1, self.fc2 = nn.Linear(16 * 5 * 5, 32), nn.Linear(32, 10)

    def forward(self, x):  # noqa: ANN001, ANN201
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.tanh(self.conv2(x)))
        x = x.view(x.size(0), -1)  # the Shape -> ... -> Reshape chain when not optimised
        return self.fc2(torch.relu(self.fc1(x)))


def vgg() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
        nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8), nn.LeakyReLU(0.2),
        nn.MaxPool2d(2, ceil_mode=True), nn.Conv2d(8, 16, 3, padding=1, groups=2, dilation=1),
        nn.BatchNorm2d(16), nn.GELU(), nn.AvgPool2d(3, 2, padding=1),
        nn.Flatten(), nn.Dropout(0.5), nn.Linear(16 * 3 * 3, 10), nn.LogSoftmax(dim=1))


class Residual(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.a, self.b = nn.Conv2d(8, 8, 3, padding=1), nn.Conv2d(8, 8, 3, padding=2, dilation=2)
        self.bn = nn.BatchNorm2d(8)
        self.gap, self.fc = nn.AdaptiveAvgPool2d(1), nn.Linear(8, 5)

    def forward(self, x):  # noqa: ANN001, ANN201
        x = torch.relu(self.stem(x))
        y = self.bn(self.b(torch.relu(self.a(x))))
        x = torch.relu(x + y)
        return torch.softmax(self.fc(torch.flatten(self.gap(x), 1)), dim=1)


class Branches(nn.Module):
    """A Concat of two branches, one of them with PyTorch's 'same' padding on even kernels
    (exported as asymmetric pads, or a Pad node before the Conv)."""

    def __init__(self) -> None:
        super().__init__()
        self.left, self.right = nn.Conv2d(1, 4, 1), nn.Conv2d(1, 6, 4, padding="same")
        self.right2 = nn.Conv2d(6, 6, (2, 3), padding="same")
        self.fc = nn.Linear(10 * 4 * 4, 3)

    def forward(self, x):  # noqa: ANN001, ANN201
        right = self.right2(torch.sigmoid(self.right(x)))
        x = torch.cat([torch.relu(self.left(x)), right], dim=1)
        return self.fc(torch.flatten(nn.functional.max_pool2d(x, 2), 1))


class SigmoidHead(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(12, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, x):  # noqa: ANN001, ANN201
        return torch.sigmoid(self.body(x))


CASES = {
    "lenet": (LeNet, (1, 28, 28), {"optimize": False}),
    "vgg_bn": (vgg, (3, 12, 12), {}),
    "residual": (Residual, (3, 8, 8), {}),
    "concat_same": (Branches, (1, 8, 8), {}),
    "sigmoid_head": (SigmoidHead, (12,), {}),
}


def _init_bn(module: nn.Module) -> nn.Module:
    """Non-trivial BatchNorm statistics, so a BN mapped wrongly shows in the outputs."""
    gen = torch.Generator().manual_seed(1)
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.3)
            m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=gen) * 0.2)
    return module


@pytest.fixture(scope="module")
def files(tmp_path_factory):  # noqa: ANN001, ANN201
    folder = tmp_path_factory.mktemp("onnx")
    torch.manual_seed(0)
    out = {}
    for key, (make, shape, kwargs) in CASES.items():
        out[key] = export(_init_bn(make()), shape, folder / f"{key}.onnx", **kwargs)
    return out


@pytest.mark.parametrize("key", list(CASES))
def test_imported_outputs_equal_onnxruntime(files, key: str) -> None:  # noqa: ANN001
    result = import_onnx(files[key])
    report = result.report
    assert report.max_abs_diff is not None and report.max_abs_diff <= TOLERANCE, report.lines()
    assert report.verified and not report.unsupported
    # Every weight went into the project's network.
    from engine.model import build_model

    state = build_model(result.project.graph).state_dict()
    assert set(state) == set(result.weights)


def _types(result) -> list[str]:  # noqa: ANN001
    g = result.project.graph
    return [g.nodes[n].type_id for n in g.topological_order()]


def test_lenet_graph_and_flatten_chain(files) -> None:  # noqa: ANN001
    result = import_onnx(files["lenet"])
    assert _types(result) == ["input", "conv2d", "relu", "maxpool2d", "conv2d", "tanh",
                              "maxpool2d", "flatten", "linear", "relu", "linear", "output"]
    kinds = {r.op_type: r.kind for r in result.report.rows}
    assert kinds["Shape"] == "constant" and kinds["Concat"] == "constant"
    g = result.project.graph
    assert g.nodes["conv1"].params["padding"] == (2, 2)
    assert g.nodes["output1"].params["classes"] == 10
    # torch module names become node ids, so weights keep their names.
    assert np.array_equal(result.weights["fc1.weight"].shape, (32, 400))


def test_vgg_keeps_batchnorm_groups_ceil_and_logsoftmax(files) -> None:  # noqa: ANN001
    result = import_onnx(files["vgg_bn"])
    types = _types(result)
    assert types.count("batchnorm2d") == 3 and "logsoftmax" in types and "gelu" in types
    g = result.project.graph
    convs = [g.nodes[n] for n in g.topological_order() if g.nodes[n].type_id == "conv2d"]
    assert convs[2].params["groups"] == 2
    pools = [g.nodes[n] for n in g.topological_order() if g.nodes[n].type_id == "maxpool2d"]
    assert pools[0].params["ceil_mode"] is True
    leaky = [g.nodes[n] for n in g.nodes if g.nodes[n].type_id == "leakyrelu"]
    assert leaky[0].params["negative_slope"] == pytest.approx(0.2)


def test_residual_add_and_global_pool(files) -> None:  # noqa: ANN001
    result = import_onnx(files["residual"])
    g = result.project.graph
    adds = [n for n in g.nodes if g.nodes[n].type_id == "add"]
    assert len(adds) == 1 and len([e for e in g.edges if e.target == adds[0]]) == 2
    types = _types(result)
    assert "adaptiveavgpool2d" in types and "softmax" in types
    dil = [g.nodes[n] for n in g.nodes if g.nodes[n].type_id == "conv2d"
           and g.nodes[n].params["dilation"] == (2, 2)]
    assert dil and dil[0].params["padding"] == (2, 2)


def test_concat_branch_and_even_kernel_same_padding(files) -> None:  # noqa: ANN001
    result = import_onnx(files["concat_same"])
    g = result.project.graph
    concat = [n for n in g.nodes if g.nodes[n].type_id == "concat"]
    assert len(concat) == 1
    sources = [e.source for e in sorted(g.edges, key=lambda e: e.port) if e.target == concat[0]]
    assert [g.nodes[s].type_id for s in sources] == ["relu", "conv2d"]
    assert g.nodes["right"].params["padding"] == "same"
    assert g.nodes["right2"].params["padding"] == "same"
    assert g.nodes["right2"].params["kernel"] == (2, 3)


def test_sigmoid_head_on_vector_input(files) -> None:  # noqa: ANN001
    result = import_onnx(files["sigmoid_head"])
    assert _types(result) == ["input", "linear", "relu", "linear", "sigmoid", "output"]
    g = result.project.graph
    assert g.nodes["input1"].params["layout"] == "vector"
    assert g.nodes["output1"].params["classes"] == 1


def test_imported_network_trains(files) -> None:  # noqa: ANN001
    """Editable and trainable: the imported VGG-style net (BatchNorm restored or read)
    takes a training step from its imported weights and its loss falls."""
    from engine.model import build_model, load_weights_into

    result = import_onnx(files["vgg_bn"], verify=False)
    model = build_model(result.project.graph)
    load_weights_into(model, result.weights)
    model.train()
    torch.manual_seed(0)
    x, y = torch.randn(16, 3, 12, 12), torch.randint(0, 10, (16,))
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        loss = nn.functional.nll_loss(model(x), y)  # the net ends in LogSoftmax
        loss.backward()
        assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in model.parameters())
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]
