"""BigGAN from TF Hub in TF2: sample ImageNet classes by name, blend them, walk between them.

DeepMind published the BigGAN generators on TF Hub in the TF1 Hub format, and
their official notebook loads them with `hub.Module`, which tensorflow-hub 0.16
removed. In TF2 the same modules load with `hub.load` and are called through
their "default" signature, with keyword arguments only:

```python
module = hub.load("https://tfhub.dev/deepmind/biggan-deep-256/1")
images = module.signatures["default"](y=y, z=z, truncation=truncation)["default"]
```

- `y` float32 [N, 1000]: the class vector, one-hot for one ImageNet class,
  or any mix of classes (a blend);
- `z` float32 [N, latent_dim]: the noise, 128 numbers for BigGAN-deep, 140 or
  120 for the original BigGAN (read from the signature, never assumed);
- `truncation` float32 scalar in (0, 1]: the truncation trick. z is drawn from
  a normal distribution cut at +-2 and scaled by `truncation`; small values give
  typical, clean images of the class, values near 1 more varied and stranger ones
  (Brock et al., "Large Scale GAN Training for High Fidelity Natural Image
  Synthesis", https://arxiv.org/abs/1809.11096, section 3.1);
- output "default" float32 [N, R, R, 3] in [-1, 1], which we turn into uint8.

`hub.KerasLayer` is a tf_keras (Keras 2) layer and cannot go into a Keras 3
model, so `BigGAN` is a plain Python class around the signature. Where the
module comes from (a preset, a handle, a folder; the download and its cache) is
`kerasgan.hub.tfhub`.
"""

import math
import numbers

import numpy as np
import tensorflow as tf

from kerasgan.snapshots import sampling
from kerasgan.hub import imagenet_classes
from kerasgan.hub.tfhub import load_module, model_handle
from kerasgan.images import to_uint8

DEFAULT_MODEL = "biggan-deep-256"
DEFAULT_TRUNCATION = 0.4

INTERPOLATION_SPACES = ("z", "class", "both")
INTERPOLATION_METHODS = ("lerp", "slerp")


def check_truncation(truncation):
    """Returns `truncation` as a float if it is in (0, 1]; raises ValueError otherwise.

    The DeepMind model cards suggest 0.02 as the lowest useful value.
    """
    if isinstance(truncation, bool) or not isinstance(truncation, numbers.Real):
        raise ValueError(f"truncation must be a number in (0, 1], not {truncation!r}.")
    if not 0.0 < truncation <= 1.0:
        raise ValueError(
            f"truncation must be in (0, 1] (got {truncation}): small values such as 0.2 give "
            "typical images of the class, values near 1 more varied ones; 0.4 is a good start."
        )
    return float(truncation)


def truncated_noise(num, latent_dim, truncation=DEFAULT_TRUNCATION, seed=None):
    """BigGAN's z: a normal sample cut at +-2, times `truncation`; float32 (num, latent_dim).

    Values outside [-2, 2] are drawn again until none is left, which gives exactly
    the truncated normal distribution `scipy.stats.truncnorm(-2, 2)` would, without
    needing SciPy. The same `seed` always gives the same noise.
    """
    truncation = check_truncation(truncation)
    random = np.random.default_rng(seed)
    values = random.standard_normal((num, latent_dim))
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = random.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return (truncation * values).astype(np.float32)


class BigGAN:
    """A pretrained BigGAN generator from TF Hub, sampled by ImageNet class name.

    The model is one of the six DeepMind presets (`kerasgan.hub.PRESETS`), any TF Hub or
    Kaggle handle with BigGAN's signature, or a local folder holding such a
    module (TF1 Hub format or TF2 SavedModel). A preset is downloaded once into
    the TF Hub cache (`TFHUB_CACHE_DIR`); later runs load it from there offline.
    The latent size, the image resolution and the number of classes are read
    from the module's signature.

    Classes are given by name ("golden retriever"), synonym ("rooster"), part
    of a name ("retriev") or id (207); see `kerasgan.hub.imagenet_classes`.
    Every method returns uint8 images (N, R, R, 3), ready for
    `kerasgan.images.save_grid` or `save_animation`.

    Args:
        model: a preset name (default "biggan-deep-256"), a handle URL, or a folder.
        batch_size: images per call of the generator; lower it if memory runs out.

    Example:

    ```python
    from kerasgan.hub import BigGAN
    from kerasgan.images import save_grid, save_animation

    biggan = BigGAN("biggan-deep-256")
    images = biggan.sample(["golden retriever", "hen"], num=8, truncation=0.4, seed=0)
    save_grid("grid.png", images, columns=8)
    save_grid("blend.png", biggan.blend({"African elephant": 0.6, "pickup truck": 2.0}))
    save_animation("walk.gif", biggan.interpolate("golden retriever", "hen", steps=16))
    ```
    """

    def __init__(self, model=DEFAULT_MODEL, batch_size=8):
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive whole number, not {batch_size!r}.")
        self.model = str(model)
        self.batch_size = batch_size
        self.handle = model_handle(self.model)
        module = load_module(self.model, self.handle)
        self._module = module  # the signature needs its module (and variables) alive
        self._signature = _default_signature(module, self.handle)
        _, inputs = self._signature.structured_input_signature
        self.latent_dim = inputs["z"].shape[-1]
        self.num_classes = inputs["y"].shape[-1]
        if self.latent_dim is None or self.num_classes is None:
            raise ValueError(
                f"The module at {self.handle} does not say the size of its z or y input; "
                "BigGAN modules declare z as [None, latent_dim] and y as [None, num_classes]."
            )
        self.resolution = self._signature.structured_outputs["default"].shape[1]
        if self.resolution is None:
            # The signature leaves the size open: ask the generator for one image.
            self.resolution = self.generate(
                np.zeros((1, self.num_classes)), np.zeros((1, self.latent_dim))
            ).shape[1]

    def __repr__(self):
        return (
            f"BigGAN({self.model!r}: {self.resolution}x{self.resolution} images, "
            f"z of {self.latent_dim}, {self.num_classes} classes)"
        )

    def find_class(self, name):
        """The class id of a name, synonym, part of a name or id ("hen" -> 8)."""
        return imagenet_classes.find_class(name, self.num_classes)

    def class_vector(self, classes):
        """The y input for one class (one-hot) or a blend {class: weight} (a weighted sum).

        A blend is a point between (or beyond) classes: BigGAN embeds y with a
        linear layer, so 0.6 * elephant + 2.0 * truck mixes the two embeddings.
        Weights may be any finite numbers, negative or above 1.
        """
        vector = np.zeros(self.num_classes, dtype=np.float32)
        if isinstance(classes, dict):
            if not classes:
                raise ValueError(
                    "A blend needs at least one class, e.g. {'hen': 0.5, 'tusker': 1}."
                )
            for name, weight in classes.items():
                if isinstance(weight, bool) or not isinstance(weight, numbers.Real):
                    raise ValueError(f"The weight of {name!r} must be a number, not {weight!r}.")
                if not math.isfinite(weight):
                    raise ValueError(f"The weight of {name!r} must be finite, not {weight}.")
                vector[self.find_class(name)] += weight
        else:
            vector[self.find_class(classes)] = 1.0
        return vector

    def generate(self, class_vectors, noise, truncation=DEFAULT_TRUNCATION):
        """Runs the generator on explicit inputs; returns uint8 images (N, R, R, 3).

        Args:
            class_vectors: (N, num_classes) y vectors (see `class_vector`).
            noise: (N, latent_dim) z vectors, already scaled by the truncation
                (see `truncated_noise`).
            truncation: the same truncation the noise was scaled with.
        """
        truncation = check_truncation(truncation)
        class_vectors = np.asarray(class_vectors, dtype=np.float32)
        noise = np.asarray(noise, dtype=np.float32)
        if class_vectors.ndim != 2 or class_vectors.shape[1] != self.num_classes:
            raise ValueError(
                f"class_vectors must be shaped (N, {self.num_classes}); got {class_vectors.shape}."
            )
        if noise.shape != (len(class_vectors), self.latent_dim):
            raise ValueError(
                f"noise must be shaped ({len(class_vectors)}, {self.latent_dim}) to match "
                f"{len(class_vectors)} class vectors; got {noise.shape}."
            )
        batches = []
        for start in range(0, len(noise), self.batch_size):
            outputs = self._signature(
                y=tf.constant(class_vectors[start : start + self.batch_size]),
                z=tf.constant(noise[start : start + self.batch_size]),
                truncation=tf.constant(truncation, dtype=tf.float32),
            )
            batches.append(to_uint8(outputs["default"].numpy()))
        return np.concatenate(batches, axis=0)

    def sample(self, classes, num=8, truncation=DEFAULT_TRUNCATION, seed=None):
        """`num` images of each class; returns uint8 (len(classes) * num, R, R, 3).

        Images come class by class. Every class gets the same `num` noise vectors,
        so column j of a grid with `columns=num` shows what each class makes of
        the same z. The same `seed` always gives the same images.

        Args:
            classes: one class (name or id) or a list of them.
            num: images per class.
            truncation: in (0, 1]; lower is more typical, higher more varied.
            seed: an integer for repeatable noise; None for fresh noise.
        """
        class_list = [classes] if isinstance(classes, (str, numbers.Integral)) else list(classes)
        if not class_list:
            raise ValueError("sample needs at least one class, e.g. sample('hen').")
        _check_count(num, "num")
        class_vectors = np.stack([self.class_vector(name) for name in class_list])
        noise = truncated_noise(num, self.latent_dim, truncation, seed)
        return self.generate(
            np.repeat(class_vectors, num, axis=0), np.tile(noise, (len(class_list), 1)), truncation
        )

    def blend(self, weights, num=8, truncation=DEFAULT_TRUNCATION, seed=None):
        """`num` images of a blend of classes; returns uint8 (num, R, R, 3).

        Args:
            weights: {class: weight}, e.g. {"African elephant": 0.6, "pickup truck": 2.0};
                the class vector is the weighted sum of the classes' one-hot vectors.
            num, truncation, seed: as in `sample`.
        """
        _check_count(num, "num")
        class_vector = self.class_vector(dict(weights))
        noise = truncated_noise(num, self.latent_dim, truncation, seed)
        return self.generate(np.tile(class_vector, (num, 1)), noise, truncation)

    def interpolate(
        self,
        start,
        end=None,
        steps=16,
        space="both",
        method="lerp",
        truncation=DEFAULT_TRUNCATION,
        seed=None,
    ):
        """A walk of `steps` frames from `start` to `end`; returns uint8 (steps, R, R, 3).

        Each end is a class (or a blend dict) with its own noise vector drawn from
        `seed`. `space` says what moves:

        - "both": the class and the noise move together (the TF Hub notebook's walk);
        - "class": one noise vector, the class morphs from `start` to `end`;
        - "z": one class (`start`; leave `end` out), the noise moves.

        Args:
            start, end: classes or blend dicts; `end` is left out for `space="z"`.
            steps: frames, both ends included (at least 2).
            space: "both", "class" or "z".
            method: "lerp" (straight line) or "slerp" (along the sphere; see
                `kerasgan.snapshots.sampling.slerp`).
            truncation, seed: as in `sample`.
        """
        if space not in INTERPOLATION_SPACES:
            raise ValueError(
                f"space must be one of {', '.join(INTERPOLATION_SPACES)}, not {space!r}."
            )
        if method not in INTERPOLATION_METHODS:
            raise ValueError(f"method must be 'lerp' or 'slerp', not {method!r}.")
        _check_count(steps, "steps", minimum=2)
        start_vector = self.class_vector(start)
        end_vector = start_vector if end is None else self.class_vector(end)
        if space == "class" and end is None:
            raise ValueError("space='class' morphs one class into another: give the end class too.")
        if space == "z" and not np.array_equal(start_vector, end_vector):
            raise ValueError(
                "space='z' keeps the class fixed and moves only the noise: leave the end class out, "
                "or use space='both' or 'class' to move between two classes."
            )
        start_noise, end_noise = truncated_noise(2, self.latent_dim, truncation, seed)
        fractions = np.linspace(0.0, 1.0, steps)
        # What stays still is repeated; what moves goes from its start value to its end value.
        if space == "z":
            class_vectors = np.tile(start_vector, (steps, 1))
        else:
            class_vectors = _walk(start_vector, end_vector, fractions, method)
        if space == "class":
            noise = np.tile(start_noise, (steps, 1))
        else:
            noise = _walk(start_noise, end_noise, fractions, method)
        return self.generate(class_vectors, noise, truncation)


def _walk(start, end, fractions, method):
    """The points at `fractions` of the way from `start` to `end`: one row per fraction.

    The same lerp and slerp as `kerasgan generate --interpolate` (`kerasgan.snapshots.sampling`).
    Slerp follows the great circle through the two vectors, and a blend can have
    none: the zero vector ({"hen": 0}), or a blend and its opposite ({"hen": 1} to
    {"hen": -1}), which point exactly away from each other. Those walks take the
    straight line.
    """
    lengths = np.linalg.norm(start) * np.linalg.norm(end)
    if method == "slerp" and lengths > 0 and np.dot(start, end) / lengths > -1.0 + 1e-12:
        return sampling.slerp(start, end, fractions)
    return sampling.lerp(start, end, fractions)


def _default_signature(module, handle):
    signatures = getattr(module, "signatures", {})
    if "default" not in signatures:
        found = ", ".join(sorted(signatures)) or "none"
        raise ValueError(
            f"The module at {handle} has no 'default' signature (found: {found}); BigGAN "
            "modules are called as signatures['default'](y=..., z=..., truncation=...)."
        )
    signature = signatures["default"]
    _, inputs = signature.structured_input_signature
    missing = {"y", "z", "truncation"} - set(inputs)
    outputs = signature.structured_outputs
    if missing or "default" not in outputs:
        raise ValueError(
            f"The module at {handle} is not a BigGAN generator: its default signature takes "
            f"{sorted(inputs)} and returns {sorted(outputs)}, where BigGAN takes "
            "['truncation', 'y', 'z'] and returns ['default']."
        )
    return signature


def _check_count(value, name, minimum=1):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, not {value!r}.")
