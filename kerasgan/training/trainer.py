"""`train()`: one call from a dataset name to a finished, resumable run folder.

This is the high level of kerasgan's layered API (builders -> models -> train):
the command line (`kerasgan train dcgan ...`) and the examples call it. It

1. fills in defaults from `configs.py` and loads the data,
2. finds the run folder to continue (`resume="auto"`: the newest run started with
   the same options) or makes a new one,
3. builds and compiles the model, restores the checkpoint if there is one,
4. calls `fit()` with `RunFolderCallback`, which writes grids, snapshots, stats
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
from kerasgan.training import checkpoint, configs
from kerasgan.training.callbacks import FixedLatentGrid, RunFolderCallback
from kerasgan.training.run_folder import TrainingRun

GRID_SIZE = 64  # images in each sample grid (8 x 8)


@dataclasses.dataclass
class ModelRecipe:
    """How `train()` makes one kind of model.

    Attributes:
        build: `(options, training_data) -> model`, an uncompiled GAN.
        sampler: `(model, training_data, options, saved_arrays) -> sampler` for the grids;
            `saved_arrays` holds what a resumed checkpoint kept (the fixed latents).
        needs_labels: whether the dataset must yield `(images, labels)`.
        load_data: `(dataset, options) -> TrainingData`-like object (dataset, num_examples,
            image_shape, description) for models that need other data (pix2pix's pairs);
            default: `kerasgan.data.load_training_data`.
        defaults: extra options this model understands, with their defaults.
        reals_grid: `(batch) -> image` for reals.png, a picture of what the model learns
            from; default: a grid of the batch's images.
    """

    build: callable
    sampler: callable
    needs_labels: bool = False
    load_data: callable = None
    defaults: dict = dataclasses.field(default_factory=dict)
    reals_grid: callable = None


def _build_dcgan(options, data):
    from kerasgan.models.dcgan import DCGAN

    return DCGAN(
        image_shape=data.image_shape,
        latent_dim=options["latent_dim"],
        generator_filters=options["generator_filters"],
        discriminator_filters=options["discriminator_filters"],
        upsampling=options["upsampling"],
        spectral_norm=options["spectral_norm"],
        **gan_training_options(options),
    )


def gan_training_options(options):
    """The `GAN` arguments every model takes from the run options.

    How it is trained (loss, label smoothing, instance noise, discriminator steps,
    gradient penalty, seed), and the augmentation and generator-average options.
    """
    adaptive = options["augment_p"] == "ada"
    return {
        "loss": options["loss"],
        "label_smoothing": options["label_smoothing"],
        "instance_noise": options["instance_noise"],
        "instance_noise_steps": options["instance_noise_steps"],
        "discriminator_steps": options["discriminator_steps"],
        "gradient_penalty_weight": options["gradient_penalty_weight"],
        "seed": options["seed"],
        "augment": options["augment"],
        "augment_probability": None if adaptive else options["augment_p"],
        "ada": adaptive,
        "ada_target": options["ada_target"],
        "ema_decay": options["ema_decay"],
    }


def _check_augmentation_and_fine_tuning(options):
    """Puts augment, augment_p and resume_from in a standard form; raises ValueError if bad."""
    from kerasgan import augment

    names = augment.parse_augmentations(options["augment"])
    probability = options["augment_p"]
    if probability is not None and str(probability).strip().lower() == "ada":
        probability = "ada"
        # "ada" alone means all four: ADA chooses how often to augment, not what.
        names = names or augment.AUGMENTATIONS
    elif probability is not None:
        try:
            probability = float(probability)
        except ValueError:
            raise ValueError(
                f"augment_p must be a probability from 0 to 1 or 'ada'; got {probability!r}."
            ) from None
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"augment_p must be from 0 to 1 (or 'ada'); got {probability}.")
        if not names:
            raise ValueError("augment_p needs augmentations: add --augment flip,translation,color,cutout.")
    options["augment"] = ",".join(names) or None
    options["augment_p"] = probability
    if options["resume_from"] is not None:
        from kerasgan.training.fine_tune import pretrained_file

        options["resume_from"] = str(pretrained_file(options["resume_from"]))
    if int(options["freeze_discriminator_layers"] or 0) and options["resume_from"] is None:
        raise ValueError(
            "freeze_discriminator_layers keeps layers a pretrained discriminator learned: "
            "give the run to start from with --resume-from."
        )
    options["freeze_discriminator_layers"] = int(options["freeze_discriminator_layers"] or 0)


def fixed_latents(options, count=GRID_SIZE):
    """The grid's latent batch, drawn once from the run's seed (and then kept in the checkpoint)."""
    return np.random.default_rng(options["seed"]).standard_normal(
        (count, options["latent_dim"])
    ).astype("float32")


def _dcgan_sampler(model, data, options, saved_arrays):
    latents = saved_arrays.get("fixed_latents")
    return FixedLatentGrid(latents if latents is not None else fixed_latents(options))


# Model name -> recipe. Other model modules add theirs with `register_model`.
MODEL_RECIPES = {"dcgan": ModelRecipe(build=_build_dcgan, sampler=_dcgan_sampler)}


def register_model(name, recipe):
    """Makes `train(name, ...)` and `kerasgan train NAME` build a new kind of model."""
    MODEL_RECIPES[name] = recipe


def _recipe(model_name):
    if model_name not in MODEL_RECIPES:
        # The conditional GAN registers itself when its module is imported.
        _import_model_modules()
    if model_name not in MODEL_RECIPES:
        raise ValueError(
            f"Unknown model {model_name!r}: choose one of {', '.join(sorted(MODEL_RECIPES))}."
        )
    return MODEL_RECIPES[model_name]


def _import_model_modules():
    import importlib

    for module in ("kerasgan.models.conditional_gan", "kerasgan.models.pix2pix"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:
                raise


def resolve_options(model="dcgan", dataset="mnist", **overrides):
    """All options of a run: the dataset's defaults, then every override that is not None."""
    options = {"model": model, "dataset": _dataset_identity(dataset), **configs.defaults_for(dataset)}
    options.update(_recipe(model).defaults)
    options.update(seed=0, interval_steps=None, snapshot_every=1, mixed_precision=False)
    unknown = sorted(set(overrides) - set(options) - {"outdir", "resume", "verbose"})
    if unknown:
        raise ValueError(f"Unknown training option(s): {', '.join(unknown)}.")
    options.update({key: value for key, value in overrides.items() if value is not None})
    for key in ("epochs", "kimg", "batch_size", "latent_dim", "image_size"):
        if options[key] is not None and int(options[key]) < 1:
            raise ValueError(f"{key} must be a positive whole number; got {options[key]}.")
    _check_augmentation_and_fine_tuning(options)
    return options


def _dataset_identity(dataset):
    """Dataset names stay names; paths become absolute, so a resume from elsewhere matches."""
    if str(dataset).lower() in ("mnist", "cifar10"):
        return str(dataset).lower()
    return str(Path(dataset).expanduser().resolve())


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
        model: "dcgan" (or another registered model, such as "cgan").
        dataset: "mnist", "cifar10", a folder of images, or an .npz with the keras.datasets keys.
        outdir: where run folders are made.
        resume: "auto" (continue the newest run with the same options, if any), "none"
            (always start a new run), or the path of a run folder to continue.
        verbose: 0 silent, 1 progress bar, 2 one line per interval.
        strategy: a `tf.distribute` strategy to train under (default: none).
        evaluators: callables `(model) -> dict` of scores added to stats.jsonl.
        evaluate_every: run the evaluators every this many intervals.
        **options: overrides of the defaults in configs.py: epochs (default: enough for
            `kimg` thousand images), kimg, image_size, batch_size,
            latent_dim, loss, label_smoothing, instance_noise, discriminator_steps, upsampling,
            generator_filters, discriminator_filters, spectral_norm, learning_rate, beta_1,
            interval_steps (steps between checkpoints; default one epoch), snapshot_every,
            seed, mixed_precision, augment ("flip,translation,color,cutout" or some),
            augment_p (a probability, or "ada"), ada_target, ema_decay (e.g. 0.999),
            resume_from (a run folder, checkpoint or generator snapshot to fine-tune from:
            weights only, new step count and optimizers), freeze_discriminator_layers.

    Example:

    ```python
    run = kerasgan.train("dcgan", dataset="mnist", epochs=5)
    print(run.latest_snapshot())
    ```
    """
    recipe = _recipe(model)
    options = resolve_options(model, dataset, **options)

    if recipe.load_data is not None:
        data = recipe.load_data(dataset, options)
    else:
        from kerasgan.data import load_training_data

        data = load_training_data(
            dataset,
            image_size=options["image_size"],
            batch_size=options["batch_size"],
            labels=recipe.needs_labels,
            seed=options["seed"],
        )
    options["image_size"] = int(data.image_shape[0])
    steps_per_data_epoch = data.num_examples // options["batch_size"]
    if steps_per_data_epoch < 1:
        raise ValueError(
            f"The dataset has {data.num_examples} images, fewer than one batch of "
            f"{options['batch_size']}: add images or lower --batch-size."
        )
    options["epochs"] = configs.epochs_for(options, data.num_examples)
    interval_steps = int(options["interval_steps"] or steps_per_data_epoch)
    options["interval_steps"] = interval_steps
    total_intervals = math.ceil(options["epochs"] * steps_per_data_epoch / interval_steps)

    import keras
    import tensorflow as tf

    # Build the model before making a run folder: bad options fail without leaving one behind.
    previous_policy = keras.config.dtype_policy()
    if options["mixed_precision"]:
        keras.mixed_precision.set_global_policy("mixed_float16")
    scope = strategy.scope() if strategy is not None else _null_scope()
    try:
        with scope:
            gan = recipe.build(options, data)
            if options["freeze_discriminator_layers"]:
                from kerasgan.training.fine_tune import freeze_discriminator_layers

                # Before compile: the optimizer keeps moments only for what it trains.
                freeze_discriminator_layers(gan.discriminator, options["freeze_discriminator_layers"])
            gan.compile(
                d_optimizer=keras.optimizers.Adam(options["learning_rate"], beta_1=options["beta_1"]),
                g_optimizer=keras.optimizers.Adam(options["learning_rate"], beta_1=options["beta_1"]),
            )
    finally:
        # Layers keep the policy they were built with; later models get the usual float32.
        keras.mixed_precision.set_global_policy(previous_policy)

    fine_tuning_note = None
    if options["resume_from"] is not None:
        from kerasgan.training.fine_tune import load_pretrained_weights

        # Loaded before a run folder exists, so a file that does not fit leaves none behind;
        # a fine-tuning run that is itself resumed then overwrites them from its checkpoint.
        fine_tuning_note = load_pretrained_weights(options["resume_from"], gan, options)

    run = _choose_run(outdir, resume, options, model, dataset)
    if verbose:
        print(
            f"{data.description}\nTraining for {options['epochs']} epochs "
            f"({total_intervals * interval_steps * options['batch_size']:,} images).\n"
            f"Run folder: {run.path}",
            flush=True,
        )

    start_interval, saved_arrays = 0, {}
    if fine_tuning_note and verbose and not run.checkpoint_path.exists():
        print(fine_tuning_note, flush=True)
    if run.checkpoint_path.exists():
        progress, saved_arrays = checkpoint.load_checkpoint(run.checkpoint_path, gan)
        start_interval = progress["interval"]
        run.forget_stats_after(start_interval)
        if verbose:
            print(
                f"Resuming {run.path.name} after interval {start_interval} "
                f"(step {progress['step']}, epoch {progress['epoch']}).",
                flush=True,
            )
    sampler = recipe.sampler(gan, data, options, saved_arrays)

    if start_interval == 0:
        run.write_options(options)
        real_batch = next(iter(data.dataset))
        if recipe.reals_grid is not None:
            images.save_image(run.reals_path, recipe.reals_grid(real_batch))
        else:
            real_images = real_batch[0] if isinstance(real_batch, (tuple, list)) else real_batch
            images.save_grid(run.reals_path, np.asarray(real_images)[:GRID_SIZE])
        images.save_image(run.initial_grid_path, sampler.grid(gan))
    if start_interval >= total_intervals:
        if verbose:
            print(
                f"{run.path.name} has already finished its {options['epochs']} epochs. Pass a "
                "larger --epochs to train on, or --resume none for a new run.",
                flush=True,
            )
        return run

    callback = RunFolderCallback(
        run,
        sampler,
        batch_size=options["batch_size"],
        steps_per_data_epoch=steps_per_data_epoch,
        snapshot_every=options["snapshot_every"],
        total_intervals=total_intervals,
        evaluators=evaluators,
        evaluate_every=evaluate_every,
        verbose=verbose == 2,
    )
    dataset_for_fit = data.dataset.repeat().prefetch(tf.data.AUTOTUNE)
    gan.fit(
        dataset_for_fit,
        epochs=total_intervals,
        initial_epoch=start_interval,
        steps_per_epoch=interval_steps,
        shuffle=False,  # the tf.data pipeline shuffles already
        callbacks=[callback],
        verbose=verbose,
    )
    return run


def _dataset_label(name, dataset):
    """How a run folder names its data: mnist, cifar10, a folder's name or a file's stem."""
    kind = configs.dataset_kind(name)
    if kind != "custom":
        return kind
    path = Path(dataset)
    return path.stem if path.is_file() else path.name


def _choose_run(outdir, resume, options, model, dataset):
    if resume in (None, "none"):
        run = None
    elif resume == "auto":
        run = TrainingRun.find_resumable(outdir, options)
    else:
        run = TrainingRun(resume)
        if not run.checkpoint_path.exists():
            raise FileNotFoundError(
                f"There is no checkpoint to resume in {resume}: pass a run folder that holds "
                "checkpoint.npz, or --resume auto."
            )
    if run is None:
        run = TrainingRun.create(outdir, f"{model}-{_dataset_label(options['dataset'], dataset)}")
    removed = run.clean_up_after_kill()
    if removed:
        print(f"Removed {removed} unfinished temporary file(s) left by an interrupted run.", file=sys.stderr)
    return run


class _null_scope:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


__all__ = [
    "train",
    "resolve_options",
    "register_model",
    "ModelRecipe",
    "fixed_latents",
    "gan_training_options",
]
