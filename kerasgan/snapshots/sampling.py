"""Sampling a saved generator: load a snapshot, turn seeds into latents, walk between them.

A snapshot (`generator-000010.keras`) is a plain Keras model, so
`keras.models.load_model` is all it takes to use one; this module adds the
checks and conveniences the `kerasgan generate` command needs.

A conditional generator (`kerasgan train cgan`) takes `[z, label]`. Its class
names travel inside the snapshot (the "class_labels" layer), so `--class cat`
works without the dataset, and its label embedding is a layer of its own, so two
classes can be morphed into each other at a fixed z.
"""

import difflib

from pathlib import Path

import numpy as np


def load_snapshot(path, hint="a generator-*.keras file from a run folder"):
    """Loads any kerasgan `.keras` snapshot, with one sentence for a missing or unreadable file.

    Args:
        path: the file.
        hint: what to pass instead, for the message when the file is missing.

    Returns:
        The `keras.Model`, uncompiled; the caller checks that it is the kind it wants.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"There is no snapshot at {path}: pass {hint}.")
    if path.is_dir():
        raise ValueError(f"{path} is a folder, not a .keras snapshot: pass a generator-*.keras file.")
    if path.suffix != ".keras":
        raise ValueError(f"{path} is not a .keras snapshot: pass a generator-*.keras file.")
    import keras

    from kerasgan import snapshots

    damage = _zip_damage(path)
    if damage:
        raise ValueError(
            f"{path} is damaged ({damage}): a .keras file is a zip archive, and this one was cut "
            "short, changed after it was saved, or is another kind of file; pick another snapshot "
            "from the run folder, or save the model again."
        )
    # Every family's layers (class labels, input modes, StyleGAN2's networks), and nothing
    # more: loading a generator needs no trainer or data code.
    snapshots.register_layers()
    try:
        return keras.models.load_model(path, compile=False)
    except Exception as error:  # a foreign model, a class kerasgan does not know
        raise ValueError(f"Could not load {path} as a Keras model ({error}).") from error


def _zip_damage(path):
    """Why `path` is not a whole zip archive (every member's CRC-32 checked), or None.

    Keras says "File not found" for a file that exists but is not a zip, which
    sends a user looking for the wrong problem.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()
    except zipfile.BadZipFile as error:
        return f"not a zip archive: {error}"
    except (OSError, EOFError, ValueError, RuntimeError) as error:
        return f"{type(error).__name__}: {error}"
    if broken is not None:
        return f"its member {broken} fails its CRC-32 check"
    return None


def load_generator(path):
    """Loads a generator snapshot, with a clear sentence for anything that is not one.

    Returns:
        The `keras.Model`. `generator_latent_dim(model)` gives its latent size.
    """
    return check_generator(load_snapshot(path), path)


def check_generator(model, path):
    """`model` if it is a generator (see `is_generator`), else one sentence saying what it maps."""
    if not is_generator(model):
        raise ValueError(
            f"{path} is not a generator: it maps {_describe_shapes(model.inputs)} to "
            f"{_describe_shapes(model.outputs)}, but a generator maps a latent vector (and, for "
            "a conditional GAN, a label) to images. Pass a generator-*.keras snapshot."
        )
    return model


def is_generator(model):
    """True for a model from (batch, latent_dim) [+ labels (batch,)] to (batch, H, W, 1 or 3)."""
    inputs = getattr(model, "inputs", None)
    outputs = getattr(model, "outputs", None)
    if not inputs or not outputs or len(outputs) != 1 or len(inputs) > 2:
        return False
    if len(inputs) == 2 and len(inputs[1].shape) != 1:
        return False  # a conditional generator's second input is one integer label per image
    image_shape = outputs[0].shape
    return len(inputs[0].shape) == 2 and len(image_shape) == 4 and image_shape[-1] in (1, 3)


def is_image_translator(model):
    """True for a model from one square image batch to a square RGB or grey image batch."""
    inputs, outputs = getattr(model, "inputs", None), getattr(model, "outputs", None)
    if not inputs or not outputs or len(inputs) != 1 or len(outputs) != 1:
        return False
    input_shape, output_shape = tuple(inputs[0].shape), tuple(outputs[0].shape)
    return (
        len(input_shape) == 4
        and len(output_shape) == 4
        and input_shape[1:3] == output_shape[1:3]
        and input_shape[1] is not None
        and output_shape[-1] in (1, 3)
    )


def not_a_generator(model):
    """Why `model` is no generator, in one clause: what it maps, and what to pass instead."""
    return (
        f"it maps {_describe_shapes(getattr(model, 'inputs', None))} to "
        f"{_describe_shapes(getattr(model, 'outputs', None))}, but a generator maps a latent "
        "vector (and a label) or an image to images. Pass a generator-*.keras snapshot from a "
        "run folder."
    )


def is_conditional(model):
    """True for a generator that takes `[z, label]`."""
    return len(model.inputs) == 2


def _describe_shapes(tensors):
    return " and ".join(str(tuple(t.shape)) for t in tensors) if tensors else "nothing"


def generator_latent_dim(model):
    return int(model.inputs[0].shape[-1])


def generator_class_names(model):
    """The class names a conditional generator was trained with, e.g. ["airplane", ...].

    kerasgan's conditional generators keep them in their "class_labels" layer; for
    another `[z, label]` generator the names are the label numbers "0", "1", ...
    read from the size of its "label_embedding" layer.
    """
    layer_names = [layer.name for layer in model.layers]
    if "class_labels" in layer_names:
        return list(model.get_layer("class_labels").class_names)
    if "label_embedding" in layer_names:
        return [str(index) for index in range(model.get_layer("label_embedding").input_dim)]
    raise ValueError(
        f"{model.name} takes labels but does not say how many classes it knows: it has no "
        "'class_labels' or 'label_embedding' layer. Use a snapshot of a kerasgan conditional GAN."
    )


def class_index(choice, class_names):
    """The label of a class given by name ("cat") or by number ("3"); a clear error otherwise.

    A name wins over a number, so a folder dataset with subfolders called "10" and "20"
    is asked for by those names. Names are matched without regard to case.
    """
    text = str(choice).strip()
    by_name = {name.lower(): index for index, name in enumerate(class_names)}
    if text.lower() in by_name:
        return by_name[text.lower()]
    listing = ", ".join(f"{index} {name}" for index, name in enumerate(class_names))
    if text.lstrip("-").isdigit():
        number = int(text)
        if 0 <= number < len(class_names):
            return number
        raise ValueError(
            f"Class {number} is outside this generator's labels 0 to {len(class_names) - 1}: "
            f"choose one of {listing}."
        )
    message = f"Unknown class {text!r}: choose one of {listing}."
    close = difflib.get_close_matches(text.lower(), list(by_name), n=1, cutoff=0.6)
    if close:
        message += f" Did you mean {class_names[by_name[close[0]]]!r}?"
    raise ValueError(message)


def class_grid_inputs(latents, num_classes):
    """Inputs for a class grid: every latent vector once per class, row by row.

    Returns:
        `(latents, labels)`: (num_classes * K, latent_dim) float32 and (num_classes * K,)
        int32, where row k of the grid is class k drawn from the same K latent vectors.
    """
    latents = np.asarray(latents, dtype="float32")
    labels = np.repeat(np.arange(num_classes, dtype="int32"), len(latents))
    return np.tile(latents, (num_classes, 1)), labels


def class_morph(generator, start_class, end_class, latents, steps_between):
    """Images that morph from one class into another and back, at fixed latent vectors.

    The walk goes through the generator's label embedding: halfway between "3" and
    "8" the generator sees the average of their two learned vectors, a label that
    no training image ever had.

    Args:
        generator: a kerasgan conditional generator (layers "label_embedding" and "synthesis").
        start_class, end_class: the two labels (integers).
        latents: (K, latent_dim) latent vectors, one per image of each frame.
        steps_between: frames from one class to the other.

    Returns:
        float32 images (2 * steps_between, K, H, W, C) in [-1, 1]: frame by frame, the K images.
    """
    layer_names = [layer.name for layer in generator.layers]
    if "label_embedding" not in layer_names or "synthesis" not in layer_names:
        raise ValueError(
            f"{generator.name} has no 'label_embedding' and 'synthesis' layers to morph classes "
            "through: use a generator snapshot from kerasgan train cgan."
        )
    embeddings = np.asarray(generator.get_layer("label_embedding").embeddings)
    keyframes = embeddings[[start_class, end_class]]
    # Embeddings are learned, not Gaussian samples: a straight line (lerp) is the natural path.
    path = walk(keyframes, steps_between, method="lerp", loop=True)
    latents = np.asarray(latents, dtype="float32")
    frames, count = len(path), len(latents)
    joined = np.concatenate(
        [np.tile(latents, (frames, 1)), np.repeat(path, count, axis=0)], axis=1
    ).astype("float32")
    generated = generator.get_layer("synthesis").predict(joined, batch_size=64, verbose=0)
    return generated.reshape((frames, count) + generated.shape[1:])


def latents_for_seeds(seeds, latent_dim):
    """One standard normal latent vector per seed; the same seed always gives the same vector."""
    return np.stack(
        [np.random.default_rng(int(seed)).standard_normal(latent_dim) for seed in seeds]
    ).astype("float32")


def load_latents(path, latent_dim):
    """Latent vectors saved with `np.save` (by `kerasgan project`, say), as (N, latent_dim).

    A file holds one vector (latent_dim,) or several (N, latent_dim); each is a keyframe.
    """
    latents = read_npy(path, "latent")
    if latents.ndim == 1:
        latents = latents[np.newaxis]
    if latents.ndim != 2 or latents.shape[1] != latent_dim or len(latents) == 0:
        raise ValueError(
            f"{path} holds an array shaped {latents.shape}, but this generator takes latent "
            f"vectors of length {latent_dim}: save one ({latent_dim},) or (N, {latent_dim}) array."
        )
    return latents


def read_npy(path, what):
    """A float32 array saved with `np.save`, with one sentence for a missing or unreadable file.

    `what` names the file in the message: "latent" (kerasgan project's latent.npy),
    "projected w" (its projected_w.npy for a StyleGAN2 snapshot).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"There is no {what} file at {path}: pass a .npy file.")
    try:
        # allow_pickle=False: a .npy from someone else must not run code when it is opened.
        values = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise ValueError(f"Could not read {path} as a NumPy .npy array ({error}).") from error
    if not isinstance(values, np.ndarray) or not np.issubdtype(values.dtype, np.number):
        raise ValueError(f"{path} does not hold one array of numbers: save it with np.save.")
    return np.asarray(values, dtype="float32")


def latent_batch(count, latent_dim, seed=0):
    """`count` latent vectors from one seed."""
    return np.random.default_rng(seed).standard_normal((count, latent_dim)).astype("float32")


def slerp(start, end, fractions):
    """Spherical interpolation: stays at the typical length of Gaussian vectors.

    A straight line between two Gaussian samples passes close to the origin,
    where latent vectors are unusually short and images look washed out.
    """
    start, end = np.asarray(start, "float64"), np.asarray(end, "float64")
    cosine = np.dot(start, end) / (np.linalg.norm(start) * np.linalg.norm(end))
    angle = np.arccos(np.clip(cosine, -1.0, 1.0))
    fractions = np.asarray(fractions, "float64")[:, np.newaxis]
    if angle < 1e-6:
        return ((1 - fractions) * start + fractions * end).astype("float32")
    return (
        (np.sin((1 - fractions) * angle) * start + np.sin(fractions * angle) * end) / np.sin(angle)
    ).astype("float32")


def lerp(start, end, fractions):
    fractions = np.asarray(fractions, "float32")[:, np.newaxis]
    return (1 - fractions) * np.asarray(start, "float32") + fractions * np.asarray(end, "float32")


def walk(keyframes, steps_between, method="slerp", loop=True):
    """Latent vectors moving through `keyframes` (K, latent_dim), `steps_between` per leg.

    With `loop=True` the walk returns to the first keyframe and stops one step short
    of it, so a GIF that repeats never shows the same frame twice: K * steps_between
    frames. With `loop=False` it ends on the last keyframe: (K - 1) * steps_between + 1.
    """
    if len(keyframes) < 2:
        raise ValueError(
            "An interpolation needs at least two keyframes: e.g. --seeds 0-3, or two --latents "
            "(or, for StyleGAN2, --projected-w) files."
        )
    if method not in ("slerp", "lerp"):
        raise ValueError(f"method must be 'slerp' or 'lerp'; got {method!r}.")
    interpolate = slerp if method == "slerp" else lerp
    stops = list(keyframes) + ([keyframes[0]] if loop else [])
    fractions = np.arange(steps_between) / steps_between
    legs = [interpolate(a, b, fractions) for a, b in zip(stops[:-1], stops[1:])]
    if not loop:
        legs.append(np.asarray(stops[-1], "float32")[np.newaxis])
    return np.concatenate(legs).astype("float32")


# More seeds than this is a typo (0-4000000000 ran out of memory before a word was said).
MAX_SEEDS = 100_000


def parse_seeds(text, what="seeds"):
    """'0-3,7' -> [0, 1, 2, 3, 7]; `what` names the numbers in the message (seeds, styles).

    Counted before a list is made: at most MAX_SEEDS numbers.
    """
    seeds = []
    for part in str(text).split(","):
        part = part.strip()
        try:
            if "-" in part:
                first, last = (int(v) for v in part.split("-", 1))
                if last < first:
                    raise ValueError
                if len(seeds) + last - first + 1 > MAX_SEEDS:
                    raise OverflowError
                seeds.extend(range(first, last + 1))
            elif part:
                seeds.append(int(part))
        except OverflowError:
            raise ValueError(
                f"{text!r} asks for more than {MAX_SEEDS:,} {what}: give a smaller range, such as "
                "0-999, and run the command again for the next."
            ) from None
        except ValueError:
            raise ValueError(
                f"Cannot read {what} {text!r}: write numbers and ranges such as 0-15 or 1,5,9."
            ) from None
    if not seeds:
        raise ValueError(f"No {what} in {text!r}: write numbers and ranges such as 0-15 or 1,5,9.")
    return seeds
