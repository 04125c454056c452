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

import contextlib
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
        model: a name in the recipe table: "dcgan", "cgan", "pix2pix", "stylegan2" or
            "cyclegan" (`kerasgan.training.recipes.RECIPES`).
        dataset: "mnist", "cifar10", a folder of images, or an .npz with the keras.datasets
            keys (pix2pix: a folder of pairs; cyclegan: domain A's folder, with `data_b`).
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
            `DCGANOptions`, `ConditionalGANOptions`, `Pix2PixOptions`, `StyleGAN2Options`,
            `CycleGANOptions` (`kerasgan train MODEL --help` lists them with their
            defaults). For example epochs, kimg, image_size, batch_size, latent_dim,
            loss, learning_rate, augment, augment_p, ema_decay, interval_steps,
            resume_from. An option the model does not use (StyleGAN2's beta_1, say) is
            refused in one sentence.

    Example:

    ```python
    run = kerasgan.train("dcgan", dataset="mnist", epochs=5)
    print(run.latest_snapshot())
    ```

    Returns None in a multi-worker run's non-chief workers, which write no run folder.
    """
    recipe = recipe_for(model)
    options = _options_of_the_run(recipe, model, dataset, options, outdir, resume)
    if verbose and options.defaults:
        # First, so that a student sees why batch size, learning rate, ... are what they are.
        print(f"Defaults: {options.defaults}; the options you pass win.", flush=True)
    if strategy is None:
        # First: a multi-worker strategy must exist before TensorFlow runs anything.
        strategy = distribute.make_strategy(options.distribute)
    writes = distribute.writes_files(strategy)
    if options.deterministic:
        _make_deterministic(options.seed)
    data = _load_data(recipe, dataset, options)
    schedule = _Schedule.plan(options, data)
    # Build the model before making a run folder: bad options fail without leaving one behind.
    gan, fine_tuning_note = _build_model(recipe, options, data, strategy, verbose)
    run, lock = _choose_run(outdir, resume, options, model, dataset, writes)
    if not writes:
        # A non-chief worker: the same steps as the chief (the collective operations must
        # match), from the same checkpoint, without writing a file.
        return _train_without_writing(
            run, recipe, options, data, gan, schedule, strategy, evaluators, evaluate_every, verbose
        )
    new_run = not run.checkpoint_path.exists()
    try:
        return _train_into(
            run, recipe, options, data, gan, schedule, fine_tuning_note, evaluators,
            evaluate_every, verbose,
        )  # fmt: skip
    except BaseException as error:
        _after_a_stop(run, error, new_run)
        raise
    finally:
        TrainingRun.release_lock(lock)


def _train_into(
    run, recipe, options, data, gan, schedule, fine_tuning_note, evaluators, evaluate_every, verbose
):
    """The steps of `train()` that write the run folder: first pictures, then fit."""
    if verbose:
        print(
            f"{data.description}\nTraining for {schedule.length(options)} "
            f"({schedule.total_steps * options.batch_size:,} images).\nRun folder: {run.path}",
            flush=True,
        )
    start_interval, start_step, saved_arrays = _restore(run, gan, options, fine_tuning_note, verbose)
    sampler = recipe.sampler(gan, data, options, saved_arrays)
    if start_interval == 0:
        _first_pictures(run, recipe, options, data, gan, sampler)
    elif options.deterministic:
        # Every iterator of a seeded, reshuffling pipeline gets the next shuffle order. The
        # run that never stopped drew reals.png from one first; so does this one, so that
        # the epochs that follow come in the same orders.
        next(iter(data.dataset))
    if start_step >= schedule.total_steps:
        if verbose:
            print(
                f"{run.path.name} has already finished its {schedule.length(options)} "
                f"({schedule.total_steps * options.batch_size:,} images). Pass a larger "
                f"--{schedule.limit} to train on, or --resume none for a new run.",
                flush=True,
            )
        return run
    # The intervals left; the last one may be cut short so training stops at --kimg.
    schedule.total_intervals = start_interval + math.ceil(
        (schedule.total_steps - start_step) / schedule.interval_steps
    )
    evaluators = list(evaluators) + list(recipe.evaluators(data, options) if recipe.evaluators else [])
    callback = _run_folder_callback(run, sampler, options, schedule, evaluators, evaluate_every, verbose)
    _fit(gan, data, schedule, start_interval, start_step, callback, verbose, options)
    return run


def _after_a_stop(run, error, new_run):
    """Says what a Ctrl-C or an error left; a new run with no checkpoint yet is removed.

    A Ctrl-C or a full disk before the first checkpoint leaves nothing to resume: keeping
    the folder would make the next run 00001 beside an empty 00000. This process made
    the folder a moment ago, so everything in it is kerasgan's own.
    """
    interrupted = isinstance(error, KeyboardInterrupt)
    if new_run and not run.checkpoint_path.exists():
        import shutil

        shutil.rmtree(run.path, ignore_errors=True)
        if interrupted:
            message = (
                f"Interrupted before the first checkpoint: removed {run.path}, which held no "
                "training yet. Run the same command again to start over."
            )
        else:
            message = f"kerasgan: removed {run.path}, which had no checkpoint yet."
    elif interrupted:
        message = (
            f"Interrupted. Run the same command again to continue {run.path.name} from its "
            "last checkpoint (at most one interval is lost)."
        )
    else:
        return
    print(message, file=sys.stderr, flush=True)


def _make_deterministic(seed):
    """The same seed gives the same run, bit for bit: seeded generators, deterministic ops.

    keras.utils.set_random_seed seeds Python, NumPy and TensorFlow (so the initial
    weights and the models' seed generators); op determinism makes TensorFlow pick
    kernels that give the same result every time (some are slower, on a GPU).
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(int(seed))
    tf.config.experimental.enable_op_determinism()


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
    total_steps: int
    limit: str  # "epochs" or "kimg": the option that says how long the run is

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
        if options.epochs:
            limit, total_steps = "epochs", int(options.epochs) * steps_per_data_epoch
        else:
            # Exactly --kimg thousand images, rounded up to a whole step: the last interval
            # (and the last epoch) may be cut short.
            limit = "kimg"
            total_steps = math.ceil(int(options.kimg) * 1000 / options.batch_size)
        options.epochs = configs.epochs_for(options, data.num_examples)
        options.interval_steps = int(options.interval_steps or steps_per_data_epoch)
        total_intervals = math.ceil(total_steps / options.interval_steps)
        return cls(steps_per_data_epoch, options.interval_steps, total_intervals, total_steps, limit)

    def length(self, options):
        """How long the run is, in the words of the option that said so: "3 epochs", "200 kimg"."""
        if self.limit == "kimg":
            return f"{options.kimg} kimg"
        return f"{options.epochs} epoch" + ("" if options.epochs == 1 else "s")


# ------------------------------------------------------------------- 2. the run


def _dataset_label(name, dataset):
    """How a run folder names its data: mnist, cifar10, a folder's name or a file's stem."""
    kind = configs.dataset_kind(name)
    if kind != "custom":
        return kind
    path = Path(dataset)
    return path.stem if path.is_file() else path.name


def _options_of_the_run(recipe, model, dataset, overrides, outdir, resume):
    """The options to train with: those `resume` names, or today's defaults for this data.

    With `--resume auto`, a run started before the defaults followed what the data is
    (an .npz of digits got the custom row then) is still found by the same command: when
    the rows chosen by the dataset's name give other options, a run started with those is
    continued with the options it recorded, as `--resume PATH` would.
    """
    options = recipe.options.resolve(model, dataset, overrides, recorded=_recorded_options(resume))
    if resume != "auto":
        return options
    by_name = recipe.options.resolve(model, dataset, overrides, rows_by_name=True).to_dict()
    if by_name == {**options.to_dict(), "defaults": None}:
        return options
    # The image size and interval the data fills in are compared only where given.
    wanted = {k: v for k, v in by_name.items() if v is not None or k not in ("image_size", "interval_steps")}
    old_run = TrainingRun.find_resumable(outdir, wanted)
    if old_run is None:
        return options
    return recipe.options.resolve(model, dataset, overrides, recorded=_recorded_options(old_run.path))


def _recorded_options(resume):
    """The options a run named by `--resume PATH` recorded (but not how long to train), or None.

    They stand in for today's defaults, which may have changed since the run started.
    """
    from kerasgan.training.run_folder import OPTIONS_THAT_MAY_CHANGE

    if resume in (None, "none", "auto") or not TrainingRun(resume).options_path.exists():
        return None
    recorded = TrainingRun(resume).options()
    return {k: v for k, v in recorded.items() if k not in (*OPTIONS_THAT_MAY_CHANGE, "model", "dataset")}


def _choose_run(outdir, resume, options, model, dataset, writes=True):
    """The run folder to continue (`resume` auto or a path), or a new numbered one, claimed.

    Returns:
        (the `TrainingRun`, the lock that claims it for this process: see `TrainingRun.lock`).
        A worker that does not write (`writes` False) makes and claims no folder: its run
        is None when there is none to continue.
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
        return run, None
    if run is None:
        run = TrainingRun.create(outdir, f"{model}-{_dataset_label(options.dataset, dataset)}")
    # Before anything is cleaned up: the temporary files may be another live process's.
    lock = run.lock()
    removed = run.clean_up_after_kill()
    if removed:
        print(f"Removed {removed} unfinished temporary file(s) left by an interrupted run.", file=sys.stderr)
    return run, lock


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
    scope = strategy.scope() if strategy is not None else contextlib.nullcontext()
    try:
        with scope:
            gan = recipe.build(options, data)
            # Only models with one discriminator have the option (not CycleGAN).
            if getattr(options, "freeze_discriminator_layers", 0):
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


def _restore(run, gan, options, fine_tuning_note, verbose, writes=True):
    """Loads the run's checkpoint into `gan`, if it has one.

    Returns:
        (the interval and the step to start after, the arrays the checkpoint kept for
        the sampler).
    """
    if run is None or not run.checkpoint_path.exists():
        if fine_tuning_note and verbose:
            print(fine_tuning_note, flush=True)
        return 0, 0, {}
    try:
        progress, saved_arrays = checkpoint.load_checkpoint(run.checkpoint_path, gan)
    except checkpoint.DamagedCheckpointError:
        raise
    except ValueError as error:
        _explain_mismatch(run, options, error)
        raise
    start_interval = progress["interval"]
    if writes:
        run.forget_stats_after(start_interval)
    if verbose:
        print(
            f"Resuming {run.path.name} after interval {start_interval} "
            f"(step {progress['step']}, epoch {progress['epoch']}).",
            flush=True,
        )
    return start_interval, int(progress["step"]), saved_arrays


def _explain_mismatch(run, options, error):
    """A checkpoint that does not fit the model: names the options that differ from the run's."""
    from kerasgan.training.options import flag_for
    from kerasgan.training.run_folder import OPTIONS_THAT_MAY_CHANGE

    if not run.options_path.exists():
        return
    stored = run.options()
    wanted = options.to_dict()
    differences = [
        f"{flag_for(name)} {stored[name]}, not {wanted[name]}"
        for name in sorted(wanted)
        if name in stored and stored[name] != wanted[name] and name not in OPTIONS_THAT_MAY_CHANGE
    ]
    if differences:
        raise ValueError(
            f"{run.path} was trained with {' and '.join(differences)}, so its checkpoint does "
            "not fit this model: resume it with the options it was started with, or pass "
            "--resume none for a new run."
        ) from error


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
    if hasattr(sampler, "write_beside"):
        sampler.write_beside(run.initial_grid_path)


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
        total_steps=schedule.total_steps,
        evaluators=evaluators,
        evaluate_every=evaluate_every,
        verbose=verbose >= 1,  # the progress bar shows the step, this line the run
        writes_files=writes_files,
    )


def _fit(gan, data, schedule, start_interval, start_step, callback, verbose, options):
    """Trains from `start_interval` to the last interval; one Keras epoch is one interval."""
    import tensorflow as tf

    from kerasgan.training.callbacks import IntervalProgressBar, StopAtStep

    dataset = data.dataset.repeat()
    # The progress bar first, so that it ends its line before the run folder's line.
    progress_bar = [IntervalProgressBar()] if verbose else []
    if options.deterministic and start_step:
        # The shuffled epochs come in the same order every time (the shuffle is seeded),
        # so skipping the batches already trained on puts a resumed run exactly where
        # the killed one stood. It costs one pass over those batches' pipeline.
        dataset = dataset.skip(start_step)
    gan.fit(
        dataset.prefetch(tf.data.AUTOTUNE),
        epochs=schedule.total_intervals,
        initial_epoch=start_interval,
        steps_per_epoch=schedule.interval_steps,
        shuffle=False,  # the tf.data pipeline shuffles already
        callbacks=[StopAtStep(schedule.total_steps - start_step), *progress_bar, callback],
        verbose=verbose,
    )


def _train_without_writing(
    run, recipe, options, data, gan, schedule, strategy, evaluators, evaluate_every, verbose
):
    """A non-chief worker's run: restores and trains as the chief does; writes nothing."""
    start_interval, start_step, saved_arrays = _restore(run, gan, options, None, verbose=0, writes=False)
    if verbose:
        task = strategy.cluster_resolver.task_type, strategy.cluster_resolver.task_id
        print(f"Worker {task[0]} {task[1]}: training with the chief, which writes the run folder.", flush=True)
    sampler = recipe.sampler(gan, data, options, saved_arrays)
    if start_interval == 0:
        # The chief draws reals.png and fakes_init.png here: the same draws, unwritten.
        next(iter(data.dataset))
        sampler.grid(gan)
    elif options.deterministic:
        next(iter(data.dataset))  # as the chief does after a resume (see train())
    if start_step >= schedule.total_steps:
        return None
    schedule.total_intervals = start_interval + math.ceil(
        (schedule.total_steps - start_step) / schedule.interval_steps
    )
    evaluators = list(evaluators) + list(recipe.evaluators(data, options) if recipe.evaluators else [])
    callback = _run_folder_callback(
        run, sampler, options, schedule, evaluators, evaluate_every, verbose=0, writes_files=False
    )
    _fit(gan, data, schedule, start_interval, start_step, callback, verbose, options)
    return None


__all__ = ["train", "resolve_options"]
