"""`train()`: one call from a dataset name to a finished, resumable run folder.

This is the high level of kerasgan's layered API (builders -> models -> train): the
command line (`kerasgan train dcgan ...`) and the examples call it, and it sits
above the models, which know nothing of it. It follows the model's recipe
(`kerasgan/training/recipes/`) through five named steps:

1. `_load_data`: the data, as the recipe wants it;
2. `_choose_run`: the run folder to continue (`resume="auto"`: the newest run
   started with the same options) or a new one;
3. `_build_model` and `_restore`: the compiled model, with the checkpoint's state
   if the run has one;
4. `_first_pictures`: reals.png and fakes_init.png of a new run;
5. `_fit`: `fit()` with `RunFolderCallback`, which writes grids, snapshots, stats
   and the checkpoint after every interval.

A Colab disconnect, a Ctrl-C or a killed process loses at most one interval:
run the same command again and training continues from the checkpoint, with the
same step count, optimizer state, random state and fixed latent batch.
"""

import dataclasses
import math
import sys
from pathlib import Path

import numpy as np

from kerasgan import images
from kerasgan.training import checkpoint, configs, distribute
from kerasgan.training.recipe import GRID_SIZE
from kerasgan.training.recipes import recipe_for
from kerasgan.training.run_folder import TrainingRun


def resolve_options(model="dcgan", dataset="mnist", **overrides):
    """All options of a run (a `TrainingOptions`): defaults, the dataset's row, then overrides.

    Raises a ValueError naming any option the model does not have, or any bad value.
    """
    return recipe_for(model).options.resolve(model, dataset, overrides)


def train(
    model="dcgan",
    dataset="mnist",
    outdir="results",
    resume="auto",
    verbose=1,
    strategy=None,
    evaluators=(),
    evaluate_every=1,
    **options,
):
    """Trains a GAN into a run folder and returns the `TrainingRun`.

    Args:
        model: a name in the recipe table: "dcgan", "cgan" or "pix2pix".
        dataset: "mnist", "cifar10", a folder of images, or an .npz with the keras.datasets
            keys (pix2pix: a folder of pairs).
        outdir: where run folders are made.
        resume: "auto" (continue the newest run with the same options, if any), "none"
            (always start a new run), or the path of a run folder to continue.
        verbose: 0 silent, 1 progress bar, 2 one line per interval.
        strategy: a `tf.distribute` strategy to train under (default: the one the
            `distribute` option names, see kerasgan/training/distribute.py).
        evaluators: callables `(model) -> dict` of scores added to stats.jsonl (besides
            the recipe's own, such as pix2pix's held-out L1 and PSNR).
        evaluate_every: run the evaluators every this many intervals.
        **options: the model's training options, the fields of its options class:
            `DCGANOptions`, `ConditionalGANOptions`, `Pix2PixOptions` (`kerasgan train
            MODEL --help` lists them with their defaults). For example epochs, kimg,
            image_size, batch_size, latent_dim, loss, learning_rate, augment,
            augment_p, ema_decay, interval_steps, resume_from.

    Example:

    ```python
    run = kerasgan.train("dcgan", dataset="mnist", epochs=5)
    print(run.latest_snapshot())
    ```

    Returns None in a multi-worker run's non-chief workers, which write no run folder.
    """
    recipe = recipe_for(model)
    options = recipe.options.resolve(model, dataset, options)
    if strategy is None:
        # First: a multi-worker strategy must exist before TensorFlow runs anything.
        strategy = distribute.make_strategy(options.distribute)
    writes = distribute.writes_files(strategy)
    data = _load_data(recipe, dataset, options)
    schedule = _Schedule.plan(options, data)
    # Build the model before making a run folder: bad options fail without leaving one behind.
    gan, fine_tuning_note = _build_model(recipe, options, data, strategy, verbose)
    run = _choose_run(outdir, resume, options, model, dataset, writes)
    if not writes:
        # A non-chief worker: the same steps as the chief (the collective operations must
        # match), from the same checkpoint, without writing a file.
        return _train_without_writing(
            run, recipe, options, data, gan, schedule, strategy, evaluators, evaluate_every, verbose
        )
    if verbose:
        print(
            f"{data.description}\nTraining for {options.epochs} epochs "
            f"({schedule.images_to_show(options.batch_size):,} images).\nRun folder: {run.path}",
            flush=True,
        )
    start_interval, saved_arrays = _restore(run, gan, fine_tuning_note, verbose)
    sampler = recipe.sampler(gan, data, options, saved_arrays)
    if start_interval == 0:
        _first_pictures(run, recipe, options, data, gan, sampler)
    if start_interval >= schedule.total_intervals:
        if verbose:
            print(
                f"{run.path.name} has already finished its {options.epochs} epochs. Pass a "
                "larger --epochs to train on, or --resume none for a new run.",
                flush=True,
            )
        return run
    evaluators = list(evaluators) + list(recipe.evaluators(data, options) if recipe.evaluators else [])
    callback = _run_folder_callback(run, sampler, options, schedule, evaluators, evaluate_every, verbose)
    _fit(gan, data, schedule, start_interval, callback, verbose)
    return run


# ------------------------------------------------------------------ 1. the data


def _load_data(recipe, dataset, options):
    """The training data, as the recipe loads it (default: images, with labels if it needs them)."""
    if recipe.load_data is not None:
        return recipe.load_data(dataset, options)
    from kerasgan.data import load_training_data

    return load_training_data(
        dataset,
        image_size=options.image_size,
        batch_size=options.batch_size,
        labels=recipe.needs_labels,
        seed=options.seed,
    )


@dataclasses.dataclass
class _Schedule:
    """How long a run is: steps per pass over the data, steps per interval, intervals."""

    steps_per_data_epoch: int
    interval_steps: int
    total_intervals: int

    @classmethod
    def plan(cls, options, data):
        """Fills in the options the data decides (image size, epochs, interval) and plans the run."""
        options.image_size = int(data.image_shape[0])
        steps_per_data_epoch = data.num_examples // options.batch_size
        if steps_per_data_epoch < 1:
            raise ValueError(
                f"The dataset has {data.num_examples} images, fewer than one batch of "
                f"{options.batch_size}: add images or lower --batch-size."
            )
        options.epochs = configs.epochs_for(options, data.num_examples)
        options.interval_steps = int(options.interval_steps or steps_per_data_epoch)
        total_steps = options.epochs * steps_per_data_epoch
        return cls(steps_per_data_epoch, options.interval_steps, math.ceil(total_steps / options.interval_steps))

    def images_to_show(self, batch_size):
        return self.total_intervals * self.interval_steps * batch_size


# ------------------------------------------------------------------- 2. the run


def _dataset_label(name, dataset):
    """How a run folder names its data: mnist, cifar10, a folder's name or a file's stem."""
    kind = configs.dataset_kind(name)
    if kind != "custom":
        return kind
    path = Path(dataset)
    return path.stem if path.is_file() else path.name


def _choose_run(outdir, resume, options, model, dataset, writes=True):
    """The run folder to continue (`resume` auto or a path), or a new numbered one.

    A worker that does not write (`writes` False) makes no folder: None when there is none to continue.
    """
    if resume in (None, "none"):
        run = None
    elif resume == "auto":
        run = TrainingRun.find_resumable(outdir, options.to_dict())
    else:
        run = TrainingRun(resume)
        if not run.checkpoint_path.exists():
            raise FileNotFoundError(
                f"There is no checkpoint to resume in {resume}: pass a run folder that holds "
                "checkpoint.npz, or --resume auto."
            )
    if not writes:
        return run
    if run is None:
        run = TrainingRun.create(outdir, f"{model}-{_dataset_label(options.dataset, dataset)}")
    removed = run.clean_up_after_kill()
    if removed:
        print(f"Removed {removed} unfinished temporary file(s) left by an interrupted run.", file=sys.stderr)
    return run


# ----------------------------------------------------- 3. the model and its state


def _build_model(recipe, options, data, strategy, verbose=1):
    """The compiled model (under `strategy`), with any weights to fine-tune from.

    Returns:
        (model, a sentence saying what fine-tuning copied, or None).
    """
    import keras

    previous_policy = keras.config.dtype_policy()
    if options.mixed_precision:
        from kerasgan.precision import choose_mixed_precision

        # bfloat16 where the CPU or GPU computes it, float16 on older GPUs (kerasgan/precision.py).
        choice = choose_mixed_precision()
        if verbose:
            print(choice.sentence(), flush=True)
        keras.mixed_precision.set_global_policy(choice.policy)
    scope = strategy.scope() if strategy is not None else _null_scope()
    try:
        with scope:
            gan = recipe.build(options, data)
            if options.freeze_discriminator_layers:
                from kerasgan.training.fine_tune import freeze_discriminator_layers

                # Before compile: the optimizer keeps moments only for what it trains.
                freeze_discriminator_layers(gan.discriminator, options.freeze_discriminator_layers)
            discriminator_optimizer, generator_optimizer = recipe.optimizers(options)
            gan.compile(d_optimizer=discriminator_optimizer, g_optimizer=generator_optimizer)
    finally:
        # Layers keep the policy they were built with; later models get the usual float32.
        keras.mixed_precision.set_global_policy(previous_policy)

    fine_tuning_note = None
    if options.resume_from is not None:
        from kerasgan.training.fine_tune import load_pretrained_weights

        # Loaded before a run folder exists, so a file that does not fit leaves none behind;
        # a fine-tuning run that is itself resumed then overwrites them from its checkpoint.
        fine_tuning_note = load_pretrained_weights(options.resume_from, gan, options.to_dict())
    return gan, fine_tuning_note


def _restore(run, gan, fine_tuning_note, verbose, writes=True):
    """Loads the run's checkpoint into `gan`, if it has one.

    Returns:
        (the interval to start after, the arrays the checkpoint kept for the sampler).
    """
    if run is None or not run.checkpoint_path.exists():
        if fine_tuning_note and verbose:
            print(fine_tuning_note, flush=True)
        return 0, {}
    progress, saved_arrays = checkpoint.load_checkpoint(run.checkpoint_path, gan)
    start_interval = progress["interval"]
    if writes:
        run.forget_stats_after(start_interval)
    if verbose:
        print(
            f"Resuming {run.path.name} after interval {start_interval} "
            f"(step {progress['step']}, epoch {progress['epoch']}).",
            flush=True,
        )
    return start_interval, saved_arrays


# ------------------------------------------------------------ 4. first pictures


def _first_pictures(run, recipe, options, data, gan, sampler):
    """A new run's training_options.json, reals.png and fakes_init.png."""
    run.write_options(options.to_dict())
    real_batch = next(iter(data.dataset))
    if recipe.reals_grid is not None:
        images.save_image(run.reals_path, recipe.reals_grid(real_batch))
    else:
        real_images = real_batch[0] if isinstance(real_batch, (tuple, list)) else real_batch
        images.save_grid(run.reals_path, np.asarray(real_images)[:GRID_SIZE])
    images.save_image(run.initial_grid_path, sampler.grid(gan))


# ----------------------------------------------------------------------- 5. fit


def _run_folder_callback(
    run, sampler, options, schedule, evaluators, evaluate_every, verbose, writes_files=True
):
    from kerasgan.training.callbacks import RunFolderCallback

    return RunFolderCallback(
        run,
        sampler,
        batch_size=options.batch_size,
        steps_per_data_epoch=schedule.steps_per_data_epoch,
        snapshot_every=options.snapshot_every,
        total_intervals=schedule.total_intervals,
        evaluators=evaluators,
        evaluate_every=evaluate_every,
        verbose=verbose == 2,
        writes_files=writes_files,
    )


def _fit(gan, data, schedule, start_interval, callback, verbose):
    """Trains from `start_interval` to the last interval; one Keras epoch is one interval."""
    import tensorflow as tf

    gan.fit(
        data.dataset.repeat().prefetch(tf.data.AUTOTUNE),
        epochs=schedule.total_intervals,
        initial_epoch=start_interval,
        steps_per_epoch=schedule.interval_steps,
        shuffle=False,  # the tf.data pipeline shuffles already
        callbacks=[callback],
        verbose=verbose,
    )


def _train_without_writing(
    run, recipe, options, data, gan, schedule, strategy, evaluators, evaluate_every, verbose
):
    """A non-chief worker's run: restores and trains as the chief does; writes nothing."""
    start_interval, saved_arrays = _restore(run, gan, None, verbose=0, writes=False)
    if verbose:
        task = strategy.cluster_resolver.task_type, strategy.cluster_resolver.task_id
        print(f"Worker {task[0]} {task[1]}: training with the chief, which writes the run folder.", flush=True)
    sampler = recipe.sampler(gan, data, options, saved_arrays)
    if start_interval == 0:
        sampler.grid(gan)  # the chief draws fakes_init.png here
    if start_interval >= schedule.total_intervals:
        return None
    evaluators = list(evaluators) + list(recipe.evaluators(data, options) if recipe.evaluators else [])
    callback = _run_folder_callback(
        run, sampler, options, schedule, evaluators, evaluate_every, verbose=0, writes_files=False
    )
    _fit(gan, data, schedule, start_interval, callback, verbose)
    return None


class _null_scope:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


__all__ = ["train", "resolve_options"]
