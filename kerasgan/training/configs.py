"""Default settings, in one table, so every command and example starts from the same place.

A dataset's row gives the options a user does not pass. Everything here can be
overridden on the command line (`--epochs 20`) or in `train(epochs=20)`.

How long to train is given in thousands of training images shown (`kimg`, as in
StyleGAN), not in epochs: 200 kimg is 3 or 4 epochs of the full MNIST download but 50
epochs of the 4,000 offline digits, and both need about the same number of steps to
draw readable digits. Pass `--epochs` to count in epochs instead.
"""

DATASET_DEFAULTS = {
    # MNIST: small, gray, readable digits after ~3,000 steps of 64 (minutes on a CPU).
    "mnist": {"image_size": 28, "batch_size": 64, "kimg": 200, "latent_dim": 100},
    # CIFAR-10: colour and varied; GANs need far more images to make recognisable things.
    "cifar10": {"image_size": 32, "batch_size": 64, "kimg": 2_000, "latent_dim": 128},
    # Your own images (a folder, a dataset built from a video, an .npz file). image_size None:
    # an .npz keeps its own size, a folder is cropped and resized to 64 x 64.
    "custom": {"image_size": None, "batch_size": 32, "kimg": 500, "latent_dim": 128},
}

MODEL_DEFAULTS = {
    "loss": "bce",
    "label_smoothing": 0.0,
    "instance_noise": 0.0,
    "instance_noise_steps": 10_000,
    "discriminator_steps": 1,
    "gradient_penalty_weight": 10.0,
    "upsampling": "transpose",
    "generator_filters": 64,
    "discriminator_filters": 64,
    "spectral_norm": False,
    "learning_rate": 2e-4,
    "beta_1": 0.5,
    "epochs": None,  # None: as many as `kimg` takes
    # Differentiable augmentation (kerasgan/augment.py): none by default. "flip,translation,
    # color,cutout" helps most with a few hundred or thousand images.
    "augment": None,
    "augment_p": None,  # a number (default 1: always) or "ada" (adapted while training)
    "ada_target": 0.6,
    # Off by default: over a short run the average trails far behind the generator, and a
    # student should first see what the trained generator itself draws. 0.999 for long runs.
    "ema_decay": 0.0,
    # Fine-tuning: start from another run's weights (kerasgan/training/fine_tune.py).
    "resume_from": None,
    "freeze_discriminator_layers": 0,
}

# Options added after runs already existed, with the value those runs had in effect:
# a run folder whose training_options.json lacks them still resumes.
NEWER_OPTIONS = {
    key: MODEL_DEFAULTS[key]
    for key in (
        "augment", "augment_p", "ada_target", "ema_decay", "resume_from",
        "freeze_discriminator_layers",
    )
}  # fmt: skip


def dataset_kind(dataset):
    """'mnist', 'cifar10' or 'custom' for a dataset name or path."""
    name = str(dataset).lower()
    return name if name in ("mnist", "cifar10") else "custom"


def epochs_for(options, num_examples):
    """`options["epochs"]` if given, else the whole epochs it takes to show `kimg` thousand images."""
    if options.get("epochs"):
        return int(options["epochs"])
    return max(1, -(-int(options["kimg"]) * 1000 // int(num_examples)))


def defaults_for(dataset):
    """The defaults for `dataset`: its row of DATASET_DEFAULTS plus MODEL_DEFAULTS."""
    return {**MODEL_DEFAULTS, **DATASET_DEFAULTS[dataset_kind(dataset)]}
