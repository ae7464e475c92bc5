"""The declaration types every layer type is built from.

One `LayerSpec` per layer type drives the palette, the inspector, shape analysis, model
build and code export. Nothing here imports torch: analysis and the CLI's `info` must stay
fast, so the torch constructor is declared as a dotted class path plus keyword arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Shape = tuple[int, ...]
Params = Mapping[str, Any]
# One axis of a sliding window: (kernel, stride, padding before the first pixel, dilation).
Window = tuple[int, int, int, int]


class ShapeError(Exception):
    """A layer cannot accept its input: the message names every input and suggests a fix."""


class ParamError(ValueError):
    """A parameter value is out of range or of the wrong kind."""


# Parameter kinds. "pair" is an (height, width) int pair that may be typed as one int;
# "padding" is a pair or one of the words "same" / "valid".
INT, FLOAT, BOOL, CHOICE, PAIR, PADDING = "int", "float", "bool", "choice", "pair", "padding"
PADDING_WORDS = ("same", "valid")

# Roles: what a node is to the network as a whole. Analysis and model build ask the role,
# never the type id (a renamed or imported layer type keeps working).
ROLE_INPUT, ROLE_OUTPUT, ROLE_LAYER = "input", "output", "layer"

# Traits: facts about a layer that checks need.
# saturating: squashes its input into a bounded range, so its gradient fades (Sigmoid, Tanh).
SATURATING = "saturating"
# score_transparent: between a softmax and the Output it does not change what the values
# mean, so checks look through it (Dropout).
SCORE_TRANSPARENT = "score_transparent"
# normalises_scores: turns scores into probabilities (Softmax); the loss must not get them.
NORMALISES_SCORES = "normalises_scores"


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: Any
    label: str
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    # Shown only when another param has this value, e.g. ("layout", "image"): the editor
    # hides what does not apply instead of showing dead fields.
    visible_if: tuple[str, Any] | None = None

    def applies(self, params: Params) -> bool:
        return self.visible_if is None or params.get(self.visible_if[0]) == self.visible_if[1]

    def coerce(self, value: Any) -> Any:
        """Return the canonical stored form of `value`, or raise ParamError saying why not."""
        if self.kind == BOOL:
            if isinstance(value, bool):
                return value
            raise ParamError(f"{self.label} must be true or false, not {value!r}.")
        if self.kind == CHOICE:
            if value in self.choices:
                return value
            raise ParamError(
                f"{self.label} must be one of {', '.join(self.choices)}, not {value!r}."
            )
        if self.kind == INT:
            return self._check_range(_as_int(value, self.label))
        if self.kind == FLOAT:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ParamError(f"{self.label} must be a number, not {value!r}.")
            return self._check_range(float(value))
        if self.kind == PADDING and isinstance(value, str):
            if value in PADDING_WORDS:
                return value
            raise ParamError(
                f"{self.label} must be a number, a pair, 'same' or 'valid', not {value!r}."
            )
        if self.kind in (PAIR, PADDING):
            if isinstance(value, list | tuple):
                if len(value) != 2:
                    raise ParamError(
                        f"{self.label} needs two values (height, width), got {len(value)}."
                    )
                pair = (_as_int(value[0], self.label), _as_int(value[1], self.label))
            else:
                one = _as_int(value, self.label)
                pair = (one, one)
            for v in pair:
                self._check_range(v)
            return pair
        raise ParamError(f"Unknown parameter kind {self.kind!r} for {self.label}.")

    def _check_range(self, value: Any) -> Any:
        if self.minimum is not None and value < self.minimum:
            raise ParamError(f"{self.label} must be at least {_num(self.minimum)}, not {value}.")
        if self.maximum is not None and value > self.maximum:
            raise ParamError(f"{self.label} must be at most {_num(self.maximum)}, not {value}.")
        return value

    def to_json(self, value: Any) -> Any:
        """Stored form -> JSON form (tuples become lists)."""
        return list(value) if isinstance(value, tuple) else value


def _as_int(value: Any, label: str) -> int:
    if isinstance(value, bool):
        raise ParamError(f"{label} must be a whole number, not {value!r}.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ParamError(f"{label} must be a whole number, not {value!r}.")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@dataclass(frozen=True)
class LayerSpec:
    """Everything NetCanvas knows about one layer type.

    Shape functions take the list of input shapes (batch dimension left out) and the node's
    params, and either return the output shape or raise ShapeError. `name` (the node id) is
    passed so messages can say which node is wrong.
    """

    type_id: str
    title: str
    category: str
    summary: str
    params: tuple[Param, ...]
    output_shape: Callable[[str, list[Shape], Params], Shape]
    # Worked arithmetic, with the user's numbers, as lines of text.
    explain: Callable[[list[Shape], Shape, Params], list[str]] = lambda i, o, p: []
    count_params: Callable[[list[Shape], Params], int] = lambda i, p: 0
    count_macs: Callable[[list[Shape], Shape, Params], int] = lambda i, o, p: 0
    # Receptive-field step per axis: ((kernel_h, stride_h), (kernel_w, stride_w)) with the
    # kernel already dilated; None for layers that see the whole input (Linear, global pool).
    receptive: Callable[[Params], tuple[tuple[int, int], tuple[int, int]] | None] = (
        lambda p: ((1, 1), (1, 1))
    )
    # Dotted torch class path and kwargs; None for nodes that are not modules (Input).
    torch_module: Callable[[list[Shape], Params], tuple[str, dict[str, Any]]] | None = None
    key_params: Callable[[Params], str] = lambda p: ""
    # How exported source code writes this layer inline, given its inputs' variable names
    # ("a + b" for Add); None when the export calls the layer's torch module instead.
    code_expr: Callable[[list[str]], str] | None = None
    # Number of input ports: a fixed count, or the name of an int param giving it.
    inputs: int | str = 1
    # False for the Output node: nothing may follow the class scores.
    has_output: bool = True
    # Short label prefix used for generated node ids ("conv" -> conv1, conv2, ...).
    id_prefix: str = "node"
    # Teaching warnings that do not stop the build (e.g. a pool that floors rows away).
    warnings: Callable[[str, list[Shape], Shape, Params], list[str]] = lambda n, i, o, p: []
    # Exact sliding-window geometry per axis, ((kernel, stride, padding_before, dilation)
    # for H, the same for W), used to map an output pixel back to the input pixels it sees
    # (engine.inspect.receptive). None when every output sees the whole input (Linear,
    # Flatten, adaptive pooling); element-wise layers and joins are 1x1 windows.
    window: Callable[[Params], tuple[Window, Window] | None] = lambda p: ((1, 1, 0, 1),
                                                                        (1, 1, 0, 1))
    # How the layer's "weight" parameter is laid out, for filter views and saliency:
    # "conv" (out x in/groups x kh x kw kernels), "dense" (out x in matrix) or "" (none).
    weight_layout: str = ""
    # The module's state_dict entry shapes ({"weight": (16, 1, 3, 3), "bias": (16,)}) from
    # the input shapes and params, without torch: lets the editor tell which trained
    # weights still fit after an edit. Empty for layers without parameters or buffers.
    state_shapes: Callable[[list[Shape], Params], dict[str, Shape]] = lambda i, p: {}
    # Which Learn-lab stepper teaches this layer on a real sample: "conv", "max_pool",
    # "avg_pool", "activation", "dropout", "linear" ('' for none).
    lab: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # What the node is to the network: ROLE_INPUT (data enters; built as the forward's
    # argument, not a module), ROLE_OUTPUT (marks the class scores) or ROLE_LAYER.
    role: str = ROLE_LAYER
    # Trait names from the constants above (SATURATING, ...).
    traits: frozenset[str] = frozenset()
    # The int param that sets how many classes this node scores ("classes" on the Output,
    # "units" on Linear), so a class-count fix can set it; None when it has none.
    class_param: str | None = None
    # For an Input: the params that make it produce a given sample shape (the one-click fix
    # when the dataset disagrees); None for every other layer.
    shape_fix: Callable[[Shape], dict[str, Any]] | None = None
    # Glyph name of the palette/canvas icon (resources/icons/layer-<glyph>.svg).
    glyph: str = "generic"
    # ONNX import: the op types this layer is read from, and the converter that turns one
    # such node into this layer's params and weights, as "module:function" so the registry
    # stays free of onnx. The converter returns None when the node is not this layer (e.g.
    # BatchNormalization on a vector is BatchNorm1d's, not BatchNorm2d's).
    onnx_ops: tuple[str, ...] = ()
    onnx_import: str = ""

    def has_trait(self, trait: str) -> bool:
        return trait in self.traits

    @property
    def outputs_probabilities(self) -> bool:
        """The output already is a probability distribution (Softmax), so a prediction
        must not apply softmax a second time."""
        return NORMALISES_SCORES in self.traits

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        # Coerced once per spec and copied: reading a 20,000-node file asks 20,000 times.
        # (Stored values are immutable: numbers, strings, tuples.)
        cached = self.__dict__.get("_defaults")
        if cached is None:
            cached = {p.name: p.coerce(p.default) for p in self.params}
            object.__setattr__(self, "_defaults", cached)
        return dict(cached)

    def port_count(self, params: Params) -> int:
        if isinstance(self.inputs, int):
            return self.inputs
        return int(params[self.inputs])

    def coerce_params(self, given: Params | None) -> dict[str, Any]:
        """Defaults overlaid with `given`, each value coerced; unknown names are refused."""
        values = self.defaults()
        for name, value in (given or {}).items():
            try:
                param = self.param(name)
            except KeyError:
                known = ", ".join(p.name for p in self.params) or "none"
                raise ParamError(
                    f"{self.title} has no parameter {name!r} (its parameters: {known})."
                ) from None
            values[name] = param.coerce(value)
        return values

    def params_to_json(self, params: Params) -> dict[str, Any]:
        return {p.name: p.to_json(params[p.name]) for p in self.params if p.name in params}


def numel(shape: Shape) -> int:
    """Values in one sample of this shape: 32x7x7 -> 1,568."""
    n = 1
    for d in shape:
        n *= d
    return n


def fmt_shape(shape: Shape | None) -> str:
    """(32, 28, 28) -> '32x28x28'; (10,) -> '10'."""
    if shape is None:
        return "?"
    return "x".join(str(d) for d in shape)


def fmt_pair(pair: tuple[int, int]) -> str:
    h, w = pair
    return f"{h}" if h == w else f"{h}x{w}"


def fmt_int(n: int) -> str:
    return f"{n:,}"
