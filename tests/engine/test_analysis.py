from __future__ import annotations

from engine.analysis import analyse, explain
from engine.graph import chain


def conv_net(**conv):
    return chain([("input", {"channels": 3, "height": 32, "width": 32}), ("conv2d", conv),
                  ("flatten", {}), ("linear", {"units": 10}), ("output", {"classes": 10})])


def test_conv_formula_with_users_numbers() -> None:
    g = conv_net(out_channels=8, kernel=3, padding=1)
    a = analyse(g)
    assert a.valid and a.nodes["conv1"].output_shape == (8, 32, 32)
    text = explain(g, a, "conv1")
    assert "H_out = floor((H + 2P - D(K-1) - 1)/S) + 1 = floor((32 + 2*1 - 1*2 - 1)/1) + 1 = 32" in text
    assert "W: 8 x 3 x 3 x 3, b: 8 -> 224 parameters" in text
    assert any("(W - F + 2P)/S + 1 = (32 - 3 + 2*1)/1 + 1 = 32" in line for line in text)


def test_per_axis_kernel_and_stride() -> None:
    g = conv_net(out_channels=4, kernel=[3, 5], stride=[1, 2], padding=[1, 0])
    a = analyse(g)
    assert a.nodes["conv1"].output_shape == (4, 32, 14)
    text = "\n".join(explain(g, a, "conv1"))
    assert "H_out" in text and "W_out = floor((W + 2P - D(K-1) - 1)/S) + 1 = floor((32 + 2*0 - 1*4 - 1)/2) + 1 = 14" in text


def test_kernel_too_large_message_names_inputs_and_fix() -> None:
    g = chain([("input", {"channels": 1, "height": 4, "width": 4}),
               ("conv2d", {"kernel": 5, "padding": 0}), ("flatten", {}), ("linear", {}), ("output", {})])
    a = analyse(g)
    assert not a.valid
    err = a.nodes["conv1"].error
    assert err == ("Conv2d 'conv1': kernel 5x5 is larger than its padded input 4x4 (input 4x4, "
                   "padding 0). Use padding >= 1 or a kernel <= 4.")
    # downstream nodes are blocked, not blamed
    assert a.nodes["fc1"].error is None and a.nodes["fc1"].blocked_by == "conv1"


def test_linear_classifier_counts() -> None:
    g = conv_net  # noqa: F841 - readability
    lin = chain([("input", {"channels": 3, "height": 32, "width": 32}), ("flatten", {}),
                 ("linear", {"units": 10}), ("output", {"classes": 10})])
    a = analyse(lin)
    assert a.total_params == 30_730 and a.nodes["flatten1"].output_shape == (3072,)
    assert "W: 10 x 3072, b: 10 -> 30,730 parameters" in explain(lin, a, "fc1")
    assert a.total_macs == 30_720


def test_linear_on_image_suggests_flatten() -> None:
    g = chain([("input", {}), ("linear", {}), ("output", {})])
    err = analyse(g).nodes["fc1"].error
    assert "Insert a Flatten before it (it would give 784 features)" in err


def test_receptive_field_grows() -> None:
    g = chain([("input", {}), ("conv2d", {"kernel": 3}), ("maxpool2d", {}), ("conv2d", {"kernel": 3}),
               ("flatten", {}), ("linear", {}), ("output", {})])
    a = analyse(g)
    assert a.nodes["conv1"].receptive_field == (3, 3)
    assert a.nodes["pool1"].receptive_field == (4, 4)
    assert a.nodes["conv2"].receptive_field == (8, 8)
    assert a.nodes["fc1"].receptive_field is None


def test_teaching_warnings() -> None:
    g = chain([("input", {"channels": 1, "height": 7, "width": 7}), ("maxpool2d", {}),
               ("flatten", {}), ("linear", {}), ("softmax", {}), ("output", {})])
    g.add_node("relu")  # dangling
    w = " | ".join(analyse(g).warnings)
    assert "floors away the last 1 row(s)" in w
    assert "applied twice" in w
    assert "'relu1' does not lead to the Output" in w
    sig = chain([("input", {"layout": "vector", "features": 4}), ("sigmoid", {}), ("sigmoid", {}),
                 ("sigmoid", {}), ("linear", {}), ("output", {})])
    assert "vanishing gradient" in " ".join(analyse(sig).warnings)


def test_missing_input_output_and_unconnected_port() -> None:
    g = chain([("conv2d", {}), ("relu", {})])
    a = analyse(g)
    assert any("no Input node" in e for e in a.errors)
    assert any("no Output node" in e for e in a.errors)
    assert "has nothing connected to its input" in a.nodes["conv1"].error


def test_dataset_mismatch_gives_one_click_fixes() -> None:
    g = chain([("input", {}), ("flatten", {}), ("linear", {"units": 10}), ("output", {})])
    a = analyse(g, data_shape=(3, 32, 32), num_classes=6)
    assert len(a.errors) == 2 and len(a.fixes) == 2
    for fix in a.fixes:
        for nid, changes in fix.changes:
            g.set_params(nid, dict(changes))
    fixed = analyse(g, data_shape=(3, 32, 32), num_classes=6)
    assert fixed.valid and fixed.nodes["fc1"].output_shape == (6,)


def test_merge_errors_list_every_input() -> None:
    g = chain([("input", {}), ("conv2d", {"out_channels": 4}), ("add", {})])
    g.connect("input1", "add1", 1)
    err = analyse(g).nodes["add1"].error
    assert "input 1: 4x28x28, input 2: 1x28x28" in err
    c = chain([("input", {}), ("conv2d", {"out_channels": 4}), ("concat", {})])
    c.connect("input1", "concat1", 1)
    assert analyse(c).nodes["concat1"].output_shape == (5, 28, 28)


def test_cycle_in_graph_is_an_error_not_a_crash() -> None:
    g = chain([("input", {}), ("add", {}), ("relu", {})])
    from engine.graph import Edge

    g.edges.append(Edge("relu1", "add1", 1))  # bypass checks, as a hand-edited file might
    a = analyse(g)
    assert not a.valid and "loop" in a.errors[0]


def test_json_shape() -> None:
    a = analyse(conv_net())
    doc = a.to_json()
    assert set(doc) >= {"valid", "input_shape", "total_params", "total_macs", "nodes", "warnings"}
    assert set(doc["nodes"][0]) == {"id", "type", "output_shape", "params", "macs", "error"}
