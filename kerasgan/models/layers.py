"""The kerasgan layers that travel inside saved generators.

A generator snapshot (`generator-000010.keras`) is a plain Keras model, but it
carries layers of its own whose config records what a user of the snapshot needs
to know:

- `FamilyRecord` (every snapshot a run folder holds): the model family that made it
  ("dcgan", "stylegan2", ...), so `kerasgan.snapshots` knows what can be done with it
  without guessing;
- `ClassLabels` (the conditional GAN): the class names, so label 3 means "cat";
- `InputModeTag` (pix2pix): how an input picture is made from a frame (edges, ...);

and CycleGAN's ResNet generator uses `ReflectionPadding2D`, which Keras does not have.

Loading a snapshot only needs these classes registered with Keras, so this module
is what `kerasgan.snapshots.load_snapshot` imports (with the StyleGAN2 networks): no model, trainer or data code.
"""

import keras
import tensorflow as tf
from keras import ops


@keras.saving.register_keras_serializable(package="kerasgan")
class ClassLabels(keras.layers.Layer):
    """Checks integer class labels and carries the class names inside a saved model.

    It passes labels through unchanged (as int32). Its two jobs: a label outside
    0..num_classes-1 is an error that says so (on a GPU an Embedding would silently
    return zeros for it), and the class names travel in the layer's config, so a
    generator snapshot knows that its label 3 means "cat".

    Args:
        class_names: one name per class, in label order.

    Example:

    ```python
    generator = keras.models.load_model("generator-000010.keras")
    print(generator.get_layer("class_labels").class_names)  # ('airplane', ...)
    ```
    """

    def __init__(self, class_names, **kwargs):
        super().__init__(**kwargs)
        self.class_names = tuple(str(name) for name in class_names)

    def call(self, labels):
        labels = ops.cast(labels, "int32")
        # Under XLA (jit_compile) these checks are skipped; everywhere else they fail loudly.
        message = f"class labels must be whole numbers from 0 to {len(self.class_names) - 1}"
        tf.debugging.assert_non_negative(labels, message=message)
        tf.debugging.assert_less(labels, len(self.class_names), message=message)
        return labels

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "class_names": list(self.class_names)}


@keras.saving.register_keras_serializable(package="kerasgan")
class InputModeTag(keras.layers.Layer):
    """Passes images through unchanged; its config records how they were made.

    The generator's first layer. It changes nothing in the computation, but a saved
    generator carries its `input_mode` in its config, so whoever loads the .keras file
    (`kerasgan live`, an export) knows how to make its input from a frame.

    Args:
        input_mode: an `InputMode.to_config()` dict, such as
            `{"name": "edges", "edge_thresholds": [100, 200], ...}`.

    Example:

    ```python
    generator = keras.models.load_model("generator-000010.keras")
    print(generator.get_layer("input_mode").input_mode["name"])  # "edges"
    ```
    """

    def __init__(self, input_mode=None, **kwargs):
        super().__init__(**kwargs)
        self.input_mode = dict(input_mode) if input_mode else None

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config["input_mode"] = self.input_mode
        return config


@keras.saving.register_keras_serializable(package="kerasgan")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads images by mirroring their border pixels (the edge itself is not repeated).

    Zero padding puts a dark frame around every feature map, and a generator learns to
    draw it; mirrored borders look like more of the picture (CycleGAN pads this way).

    Args:
        padding: pixels added on each side.

    Example:

    ```python
    padded = ReflectionPadding2D(3)(images)  # (batch, height + 6, width + 6, channels)
    ```
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = int(padding)

    def call(self, images):
        p = self.padding
        return tf.pad(images, [[0, 0], [p, p], [p, p], [0, 0]], mode="REFLECT")

    def compute_output_shape(self, input_shape):
        grow = lambda side: None if side is None else side + 2 * self.padding
        return (input_shape[0], grow(input_shape[1]), grow(input_shape[2]), input_shape[3])

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


def generator_input_mode(generator):
    """The input mode config a generator was trained with (a dict), or None if it has none."""
    try:
        return generator.get_layer("input_mode").input_mode
    except ValueError:
        return None


@keras.saving.register_keras_serializable(package="kerasgan")
class FamilyRecord(keras.layers.Layer):
    """Passes a generator's output through unchanged; its config records the model family.

    The last layer of every snapshot a run folder holds (`with_family_record` adds it when
    the snapshot is written). It changes nothing in the computation; whoever loads the
    .keras file reads `family` ("dcgan", "cgan", "pix2pix", "cyclegan", "stylegan2", ...)
    to know what can be done with it, instead of guessing from names or shapes.

    Args:
        family: the family's name, as in the recipe table (`kerasgan train FAMILY`).

    Example:

    ```python
    generator = keras.models.load_model("generator-000010.keras")
    print(generator.get_layer("family").family)  # "dcgan"
    ```
    """

    def __init__(self, family, **kwargs):
        super().__init__(**kwargs)
        self.family = str(family)

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "family": self.family}


def with_family_record(generator, family):
    """`generator` with a `FamilyRecord` on its output: the same layers and weights, one more layer.

    A generator that already records `family` is returned as it is. The record keeps the
    output's dtype, so a mixed precision generator still returns what it returned.
    """
    if recorded_family(generator) == family:
        return generator
    output = generator.outputs[0]
    record = FamilyRecord(family, name="family", dtype=output.dtype)
    return keras.Model(generator.input, record(output), name=generator.name)


def recorded_family(model):
    """The family a model's `FamilyRecord` names, or None for a model without one."""
    for layer in getattr(model, "layers", []):
        if isinstance(layer, FamilyRecord):
            return layer.family
    return None
