"""Per-dataset defaults, in one table, so every command and example starts from the same place.

A dataset's row gives the options a user does not pass; the defaults of all the other
options are fields of the options dataclasses (`kerasgan/training/options.py`, and each
model's in `kerasgan/training/recipes/`). Everything here can be overridden on the
command line (`--epochs 20`) or in `train(epochs=20)`.

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

def dataset_kind(dataset):
    """'mnist', 'cifar10' or 'custom' for a dataset name or path."""
    name = str(dataset).lower()
    return name if name in ("mnist", "cifar10") else "custom"


def epochs_for(options, num_examples):
    """`options.epochs` if given, else the whole epochs it takes to show `options.kimg` thousand images."""
    if options.epochs:
        return int(options.epochs)
    return max(1, -(-int(options.kimg) * 1000 // int(num_examples)))
