"""Metrics recorded by the training loop, kept as plain lists so that they go into
checkpoints (weights-only torch.load) and project files unchanged."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from engine.training.events import EpochEnd

STEP_KEYS = ("step", "loss", "data_loss", "l2_penalty", "accuracy", "lr")


@dataclass
class EpochTotals:
    """Running sums over the current epoch's batches (weighted by batch size)."""

    data_loss_sum: float = 0.0
    correct: int = 0
    seen: int = 0

    def add(self, data_loss: float, correct: int, count: int) -> None:
        self.data_loss_sum += data_loss * count
        self.correct += correct
        self.seen += count

    def means(self) -> tuple[float, float]:
        if self.seen == 0:
            return float("nan"), float("nan")
        return self.data_loss_sum / self.seen, self.correct / self.seen

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EpochTotals:
        return cls(
            float(d.get("data_loss_sum", 0.0)), int(d.get("correct", 0)), int(d.get("seen", 0))
        )


class History:
    """Per-step lists (one entry per optimizer step) and a list of per-epoch dicts."""

    def __init__(self) -> None:
        self.steps: dict[str, list[float]] = {key: [] for key in STEP_KEYS}
        self.epochs: list[dict[str, Any]] = []

    def add_step(
        self, step: int, loss: float, data_loss: float, penalty: float, accuracy: float, lr: float
    ) -> None:
        s = self.steps
        s["step"].append(step)
        s["loss"].append(loss)
        s["data_loss"].append(data_loss)
        s["l2_penalty"].append(penalty)
        s["accuracy"].append(accuracy)
        s["lr"].append(lr)

    def add_epoch(self, event: EpochEnd) -> None:
        self.epochs.append(asdict(event))

    def last_metrics(self) -> dict[str, Any]:
        """Latest epoch's metrics, plus the latest batch loss."""
        metrics: dict[str, Any] = dict(self.epochs[-1]) if self.epochs else {}
        if self.steps["loss"]:
            metrics["last_loss"] = self.steps["loss"][-1]
        return metrics

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {key: list(values) for key, values in self.steps.items()}
        result["epochs"] = [dict(e) for e in self.epochs]
        return result

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        history = cls()
        for key in STEP_KEYS:
            history.steps[key] = list(d.get(key, []))
        history.epochs = [dict(e) for e in d.get("epochs", [])]
        return history
