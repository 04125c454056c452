"""The kerasgan layers that travel inside saved generators.

A generator snapshot (`generator-000010.keras`) is a plain Keras model, but two of
kerasgan's generators carry one layer of their own, whose config records what a
user of the snapshot needs to know:

- `ClassLabels` (the conditional GAN): the class names, so label 3 means "cat";
- `InputModeTag` (pix2pix): how an input picture is made from a frame (edges, ...);

and CycleGAN's ResNet generator uses `ReflectionPadding2D`, which Keras does not have.

Loading a snapshot only needs these classes registered with Keras, so this module
is all `kerasgan.sampling.load_snapshot` imports: no model, trainer or data code.
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
