"""The training loop: a generator of events that a worker thread iterates.

Batches are sliced straight out of in-memory tensors with one index_select per batch
(no DataLoader, no per-sample Python). Each epoch's order comes from a generator seeded
with (seed, epoch), so a resumed run visits the same batches as an unbroken one.
Control requests (pause/resume/stop/probes) are looked at between steps only. Anything
that goes wrong inside the loop becomes a Failed event with a readable sentence.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Generator, Iterator
from os import PathLike
from typing import Any

import torch
from torch import Tensor, nn

from engine.inspect.probes import ProbeError, run_probe
from engine.model import model_weights, use_fast_conv_layout
from engine.training.checkpoint import Checkpoint, save_checkpoint
from engine.training.checks import (
    check_data,
    check_resumable,
    check_scores,
    clone_tree,
    describe_failure,
    non_finite_message,
    one_line,
    resolve_device,
    weights_finite,
)
from engine.training.control import TrainControl
from engine.training.events import (
    BatchEnd,
    EpochEnd,
    Event,
    Failed,
    Finished,
    Paused,
    ProbeResult,
    Resumed,
    Started,
)
from engine.training.history import EpochTotals, History
from engine.training.losses import evaluate_model, get_loss, l2_penalty
from engine.training.optim import (
    apply_hyperparameters,
    augment_seed,
    build_optimizer,
    epoch_seed,
    learning_rate_at,
)
from engine.training.settings import TrainError, TrainSettings

Augment = Callable[[Tensor, torch.Generator], Tensor]
# While paused the loop wakes this often even without requests; requests wake it at once.
PAUSE_POLL_S = 0.1
# Weight of the newest step in the smoothed samples/s shown to the user.
RATE_SMOOTHING = 0.1


class Trainer:
    """Trains `model` on in-memory tensors; see docs/training.md.

    Raises TrainError at construction for settings the machine cannot honour or data
    that cannot be trained on; later problems arrive as Failed events from run().
    """

    def __init__(
        self,
        model: nn.Module,
        settings: TrainSettings,
        x_train: Tensor,
        y_train: Tensor,
        x_val: Tensor | None = None,
        y_val: Tensor | None = None,
        augment: Augment | None = None,
        control: TrainControl | None = None,
        checkpoint: Checkpoint | None = None,
    ) -> None:
        settings.validate()
        self._settings = settings
        self._device = resolve_device(settings.device)
        self._x_train, self._y_train = check_data(x_train, y_train, "training", self._device)
        if (x_val is None) != (y_val is None):
            raise TrainError("Validation needs both inputs and labels; one of them is missing.")
        self._x_val, self._y_val = (
            check_data(x_val, y_val, "validation", self._device)
            if x_val is not None and y_val is not None
            else (None, None)
        )
        self._num_classes_needed = int(self._y_train.max()) + 1
        self._model = model.to(self._device)
        use_fast_conv_layout(self._model)
        self._loss_fn = get_loss(settings.loss)
        self._optimizer = build_optimizer(self._model, settings)
        self._augment = augment
        self._augment_generator = torch.Generator(device=self._device)
        self._augment_generator.manual_seed(augment_seed(settings.seed))
        self._control = control if control is not None else TrainControl()
        # Held during each step and checkpoint capture, so save_checkpoint() from another
        # thread sees weights, optimizer state and loop position from the same moment.
        self._lock = threading.RLock()
        self._running = False
        self._epoch = 0
        self._batch_in_epoch = 0
        self._step = 0
        self._elapsed_s = 0.0
        self._totals = EpochTotals()
        self._history = History()
        self._pending_rng: tuple[Tensor | None, list[Tensor] | None] | None = None
        self._shapes_checked = False
        if checkpoint is not None:
            self._restore(checkpoint)

    # -- public state ----------------------------------------------------------------

    @property
    def model(self) -> nn.Module:
        return self._model

    @property
    def optimizer(self) -> torch.optim.Optimizer:
        return self._optimizer

    @property
    def settings(self) -> TrainSettings:
        return self._settings

    @property
    def control(self) -> TrainControl:
        return self._control

    @property
    def history(self) -> dict[str, Any]:
        """Copy of the metrics so far: per-step lists and a list of per-epoch dicts."""
        with self._lock:
            return self._history.to_dict()

    @property
    def step(self) -> int:
        return self._step

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(len(self._x_train) / self._settings.batch_size)

    @property
    def total_steps(self) -> int:
        spe, epochs = self.steps_per_epoch, self._settings.epochs
        if self._epoch >= epochs:
            return self._step
        return self._step + (spe - self._batch_in_epoch) + (epochs - self._epoch - 1) * spe

    # -- the loop --------------------------------------------------------------------

    def run(self) -> Iterator[Event]:
        """Train to the end (or a stop/failure), yielding events. Calling run() again
        after a stop continues from where it stopped."""
        if self._running:
            yield Failed("This trainer is already running; wait for it to finish.", self._step)
            return
        self._running = True
        previous_threads = torch.get_num_threads()
        was_training = self._model.training
        try:
            if self._settings.threads > 0:
                torch.set_num_threads(self._settings.threads)
            self._seed_global_rng()
            yield Started(
                self.total_steps, self.steps_per_epoch, self._settings.epochs, self._step,
                str(self._device),
            )
            yield from self._loop()
        except Exception as exc:  # any failure must reach the UI as an event, not a crash
            message = describe_failure(exc, self._step, self._epoch, self._settings.batch_size)
            yield Failed(message, self._step)
        finally:
            torch.set_num_threads(previous_threads)
            self._model.train(was_training)
            self._running = False

    def _loop(self) -> Generator[Event, None, None]:
        s, control = self._settings, self._control
        spe, total = self.steps_per_epoch, self.total_steps
        n, bs = len(self._x_train), s.batch_size
        self._model.train()
        run_start = time.perf_counter()
        elapsed_before, paused_s = self._elapsed_s, 0.0
        prev_time, rate = run_start, 0.0
        for epoch in range(self._epoch, s.epochs):
            order = torch.Generator().manual_seed(epoch_seed(s.seed, epoch))
            perm = torch.randperm(n, generator=order).to(self._device)
            for batch in range(self._batch_in_epoch, spe):
                if control.has_probe_requests() or control.paused or control.stopped:
                    pause_start = time.perf_counter()
                    if (yield from self._between_steps()):
                        yield from self._finish("stopped")
                        return
                    pause_end = time.perf_counter()
                    paused_s += pause_end - pause_start
                    prev_time += pause_end - pause_start
                lr = learning_rate_at(s, epoch, self._step, total)
                with self._lock:
                    values = self._train_step(perm[batch * bs : (batch + 1) * bs], lr)
                    data_loss, penalty, correct, count = values
                    loss = data_loss + penalty
                    finite = math.isfinite(loss)
                    if finite:
                        self._record_step(batch, loss, data_loss, penalty, correct, count, lr)
                        now = time.perf_counter()
                        self._elapsed_s = elapsed_before + (now - run_start - paused_s)
                # Yield outside the lock: the consumer may call save_checkpoint() meanwhile.
                if not finite:
                    message = non_finite_message(
                        loss, self._step, epoch, lr, weights_finite(self._model)
                    )
                    yield Failed(message, self._step, model_weights(self._model))
                    return
                step_rate = count / max(now - prev_time, 1e-9)
                rate = step_rate if rate == 0.0 else rate + RATE_SMOOTHING * (step_rate - rate)
                prev_time = now
                yield BatchEnd(
                    epoch + 1, self._step, total, loss, data_loss, penalty, correct / count, lr,
                    rate, self._elapsed_s, (total - self._step) * bs / rate,
                )
            if control.stopped:
                yield from self._finish("stopped")
                return
            yield self._end_epoch(epoch)
            prev_time = time.perf_counter()  # validation time is not training throughput
        yield from self._finish("completed")

    def _record_step(
        self, batch: int, loss: float, data_loss: float, penalty: float, correct: int,
        count: int, lr: float,
    ) -> None:
        self._step += 1
        self._batch_in_epoch = batch + 1
        self._totals.add(data_loss, correct, count)
        self._history.add_step(self._step, loss, data_loss, penalty, correct / count, lr)

    def _train_step(self, indices: Tensor, lr: float) -> tuple[float, float, int, int]:
        """One optimizer step; returns (data loss, lambda*penalty, correct, batch size).

        The loss is read before backward(): a NaN/inf loss returns early, so the weights
        are never touched by it and need no backup copy.
        """
        x = self._x_train.index_select(0, indices)
        y = self._y_train.index_select(0, indices)
        if self._augment is not None:
            with torch.no_grad():
                x = self._augment(x, self._augment_generator)
        optimizer = self._optimizer
        optimizer.zero_grad(set_to_none=True)
        for group in optimizer.param_groups:
            group["lr"] = lr
        scores = self._model(x)
        if not self._shapes_checked:
            check_scores(scores, len(indices), self._num_classes_needed)
            self._shapes_checked = True
        data_loss = self._loss_fn(scores, y)
        correct = (scores.detach().argmax(dim=1) == y).sum()
        l2 = self._settings.l2
        if l2 > 0:
            penalty = l2 * l2_penalty(self._model)
            loss = data_loss + penalty
            # One stack + tolist: a single device sync for all three numbers.
            stacked = [data_loss.detach(), penalty.detach(), correct.to(data_loss.dtype)]
            data_value, penalty_value, correct_value = torch.stack(stacked).tolist()
        else:
            loss = data_loss
            stacked = [data_loss.detach(), correct.to(data_loss.dtype)]
            data_value, correct_value = torch.stack(stacked).tolist()
            penalty_value = 0.0
        if not math.isfinite(data_value + penalty_value):
            return data_value, penalty_value, int(correct_value), len(indices)
        loss.backward()
        optimizer.step()
        return data_value, penalty_value, int(correct_value), len(indices)

    def _between_steps(self) -> Generator[Event, None, bool]:
        """Serve probes and sit out a pause; returns True when the run should stop."""
        control = self._control
        yield from self._serve_probes()
        if control.paused and not control.stopped:
            yield Paused(self._step)
            while control.paused and not control.stopped:
                control.wait(PAUSE_POLL_S)
                yield from self._serve_probes()
            if not control.stopped:
                yield Resumed(self._step)
        return control.stopped

    def _serve_probes(self) -> Generator[ProbeResult, None, None]:
        for request in self._control.take_probe_requests():
            try:
                payload = run_probe(
                    self._model, request.kind, request.kwargs,
                    x_val=self._x_val, x_train=self._x_train,
                )
                error = ""
            except ProbeError as exc:
                payload, error = {}, str(exc)
            except Exception as exc:  # a probe must never end the run
                payload, error = {}, f"The {request.kind} probe failed: {one_line(exc)}"
            yield ProbeResult(request.request_id, request.kind, self._step, payload, error)

    def _end_epoch(self, epoch: int) -> EpochEnd:
        with self._lock:
            val_loss = val_acc = None
            if self._x_val is not None and self._y_val is not None:
                val_loss, val_acc = self.evaluate(self._x_val, self._y_val)
            train_loss, train_acc = self._totals.means()
            event = EpochEnd(epoch + 1, self._step, train_loss, train_acc, val_loss, val_acc)
            self._history.add_epoch(event)
            self._epoch, self._batch_in_epoch = epoch + 1, 0
            self._totals = EpochTotals()
        return event

    def _finish(self, reason: str) -> Generator[Event, None, None]:
        yield from self._serve_probes()  # nobody should wait forever for an answer
        metrics = self._history.last_metrics()
        metrics["steps"] = self._step
        metrics["elapsed_s"] = self._elapsed_s
        yield Finished(reason, self._step, metrics, model_weights(self._model))

    # -- evaluation ----------------------------------------------------------------------

    def evaluate(self, x: Tensor, y: Tensor) -> tuple[float, float]:
        """(mean data loss, accuracy) in eval mode without gradients; restores the mode."""
        x, y = check_data(x, y, "evaluation", self._device)
        with self._lock:  # not between a step's forward and its update
            return evaluate_model(self._model, self._loss_fn, x, y, self._settings.batch_size)

    # -- checkpoints ---------------------------------------------------------------------

    def save_checkpoint(self, path: str | PathLike[str]) -> None:
        """Save weights, optimizer, settings, history, loop position and RNG states.

        Safe to call from another thread while running or paused: the state is copied
        under the step lock, then written (atomically) after releasing it.
        """
        with self._lock:
            checkpoint = Checkpoint(
                model_state={k: v.detach().clone() for k, v in self._model.state_dict().items()},
                optimizer_state=clone_tree(self._optimizer.state_dict()),
                settings=self._settings.to_dict(),
                history=self._history.to_dict(),
                epoch=self._epoch,
                batch_in_epoch=self._batch_in_epoch,
                step=self._step,
                elapsed_s=self._elapsed_s,
                epoch_totals=self._totals.to_dict(),
                rng_state=torch.get_rng_state(),
                cuda_rng_state=torch.cuda.get_rng_state_all() if self._device.type == "cuda"
                else None,
                augment_rng_state=self._augment_generator.get_state(),
            )
        save_checkpoint(path, checkpoint)

    def _restore(self, checkpoint: Checkpoint) -> None:
        check_resumable(checkpoint, self._settings)
        try:
            self._model.load_state_dict(checkpoint.model_state)
        except RuntimeError as exc:
            raise TrainError(
                f"The checkpoint's weights do not fit this model (was the graph changed?): "
                f"{one_line(exc)}"
            ) from None
        try:
            self._optimizer.load_state_dict(checkpoint.optimizer_state)
        except (ValueError, KeyError) as exc:
            raise TrainError(
                f"The checkpoint's optimizer state does not fit this model: {one_line(exc)}"
            ) from None
        apply_hyperparameters(self._optimizer, self._settings)
        self._epoch, self._batch_in_epoch = checkpoint.epoch, checkpoint.batch_in_epoch
        self._step, self._elapsed_s = checkpoint.step, checkpoint.elapsed_s
        self._totals = EpochTotals.from_dict(checkpoint.epoch_totals)
        self._history = History.from_dict(checkpoint.history)
        if checkpoint.augment_rng_state is not None:
            self._augment_generator.set_state(checkpoint.augment_rng_state)
        self._pending_rng = (checkpoint.rng_state, checkpoint.cuda_rng_state)

    def _seed_global_rng(self) -> None:
        """Seed dropout & co. on a fresh run; restore the saved stream on a resumed one;
        leave it alone when run() continues after a stop."""
        if self._pending_rng is not None:
            cpu_state, cuda_states = self._pending_rng
            if cpu_state is not None:
                torch.set_rng_state(cpu_state)
            if cuda_states is not None and self._device.type == "cuda":
                torch.cuda.set_rng_state_all(cuda_states)
            self._pending_rng = None
        elif self._step == 0:
            torch.manual_seed(self._settings.seed)
