"""The tutorial's ideas as lessons: which template, which lab view, which layer, and two
or three plain sentences. Plain data, no torch: Help > Lessons and docs/lessons.md are
built from this one list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The lab's views, in the order of the Learn panel's tabs.
VIEWS = ("conv", "pool", "loss", "linear", "activation", "dropout", "preprocess", "flow")
VIEW_TITLES = {
    "conv": "Convolution", "pool": "Pooling", "loss": "Scores to loss",
    "linear": "Linear classifier", "activation": "Activations", "dropout": "Dropout",
    "preprocess": "Preprocessing", "flow": "Forward and backward",
}


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    template: str     # engine.templates key
    view: str         # one of VIEWS
    layer: str = ""   # node id in the template the view opens on ('' : the view's default)
    text: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)


LESSONS: tuple[Lesson, ...] = (
    Lesson("linear", "Linear classifier", "linear_classifier", "linear", "fc1", (
        "A linear classifier computes one score per class as W x + b: each row of W is "
        "multiplied with every pixel of the image, and the bias is added.",
        "Each row of W can be seen as an image, a template the class matches against; the "
        "class with the highest score wins.")),
    Lesson("l2", "Loss = data loss + L2", "linear_classifier", "loss", "", (
        "Training minimises one number: the data loss on the sample (here cross-entropy) plus "
        "λ times the sum of all squared weights.",
        "The L2 term prefers many small weights over a few large ones; its strength λ is the "
        "project's L2 setting (this template uses 0.0005).")),
    Lesson("sigmoid", "Sigmoid and vanishing gradients", "deep_mlp_sigmoid", "activation",
           "sigmoid1", (
        "Sigmoid squashes every input into (0, 1); its slope is at most 0.25 and almost 0 for "
        "large positive or negative inputs.",
        "The histogram shows this layer's real inputs: where the sigmoid's gradient is below "
        "0.01 almost nothing flows back, and stacking such layers makes early layers stop "
        "learning."), {"curve": "sigmoid"}),
    Lesson("softmax", "Softmax and log loss", "mlp", "loss", "", (
        "The network's raw scores are exponentiated and normalised so they sum to 1: these are "
        "the softmax probabilities.",
        "The cross-entropy loss is -log of the probability of the correct class; its gradient "
        "to each score is simply p - y. The temperature slider divides the scores first.")),
    Lesson("hinge", "Hinge loss", "mlp", "loss", "", (
        "The multi-class SVM (hinge) loss wants the correct score to beat every other score "
        "by a margin of 1.",
        "Each wrong class inside that margin adds s_j - s_y + 1 to the loss; classes already "
        "far enough below add nothing and get no gradient.")),
    Lesson("flow", "Forward and backward", "mlp", "flow", "", (
        "Forward: the sample flows down the network, each layer turning its input into an "
        "output; backward: the gradient of the loss flows up, layer by layer.",
        "The size (norm) of the values and of the gradients is written on the canvas's links, "
        "so you can see where signals grow or fade.")),
    Lesson("relu", "ReLU", "mlp", "activation", "relu1", (
        "ReLU keeps positive inputs and sets negative ones to 0; its gradient is 1 for every "
        "positive input, so it does not fade like the sigmoid's.",
        "The histogram shows the layer's real inputs: the part left of 0 is switched off for "
        "this sample."), {"curve": "relu"}),
    Lesson("preprocess", "Mean subtraction and standardisation", "lenet5", "preprocess", "", (
        "Before training, each channel's mean pixel value (over the training images) is "
        "subtracted, and standardisation also divides by the channel's standard deviation.",
        "The inputs are then centred on 0 with a spread of about 1, which makes training "
        "better behaved.")),
    Lesson("dropout", "Dropout", "fashion_two_conv", "dropout", "drop1", (
        "While training, dropout zeroes each unit with probability p, a new random choice on "
        "every pass, so the network cannot rely on any single unit.",
        "The survivors are multiplied by 1/(1 - p) so the expected sum stays the same; at test "
        "time dropout does nothing.")),
    Lesson("conv", "Convolution: padding, stride, output size", "lenet5", "conv", "conv1", (
        "A convolution slides a small kernel over the zero-padded input; at each position the "
        "output is the sum of input × weight under the window, plus the bias.",
        "The stride is how far the window jumps; the output size is (W - F + 2P)/S + 1, here "
        "(28 - 5 + 2·2)/1 + 1 = 28.")),
    Lesson("conv_channels", "Convolution: several channels and kernels", "lenet5", "conv",
           "conv2", (
               "With several input channels a kernel has one slice per channel: each channel's "
               "products are summed, the channel sums are added, then the bias.",
               "Each of the layer's kernels makes one output map, so 16 kernels give 16 output "
               "channels.")),
    Lesson("pool", "Pooling", "lenet5", "pool", "pool1", (
        "Max pooling keeps the largest value of each window and shrinks the map; no weights "
        "are learned.",
        "In the backward pass the whole gradient of a window goes to the input that won it; "
        "floor mode drops rows no window fits, ceil mode adds partial windows.")),
    Lesson("flatten", "Flatten and fully connected", "lenet5", "linear", "fc1", (
        "Flatten unrolls the 16×5×5 block of feature maps into one vector of 400 numbers.",
        "A fully connected layer then computes W x + b: every output is a weighted sum of all "
        "400 inputs plus its bias.")),
)


def lesson(key: str) -> Lesson:
    for item in LESSONS:
        if item.key == key:
            return item
    raise KeyError(f"There is no lesson {key!r}; known lessons: "
                   f"{', '.join(x.key for x in LESSONS)}.")
