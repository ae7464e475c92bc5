"""Scores-to-loss numbers against torch autograd: softmax, cross-entropy, hinge, p - y."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from engine.lab import jobs
from engine.lab.errors import LabError
from engine.lab.loss import loss_breakdown
from engine.training.losses import multiclass_hinge
from tests.engine.lab_helpers import STATS, image, project_text


@pytest.mark.parametrize("temperature", [0.5, 1.0, 3.0])
@pytest.mark.parametrize("label", [0, 3])
def test_stepper_softmax_cross_entropy_and_gradient_match_autograd(temperature: float,
                                                                    label: int) -> None:
    scores = np.array([2.0, -1.0, 0.5, 3.5, 0.0])
    b = loss_breakdown(scores, label, temperature)
    s = torch.tensor(scores, requires_grad=True)
    ce = F.cross_entropy((s / temperature)[None], torch.tensor([label]))
    ce.backward()
    assert b.cross_entropy == pytest.approx(ce.item(), rel=1e-9)
    np.testing.assert_allclose(b.probs, torch.softmax(s / temperature, 0).detach().numpy(), rtol=1e-9)
    np.testing.assert_allclose(b.ce_grad, s.grad.numpy(), rtol=1e-9, atol=1e-12)
    if temperature == 1.0:
        np.testing.assert_allclose(b.ce_grad, b.probs - b.one_hot)
    assert b.probs.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(b.exps / b.exps.sum(), b.probs)


@pytest.mark.parametrize("label", [0, 1, 4])
def test_stepper_hinge_and_its_gradient_match_autograd(label: int) -> None:
    scores = np.array([2.0, -1.0, 1.5, 3.5, 1.2])
    b = loss_breakdown(scores, label, margin=1.0)
    s = torch.tensor(scores, requires_grad=True)
    hinge = multiclass_hinge(s[None], torch.tensor([label]))
    hinge.backward()
    assert b.hinge == pytest.approx(hinge.item())
    np.testing.assert_allclose(b.hinge_grad, s.grad.numpy())
    assert b.margins[label] == 0
    for j in range(len(scores)):
        if j != label:
            assert b.margins[j] == max(0.0, scores[j] - scores[label] + 1.0)


def test_stepper_cross_entropy_is_exact_for_huge_scores() -> None:
    b = loss_breakdown([1000.0, 0.0, -1000.0], 2)
    assert b.cross_entropy == pytest.approx(2000.0)
    assert np.isfinite(b.exps).all()


def test_loss_refuses_bad_inputs() -> None:
    with pytest.raises(LabError, match="not one of the 3 classes"):
        loss_breakdown([1.0, 2.0, 3.0], 3)
    with pytest.raises(LabError, match="temperature must be above 0"):
        loss_breakdown([1.0, 2.0], 0, temperature=0)


def test_output_scores_job_and_l2_term() -> None:
    text = project_text([("flatten", {}), ("linear", {"units": 4})], training={"l2": 0.01})
    out = jobs.output_scores(text, None, image(), STATS)
    from engine.lab.capture import sample_tensor
    from engine.model import model_from_project

    project, model = model_from_project(text)
    x = sample_tensor(project, image(), STATS)
    with torch.no_grad():
        ref = model(x)[0].numpy()
    np.testing.assert_allclose(out["scores"], ref, rtol=1e-6)
    w = model.get_submodule("fc1").weight.detach()
    assert out["l2_term"] == pytest.approx(0.01 * float((w ** 2).sum()), rel=1e-5)
    b = loss_breakdown(out["scores"], 1, l2_term=out["l2_term"], l2_lambda=out["l2_lambda"])
    assert b.total == pytest.approx(b.cross_entropy + out["l2_term"])
