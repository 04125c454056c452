"""The callback that fills a run folder while `fit()` trains.

At the end of every interval (one Keras "epoch" of `steps_per_epoch` steps) it
writes, in this order: the sample grid from the fixed latent batch, a generator
snapshot (both from the moving average of the generator when the model keeps one), a line of stats.jsonl, losses.png, and last the checkpoint. Writing
the checkpoint last means that whatever a kill interrupts, the checkpoint
describes files that are all complete; the interval after it is simply redone.
"""

import math
import time

import keras
import numpy as np

from kerasgan import images
from kerasgan.training import checkpoint


def sampling_generator(model):
    """The generator to draw grids and snapshots with: the model's moving average of its
    generator when it keeps one (smoother samples, see `GAN.update_generator_average`),
    else its generator. Anything with a `generator` attribute works."""
    return getattr(model, "generator_for_sampling", None) or model.generator


class FixedLatentGrid:
    """Sample grid of an unconditional generator: one fixed batch of latent vectors.

    The same latent vectors every time, so successive grids show the same
    "people" growing up, and a resumed run continues the same pictures.
    """

    def __init__(self, latents, columns=None):
        self.latents = np.asarray(latents, dtype="float32")
        self.columns = columns

    def arrays(self):
        return {"fixed_latents": self.latents}

    def grid(self, model):
        generated = sampling_generator(model).predict(self.latents, verbose=0, batch_size=64)
        return images.make_grid(generated, columns=self.columns)


class RunFolderCallback(keras.callbacks.Callback):
    """Writes grids, snapshots, stats, the loss plot and the checkpoint after each interval.

    Args:
        run: the `TrainingRun` (folder) to fill.
        sampler: makes the sample grid (`FixedLatentGrid` or a model-specific one) and
            says which arrays to keep in the checkpoint.
        batch_size: global batch size, to count images seen.
        steps_per_data_epoch: steps in one pass over the training data, to report epochs.
        snapshot_every: write a generator snapshot every this many intervals (and at the end).
        total_intervals: the last interval of the run (it always gets a snapshot).
        evaluators: callables `(model) -> dict` whose results join the stats line
            (quality scores); run every `evaluate_every` intervals.
        verbose: print a line per interval.
    """

    def __init__(
        self,
        run,
        sampler,
        batch_size,
        steps_per_data_epoch,
        snapshot_every=1,
        total_intervals=None,
        evaluators=(),
        evaluate_every=1,
        verbose=True,
    ):
        super().__init__()
        self.run = run
        self.sampler = sampler
        self.batch_size = batch_size
        self.steps_per_data_epoch = steps_per_data_epoch
        self.snapshot_every = max(1, int(snapshot_every))
        self.total_intervals = total_intervals
        self.evaluators = list(evaluators)
        self.evaluate_every = max(1, int(evaluate_every))
        self.verbose = verbose
        self.stopped_on_nan = False
        self._interval_started = None
        self._step_at_start = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._interval_started = time.perf_counter()
        self._step_at_start = int(self.model.generator_optimizer.iterations.numpy())

    def on_epoch_end(self, epoch, logs=None):
        interval = epoch + 1  # Keras counts from 0, run folders from 1 (0 is "init")
        logs = {key: float(value) for key, value in (logs or {}).items()}
        if not all(math.isfinite(v) for k, v in logs.items() if k.endswith("_loss")):
            # Keep the last good checkpoint and snapshot; writing this state would lose them.
            self.stopped_on_nan = True
            self.model.stop_training = True
            print(
                f"Stopping: a loss became NaN or infinite in interval {interval} ({logs}). "
                f"The last good snapshot and checkpoint in {self.run.path} are kept; try a lower "
                "learning rate, or the 'hinge' loss."
            )
            return

        model = self.model
        step = int(model.generator_optimizer.iterations.numpy())
        seconds = time.perf_counter() - self._interval_started
        steps_done = step - self._step_at_start

        images.save_image(self.run.grid_path(interval), self.sampler.grid(model))
        is_last = self.total_intervals is not None and interval >= self.total_intervals
        if interval % self.snapshot_every == 0 or is_last:
            from kerasgan.files import atomic_path

            with atomic_path(self.run.snapshot_path(interval)) as temporary:
                sampling_generator(model).save(temporary)

        stats = {
            "interval": interval,
            "step": step,
            "images_seen": step * self.batch_size,
            "epoch": round(step / self.steps_per_data_epoch, 4),
            "seconds": round(seconds, 3),
            "images_per_second": round(steps_done * self.batch_size / max(seconds, 1e-9), 1),
            **{key: round(value, 6) for key, value in logs.items()},
        }
        if interval % self.evaluate_every == 0 or is_last:
            for evaluator in self.evaluators:
                stats.update(evaluator(model))
        self.run.append_stats(stats)
        self.run.write_loss_plot()

        progress = {"interval": interval, "step": step, "epoch": stats["epoch"]}
        checkpoint.save_checkpoint(
            self.run.checkpoint_path, model, progress, arrays=self.sampler.arrays()
        )
        if self.verbose:
            losses = ", ".join(f"{k} {v:.4f}" for k, v in logs.items())
            print(
                f"interval {interval}: step {step}, epoch {stats['epoch']:.2f}, {losses}, "
                f"{stats['images_per_second']:.0f} img/s -> {self.run.grid_path(interval).name}",
                flush=True,
            )


class StopAtStep(keras.callbacks.Callback):
    """Ends training after `steps` more steps, inside an interval if need be (for --kimg).

    Keras still ends the interval it stopped in, so `RunFolderCallback` writes its
    grid, snapshot and checkpoint at the exact step.

    Args:
        steps: how many more training steps to run.
    """

    def __init__(self, steps):
        super().__init__()
        self.steps_left = int(steps)

    def on_train_batch_end(self, batch, logs=None):
        self.steps_left -= 1
        if self.steps_left <= 0:
            self.model.stop_training = True
