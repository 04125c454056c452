"""The callback that fills a run folder while `fit()` trains.

At the end of every interval (one Keras "epoch" of `steps_per_epoch` steps) it
writes, in this order: the sample grid from the fixed latent batch, a generator
snapshot (both from the moving average of the generator when the model keeps one), a line of stats.jsonl, losses.png, the interval's TensorBoard
events in logs/, and last the checkpoint. Writing
the checkpoint last means that whatever a kill interrupts, the checkpoint
describes files that are all complete; the interval after it is simply redone.

Its progress line says how far the run is (thousands of images, "kimg", as StyleGAN2-ADA
counts them), how long the interval ("tick") took, about how long is left, and whether
the run has stopped changing: courses say "stop when the grids stop changing", so the
callback measures how much the fixed-latent grid changed since the last interval
(`grid_change`) and, where the run evaluates, whether the Frechet distance still falls.
"""

import math
import re
import tempfile
import time
from pathlib import Path

import keras
import numpy as np

from kerasgan import files, images
from kerasgan.training import checkpoint


def sampling_generator(model):
    """The generator to draw grids and snapshots with: the model's moving average of its
    generator when it keeps one (smoother samples, see `GAN.update_generator_average`),
    else its generator. Anything with a `generator` attribute works."""
    return getattr(model, "generator_for_sampling", None) or model.generator


# ------------------------------------------------------- is the run still changing?

# The change of the first ticks is the yardstick: the grids move most while the generator
# first finds its shapes. A tick that changes the grid less than this share of the largest
# early change, twice in a row, says the pictures are levelling off.
EARLY_TICKS = 3
LEVELLING_OFF_SHARE = 0.2
# ... and by at most this share of the pixel range. A StyleGAN2 run's first tick turns
# noise into one blob (a 45% change), so a later tick in which that one collapsed digit
# still changes shape by 8.8% was a fifth of it and was called "levelling off".
LEVELLING_OFF_MOST = 0.05
# The Frechet distance levels off when its last two evaluations are no more than 5% below
# the best one before them.
FRECHET_IMPROVEMENT = 0.05


def grid_change(previous_grid, grid):
    """Mean absolute pixel change between two uint8 grids, as a share of the pixel range (0-1).

    Example: two 2x2 grids that differ by 51 (a fifth of 255) in one pixel of four: 0.05.
    """
    previous_grid = np.asarray(previous_grid, dtype="float64")
    grid = np.asarray(grid, dtype="float64")
    if previous_grid.shape != grid.shape:
        raise ValueError(
            f"Grids of different shapes cannot be compared: {previous_grid.shape} and {grid.shape}."
        )
    return float(np.mean(np.abs(grid - previous_grid)) / 255.0)


def relative_changes(changes):
    """Each tick's grid change divided by the largest change of the first `EARLY_TICKS` ticks."""
    early = max(changes[:EARLY_TICKS], default=0.0)
    return [change / early if early > 0 else 0.0 for change in changes]


def grids_levelling_off(changes):
    """True when the last two ticks each changed the grid less than LEVELLING_OFF_SHARE of the
    largest early change and at most LEVELLING_OFF_MOST of the pixel range (and the early
    ticks are behind us)."""
    if len(changes) < EARLY_TICKS + 2 or max(changes[:EARLY_TICKS]) <= 0:
        return False
    small = all(share < LEVELLING_OFF_SHARE for share in relative_changes(changes)[-2:])
    return small and all(change <= LEVELLING_OFF_MOST for change in changes[-2:])


def frechet_levelling_off(distances):
    """True when the last two Frechet distances are no more than FRECHET_IMPROVEMENT below the
    best distance measured before them (at least three evaluations)."""
    if len(distances) < 3:
        return False
    best_before = min(distances[:-2])
    return min(distances[-2:]) > best_before * (1.0 - FRECHET_IMPROVEMENT)


def format_duration(seconds):
    """A duration as a person reads it: "45s", "12m 05s", "3h 20m"."""
    seconds = int(round(max(seconds, 0)))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"


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
        # The generator itself, not predict(): under a multi-worker strategy predict() would
        # share the latent batch out among the workers.
        generator = sampling_generator(model)
        generated = np.concatenate([
            keras.ops.convert_to_numpy(generator(self.latents[start:start + 64], training=False))
            for start in range(0, len(self.latents), 64)
        ]).astype("float32")  # fmt: skip
        return images.make_grid(generated, columns=self.columns)


class TensorBoardLog:
    """The run's TensorBoard logs: scalars and the sample grid, one event file per interval.

    `tensorboard --logdir results` (or, in a notebook, `%load_ext tensorboard` and
    `%tensorboard --logdir results`) shows every run's losses, r_t (`d_real_sign`), the
    augmentation probability, the learning rates and the quality scores against the
    training step, and the grid of the fixed latent batch at each interval.

    Each interval's events go into a file of their own, written whole in a temporary folder
    and renamed into `logs/`, its step in its name (`events.out.tfevents.<time>...step-000000620`).
    A process killed after the logs of an interval but before its checkpoint leaves a file
    that the resumed run writes again: `forget_after(step)` removes the files of steps the
    checkpoint does not cover first, so each step appears once however often the run stops.

    Args:
        folder: the logs folder, `<run folder>/logs`.

    Example:

    ```python
    log = TensorBoardLog("results/00003-dcgan-mnist/logs")
    log.write(620, {"loss/d_loss": 1.21}, grid)  # grid: uint8 (height, width, channels)
    ```
    """

    STEP_IN_NAME = re.compile(r"\.step-(\d+)$")

    def __init__(self, folder):
        self.folder = Path(folder)

    def steps(self):
        """The steps that have an event file, in order."""
        if not self.folder.is_dir():
            return []
        found = (self.STEP_IN_NAME.search(path.name) for path in self.folder.iterdir())
        return sorted(int(match.group(1)) for match in found if match)

    def forget_after(self, step):
        """Removes the event files of steps after `step` (those the checkpoint does not cover),
        and any file a killed write left half-written."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            match = self.STEP_IN_NAME.search(path.name)
            if path.name.startswith(files.TEMPORARY_PREFIX) or (match and int(match.group(1)) > step):
                path.unlink()

    def write(self, step, scalars, grid=None):
        """Writes one interval: `scalars` (name -> number) and the grid image, at `step`."""
        import tensorflow as tf

        # Built outside the run folder, then written into logs/ atomically: TensorBoard reads
        # every file with "tfevents" in its name, so a half-written one must never be there.
        with tempfile.TemporaryDirectory() as building:
            writer = tf.summary.create_file_writer(building, filename_suffix=f".step-{step:09d}")
            with writer.as_default(step=step):
                for name, value in scalars.items():
                    tf.summary.scalar(name, value)
                if grid is not None:
                    grid = np.asarray(grid, dtype="uint8")
                    grid = grid[..., None] if grid.ndim == 2 else grid
                    tf.summary.image("fakes", grid[None])
            writer.close()
            for path in Path(building).iterdir():
                files.write_bytes(self.folder / path.name, path.read_bytes())


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
        total_steps: the run's last step, for the estimate of the time left (None: no estimate).
        evaluators: callables `(model) -> dict` whose results join the stats line
            (quality scores); run every `evaluate_every` intervals.
        verbose: print a line per interval.
        writes_files: False in a multi-worker run's non-chief workers: they draw the grid and
            run the evaluators as the chief does (any collective operation in them must
            happen on every worker) but write nothing; `run` may then be None.
    """

    def __init__(
        self,
        run,
        sampler,
        batch_size,
        steps_per_data_epoch,
        snapshot_every=1,
        total_intervals=None,
        total_steps=None,
        evaluators=(),
        evaluate_every=1,
        verbose=True,
        writes_files=True,
    ):
        super().__init__()
        self.run = run
        self.sampler = sampler
        self.batch_size = batch_size
        self.steps_per_data_epoch = steps_per_data_epoch
        self.snapshot_every = max(1, int(snapshot_every))
        self.total_intervals = total_intervals
        self.total_steps = total_steps
        self.evaluators = list(evaluators)
        self.evaluate_every = max(1, int(evaluate_every))
        self.verbose = verbose
        self.writes_files = writes_files
        self.stopped_on_nan = False
        self.tensorboard = TensorBoardLog(Path(run.path) / "logs") if writes_files else None
        self._interval_started = None
        self._step_at_start = 0
        # What "is it still changing?" compares with: the last grid, every tick's grid
        # change and every Frechet distance measured (a resumed run reads them back).
        self._previous_grid = None
        self._grid_changes = []
        self._frechet_distances = []

    def on_train_begin(self, logs=None):
        # The grid the first tick is compared with: the untrained model's (fakes_init.png),
        # or, resumed, the checkpoint's, the same grid the last interval wrote. Every worker
        # draws it, as every worker draws each interval's grid.
        self._previous_grid = self.sampler.grid(self.model)
        if not self.writes_files:
            return
        # A resumed run starts at its checkpoint's step: the logs of any later step come from
        # an interval the kill cut short, and that interval is about to be trained again.
        self.tensorboard.forget_after(int(self.model.generator_optimizer.iterations.numpy()))
        earlier = self.run.stats()
        self._grid_changes = [line["grid_change"] for line in earlier if "grid_change" in line]
        self._frechet_distances = [line["fid"] for line in earlier if "fid" in line]

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
            if not self.writes_files:
                return
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

        grid = self.sampler.grid(model)
        is_last = self.total_intervals is not None and interval >= self.total_intervals
        if not self.writes_files:
            if interval % self.evaluate_every == 0 or is_last:
                for evaluator in self.evaluators:
                    evaluator(model)
            return
        images.save_image(self.run.grid_path(interval), grid)
        write_beside = getattr(self.sampler, "write_beside", None)
        if write_beside:  # what else the interval has to show (WaveGAN: .wav files, a page)
            write_beside(self.run.grid_path(interval))
        if interval % self.snapshot_every == 0 or is_last:
            from kerasgan.files import atomic_path
            from kerasgan.models.layers import with_family_record

            # One generator-*.keras, or what the sampler names (CycleGAN: its two generators).
            snapshots = getattr(self.sampler, "snapshots", None)
            networks = snapshots(model) if snapshots else {"generator": sampling_generator(model)}
            # Each snapshot records its family (the run's model), for kerasgan.snapshots.
            family = self.run.options()["model"]
            for prefix, network in networks.items():
                with atomic_path(self.run.snapshot_path(interval, prefix)) as temporary:
                    with_family_record(network, family).save(temporary)

        stats = {
            "interval": interval,
            "step": step,
            "images_seen": step * self.batch_size,
            "epoch": round(step / self.steps_per_data_epoch, 4),
            "seconds": round(seconds, 3),
            "images_per_second": round(steps_done * self.batch_size / max(seconds, 1e-9), 1),
            **{key: round(value, 6) for key, value in logs.items()},
        }
        scores = {}
        if interval % self.evaluate_every == 0 or is_last:
            for evaluator in self.evaluators:
                scores.update(evaluator(model))
        stats.update(scores)
        stats.update(self._still_changing(grid, scores))
        self.run.append_stats(stats)
        self.run.write_loss_plot()
        self.tensorboard.write(step, tensorboard_scalars(model, logs, scores, stats), grid)

        progress = {"interval": interval, "step": step, "epoch": stats["epoch"]}
        checkpoint.save_checkpoint(
            self.run.checkpoint_path, model, progress, arrays=self.sampler.arrays()
        )
        if self.verbose:
            print(self.progress_line(stats, logs, steps_done), flush=True)

    def _still_changing(self, grid, scores):
        """The stats that say whether the run still changes: grid change, and the FD trend."""
        found = {}
        if self._previous_grid is not None:
            self._grid_changes.append(grid_change(self._previous_grid, grid))
            found["grid_change"] = round(self._grid_changes[-1], 6)
            found["grid_change_relative"] = round(relative_changes(self._grid_changes)[-1], 4)
            found["grids_levelling_off"] = grids_levelling_off(self._grid_changes)
        self._previous_grid = grid
        if "fid" in scores:
            self._frechet_distances.append(float(scores["fid"]))
            found["fid_levelling_off"] = frechet_levelling_off(self._frechet_distances)
        return found

    def progress_line(self, stats, logs, steps_done):
        """One line per tick: kimg done (of the total), the tick's time, the time left, the
        losses, the speed, how much the grid changed and the grid's file name."""
        kimg = f"{stats['images_seen'] / 1000:.1f}"
        time_left = ""
        if self.total_steps:
            kimg += f"/{self.total_steps * self.batch_size / 1000:.1f}"
            steps_left = max(self.total_steps - stats["step"], 0)
            per_step = stats["seconds"] / max(steps_done, 1)
            time_left = f", about {format_duration(steps_left * per_step)} left"
        parts = [
            f"interval {stats['interval']}: kimg {kimg}, step {stats['step']}, "
            f"epoch {stats['epoch']:.2f}, tick {format_duration(stats['seconds'])}{time_left}",
            *(f"{name} {value:.4f}" for name, value in logs.items()),
            f"{stats['images_per_second']:.0f} img/s",
        ]
        if "grid_change" in stats:
            verdict = "levelling off" if stats["grids_levelling_off"] else "still changing"
            parts.append(f"grid change {100 * stats['grid_change']:.1f}% ({verdict})")
        if stats.get("fid_levelling_off"):
            parts.append("Frechet distance levelling off")
        return ", ".join(parts) + f" -> {self.run.grid_path(stats['interval']).name}"


class IntervalProgressBar(keras.callbacks.ProgbarLogger):
    """Keras's progress bar, in the run's words, with no estimate from the first step.

    One Keras epoch of a run is one interval (a grid and a checkpoint after each), and
    the last interval of a --kimg run may be cut short: "Epoch 1/26" for a run of 25
    epochs read as a mistake, so the bar says "Interval 1/26". The first step also
    traces the training step (a minute for StyleGAN2 on a CPU), and Keras's estimate
    after that step alone said 55 minutes for a 3-minute interval. Keras leaves the
    first step out of its estimate from the second step on, so the bar is drawn from there.
    """

    def on_epoch_begin(self, epoch, logs=None):
        total, self.epochs = self.epochs, 1  # Keras prints "Epoch i/N" only when N > 1
        try:
            super().on_epoch_begin(epoch, logs)
        finally:
            self.epochs = total
        if self.verbose and total > 1:
            print(f"Interval {epoch + 1}/{total}", flush=True)

    def on_train_batch_end(self, batch, logs=None):
        bar = self.progbar
        if batch > 0 or bar is None:
            return super().on_train_batch_end(batch, logs)
        shown, bar.verbose = bar.verbose, 0  # counted (Keras times from it), not drawn
        try:
            super().on_train_batch_end(batch, logs)
        finally:
            bar.verbose = shown


def tensorboard_scalars(model, logs, scores, stats):
    """The scalars TensorBoard shows for an interval, grouped into sections by tag prefix.

    loss/ (d_loss, g_loss, ...), discriminator/d_real_sign (r_t = E[sign(D(real))], what
    adaptive augmentation steers by), augmentation/p, learning_rate/ (both optimizers),
    evaluation/ (the quality scores of the intervals that are evaluated), speed/, and
    progress/grid_change (how much the fixed-latent grid changed since the last interval).
    """
    scalars = {}
    for name, value in logs.items():
        if name.endswith("_loss"):
            scalars[f"loss/{name}"] = value
        elif name == "d_real_sign":
            scalars["discriminator/d_real_sign"] = value
        elif name == "augment_p":
            scalars["augmentation/p"] = value
        else:
            scalars[f"training/{name}"] = value
    for network in ("generator", "discriminator"):
        optimizer = getattr(model, f"{network}_optimizer", None)
        if optimizer is not None:
            scalars[f"learning_rate/{network}"] = float(np.asarray(optimizer.learning_rate))
    for name, value in scores.items():
        if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
            scalars[f"evaluation/{name}"] = float(value)
    scalars["speed/images_per_second"] = stats["images_per_second"]
    if "grid_change" in stats:
        scalars["progress/grid_change"] = stats["grid_change"]
    return scalars


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
