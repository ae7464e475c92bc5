"""A node that does not lead to the Output: a warning, left out of the model and of the
totals, which equal the built model's (#12 items 4 and 12)."""

from __future__ import annotations

from app.cli import main
from engine.analysis import analyse
from engine.model import build_model, count_parameters
from engine.project import save_project
from engine.templates import load_template


def mlp_with_dead_branch(broken: bool = False):
    project = load_template("mlp")
    g = project.graph
    relu = next(n for n in g.nodes if n.startswith("relu"))
    dead = g.add_node("linear", {"units": 1000}, node_id="dead_fc").id
    g.connect(relu, dead)
    if broken:  # a second dead node with an error of its own: nothing feeds it
        g.add_node("conv2d", node_id="dangling_conv")
    return project, dead


def test_totals_equal_the_built_model_and_the_dead_branch_counts_apart(tmp_path, capsys):
    project, dead = mlp_with_dead_branch()
    a = analyse(project.graph)
    model = build_model(project.graph, a)
    assert a.total_params == count_parameters(model)
    dead_params = a.nodes[dead].params
    assert dead_params > 0 and a.unused_params == dead_params
    assert a.unused == (dead,)
    assert any(f"'{dead}' does not lead to the Output" in w for w in a.warnings)
    path = tmp_path / "mlp_dead.json"
    save_project(project, path)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"parameters: {count_parameters(model):,}" in out
    assert f"1 node, {dead_params:,} parameters" in out


def test_an_error_off_the_path_is_a_warning_and_the_model_builds():
    project, _ = mlp_with_dead_branch(broken=True)
    a = analyse(project.graph)
    assert a.valid, a.errors
    assert any("'dangling_conv' has nothing connected" in w for w in a.warnings)
    assert "dangling_conv" in a.unused
    model = build_model(project.graph, a)
    assert "dangling_conv" not in dict(model.named_children())
    assert a.total_params == count_parameters(model)


def test_an_error_on_the_path_still_stops_the_build():
    project = load_template("mlp")
    g = project.graph
    fc = next(n for n in g.nodes if n.startswith("fc"))
    edge = g.input_edges(fc)[0]
    g.disconnect(edge)
    a = analyse(g)
    assert not a.valid and any("nothing connected" in e for e in a.errors)
