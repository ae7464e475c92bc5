from __future__ import annotations

import pytest

from engine.graph import (
    CycleError,
    DuplicateNodeError,
    Edge,
    Graph,
    InvalidParamError,
    NodeNotFoundError,
    PortError,
    PortInUseError,
    UnknownTypeError,
    chain,
)


def small() -> Graph:
    return chain([("input", {}), ("conv2d", {}), ("relu", {}), ("output", {})])


def test_ids_are_stable_and_prefixed() -> None:
    g = small()
    assert list(g.nodes) == ["input1", "conv1", "relu1", "output1"]
    g.remove_node("conv1")
    assert g.add_node("conv2d").id == "conv1"  # the free number is reused
    assert g.add_node("conv2d").id == "conv2"


def test_cycle_is_refused_with_reason() -> None:
    g = chain([("input", {}), ("add", {}), ("relu", {})])
    with pytest.raises(CycleError, match="would make a loop"):
        g.check_connect("relu1", "add1", 1)
    assert not g.can_connect("relu1", "add1", 1)
    assert g.can_connect("input1", "add1", 1)


def test_self_loop_and_occupied_port() -> None:
    g = small()
    with pytest.raises(CycleError):
        g.connect("relu1", "relu1")
    with pytest.raises(PortInUseError, match="already takes its input from 'conv1'"):
        g.connect("input1", "relu1")


def test_port_errors() -> None:
    g = small()
    with pytest.raises(PortError, match="takes no input"):
        g.connect("relu1", "input1")
    with pytest.raises(PortError, match="no input 3"):
        g.connect("input1", "conv1", 2)


def test_unknown_type_and_duplicate_id() -> None:
    g = small()
    with pytest.raises(UnknownTypeError, match="Unknown layer type 'conv3d'"):
        g.add_node("conv3d")
    with pytest.raises(DuplicateNodeError):
        g.add_node("relu", node_id="relu1")
    with pytest.raises(DuplicateNodeError, match="must start with a letter"):
        g.add_node("relu", node_id="1bad")
    with pytest.raises(NodeNotFoundError):
        g.node("nope")


def test_param_out_of_range_and_wrong_kind() -> None:
    g = small()
    with pytest.raises(InvalidParamError, match="Kernel size must be at least 1, not 0"):
        g.set_params("conv1", {"kernel": 0})
    with pytest.raises(InvalidParamError, match="whole number"):
        g.set_params("conv1", {"out_channels": "many"})
    with pytest.raises(InvalidParamError, match="no parameter 'size'"):
        g.set_params("conv1", {"size": 3})
    with pytest.raises(InvalidParamError, match="one of image, vector"):
        g.set_params("input1", {"layout": "cube"})
    assert g.nodes["conv1"].params["kernel"] == (3, 3)  # nothing changed


def test_reducing_merge_inputs_needs_disconnect() -> None:
    g = chain([("input", {}), ("relu", {})])
    g.add_node("concat", {"inputs": 3})
    g.connect("relu1", "concat1", 2)
    with pytest.raises(InvalidParamError, match="input 3 is still connected"):
        g.set_params("concat1", {"inputs": 2})


def test_topological_order_and_notifications() -> None:
    g = Graph()
    seen = []
    g.subscribe(seen.append)
    a = g.add_node("input").id
    b = g.add_node("relu").id
    c = g.add_node("relu").id
    g.connect(c, b)
    g.connect(a, c)
    assert g.topological_order() == [a, c, b]
    kinds = [ch.kind for ch in seen]
    assert kinds == ["node_added"] * 3 + ["edge_added"] * 2
    g.remove_node(c)
    assert [ch.kind for ch in seen[-3:]] == ["edge_removed", "edge_removed", "node_removed"]
    assert g.edges == []


def test_copy_is_detached() -> None:
    g = small()
    h = g.copy()
    h.set_params("conv1", {"out_channels": 3})
    assert g.nodes["conv1"].params["out_channels"] == 16
    assert h.edges == g.edges and h.edges is not g.edges


def test_disconnect_unknown_edge() -> None:
    g = small()
    from engine.graph import GraphError

    with pytest.raises(GraphError):
        g.disconnect(Edge("input1", "output1", 0))


def test_nothing_follows_the_output() -> None:
    g = small()
    extra = g.add_node("relu").id
    with pytest.raises(PortError, match="end of the network"):
        g.connect("output1", extra)
