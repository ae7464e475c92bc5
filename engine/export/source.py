"""Graph -> readable PyTorch source: one nn.Module class that needs only torch.

The layers are created in `__init__` under their node names (so the weights' state_dict
names are the editor's), `forward` is straight-line code in topological order with a shape
comment on every line, and Add/Concat are written as code (each LayerSpec's `code_expr`).
Constructor arguments equal to torch.nn's defaults are left out, as a person would write it.
A value that only the next line uses is called `x`; a value that a later line still needs
(a skip connection) keeps its node's name. Modules are created in the same order as
engine.model.build_model's, so the same seed gives the same initial weights.
"""

from __future__ import annotations

import keyword
import re

from engine.analysis import Analysis, analyse
from engine.export.formats import ExportError
from engine.graph import Graph
from engine.layers.spec import ROLE_INPUT, Shape
from engine.project import Project

LINE_LIMIT = 100
# Names a forward's local variable must not take: they would hide what the code uses.
_RESERVED = {"x", "self", "torch", "nn", "Path"}
_TORCH_NN = "torch.nn."


def class_name_for(project_name: str) -> str:
    """'LeNet-5' -> 'LeNet5'; 'small residual net' -> 'SmallResidualNet'."""
    words = re.findall(r"[A-Za-z0-9]+", project_name)
    name = "".join(w[:1].upper() + w[1:] for w in words)
    if not name or name[0].isdigit():
        name = "Net" + name
    return name


def _shape(shape: Shape | None) -> str:
    return "(N, " + ", ".join(str(d) for d in shape or ()) + ")"


def _literal(value: object) -> str:
    return repr(value)


def _needed(graph: Graph, target: str) -> set[str]:
    """The nodes the output depends on; the in-app model leaves the others out too."""
    parents: dict[str, list[str]] = {}
    for e in graph.edges:
        parents.setdefault(e.target, []).append(e.source)
    seen, stack = {target}, [target]
    while stack:
        for p in parents.get(stack.pop(), ()):
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return seen


def _checked_analysis(project: Project, analysis: Analysis | None) -> Analysis:
    analysis = analysis or analyse(project.graph)
    if not analysis.valid:
        raise ExportError("The network cannot be exported yet: " + " ".join(analysis.errors))
    for nid in project.graph.nodes:
        if keyword.iskeyword(nid):
            raise ExportError(f"The node name {nid!r} is a Python keyword; rename the node to "
                              "export the network as code.")
    return analysis


def _constructor(cls_path: str, kwargs: dict[str, object], node_id: str
                 ) -> tuple[str, list[str]]:
    if not cls_path.startswith(_TORCH_NN):
        raise ExportError(f"Layer '{node_id}' uses {cls_path}, which torch does not provide; "
                          "it cannot be written as standalone code.")
    cls_name = cls_path[len(_TORCH_NN):]
    defaults = _defaults(cls_name)
    args = []
    for k, v in kwargs.items():
        v = _short(v)
        if k in defaults and _short(defaults[k]) == v:
            continue  # torch's own default: leaving it out reads like hand-written code
        args.append(f"{k}={_literal(v)}")
    return f"nn.{cls_name}", args


def _short(value: object) -> object:
    """(5, 5) -> 5: torch.nn takes one int for a square kernel, stride or padding."""
    if isinstance(value, tuple) and value and all(v == value[0] for v in value):
        return value[0]
    return value


def _defaults(cls_name: str) -> dict[str, object]:
    """The constructor's default arguments. torch is imported here only: generating code
    runs inside an export job, where it is loaded anyway."""
    import inspect

    from torch import nn

    signature = inspect.signature(getattr(nn, cls_name).__init__)
    return {name: p.default for name, p in signature.parameters.items()
            if p.default is not inspect.Parameter.empty}


def _call(head: str, args: list[str], indent: str) -> list[str]:
    """`head(args)` on one line, or one argument per line when that is too long."""
    one = f"{indent}{head}({', '.join(args)})"
    if len(one) <= LINE_LIMIT:
        return [one]
    inner = indent + "    "
    return [f"{indent}{head}(", *[f"{inner}{a}," for a in args], f"{indent})"]


def class_source(project: Project, class_name: str | None = None,
                 analysis: Analysis | None = None) -> str:
    """The nn.Module class alone (no imports): shared by the .py and train-script exports."""
    graph = project.graph
    analysis = _checked_analysis(project, analysis)
    name = class_name or class_name_for(project.name)
    assert analysis.output_id is not None
    needed = _needed(graph, analysis.output_id)
    order = [nid for nid in analysis.order if nid in needed]
    feeds: dict[str, list[str]] = {}
    consumers: dict[str, list[str]] = {}
    for e in sorted(graph.edges, key=lambda e: e.port):
        if e.target in needed:
            feeds.setdefault(e.target, []).append(e.source)
            consumers.setdefault(e.source, []).append(e.target)

    init: list[str] = []
    body: list[str] = []
    var: dict[str, str] = {}
    for i, nid in enumerate(order):
        node = graph.nodes[nid]
        spec = node.spec
        res = analysis.nodes[nid]
        following = order[i + 1] if i + 1 < len(order) else None
        users = consumers.get(nid, [])
        # `x` is overwritten on the next line, so only a value used there alone may use it.
        short = len(users) == 1 and users[0] == following
        durable = nid if nid not in _RESERVED else f"{nid}_out"
        if spec.role == ROLE_INPUT:  # where data enters: forward's argument
            var[nid] = "x" if short else durable
            body.append(f"        # x: {_shape(res.output_shape)}, a batch of N samples")
            if not short:
                body.append(f"        {durable} = x")
            continue
        inputs = [var[s] for s in feeds.get(nid, [])]
        if spec.code_expr is not None:
            expr = spec.code_expr(inputs)
        else:
            cls_path, kwargs = spec.torch_module(res.input_shapes, node.params)
            head, args = _constructor(cls_path, kwargs, nid)
            init.extend(_call(f"self.{nid} = {head}", args, "        "))
            expr = f"self.{nid}({', '.join(inputs)})"
        if nid == analysis.output_id:
            body.append(f"        return {expr}  # {_shape(res.output_shape)} class scores")
            break
        target = "x" if short else durable
        var[nid] = target
        body.append(f"        {target} = {expr}  # {_shape(res.output_shape)}")

    doc = project.description.strip() or f"The {project.name} network."
    lines = [
        f"class {name}(nn.Module):",
        *_docstring(doc, "    "),
        "",
        "    def __init__(self) -> None:",
        "        super().__init__()",
        *init,
        "",
        "    def forward(self, x: torch.Tensor) -> torch.Tensor:",
        *body,
    ]
    return "\n".join(lines) + "\n"


def _docstring(text: str, indent: str) -> list[str]:
    """The description as a docstring, wrapped to the line limit."""
    import textwrap

    text = _plain(text)
    one = f'{indent}"""{text}"""'
    if len(one) <= LINE_LIMIT:
        return [one]
    lines = textwrap.wrap(text, LINE_LIMIT - len(indent) - 3)
    return [f'{indent}"""{lines[0]}', *[indent + line for line in lines[1:]], f'{indent}"""']


def _plain(text: str) -> str:
    """One line that cannot end a docstring early or start an escape sequence."""
    return " ".join(text.replace('"', "'").replace(chr(92), "/").split())


def _docline(text: str) -> str:
    text = _plain(text)
    return text if len(text) <= LINE_LIMIT - 10 else text[:LINE_LIMIT - 13].rstrip() + "..."


def input_shape_of(project: Project, analysis: Analysis | None = None) -> Shape:
    analysis = _checked_analysis(project, analysis)
    assert analysis.input_shape is not None
    return analysis.input_shape


_LOADER = '''

def load_model(weights: str | Path | None = None) -> {name}:
    """The network with its weights, in eval mode.

    `weights`: a .safetensors file (default: {stem}.safetensors beside this file) or a
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
                f"Reading {{path.name}} needs the safetensors package (pip install safetensors); "
                "or pass a state_dict saved with torch.save as `weights`."
            ) from None
        state = load_file(str(path))
    model = {name}()
    model.load_state_dict(state)
    return model.eval()


if __name__ == "__main__":
    net = load_model()
    scores = net(torch.zeros(2, *INPUT_SHAPE))
    print(f"input {{tuple(INPUT_SHAPE)}} -> scores {{tuple(scores.shape[1:])}}")
'''


def module_source(project: Project, stem: str, class_name: str | None = None,
                  analysis: Analysis | None = None) -> str:
    """The whole .py file: docstring, imports, INPUT_SHAPE, the class and `load_model`."""
    analysis = _checked_analysis(project, analysis)
    name = class_name or class_name_for(project.name)
    shape = input_shape_of(project, analysis)
    header = f'''"""{_docline(project.name)}: a network exported from NetCanvas.

Needs only PyTorch (and safetensors to read {stem}.safetensors, the weights beside it):

    from {stem} import load_model
    model = load_model()  # eval mode
    scores = model(images)  # images: float32 {_shape(shape)}, preprocessed as in NetCanvas
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

# One sample's shape (channels, height, width) or (features,); the batch comes first.
INPUT_SHAPE = {tuple(shape)!r}


'''
    return header + class_source(project, name, analysis) + _LOADER.format(name=name, stem=stem)
