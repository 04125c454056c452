"""Tiny stand-ins for the DeepMind BigGAN modules on TF Hub, built offline in a test folder.

The real modules cannot be downloaded here, so the tests build modules with the
same signature and load them through the same `hub.load` code the real ones go
through. Both formats are covered:

- `build_tf1_hub_module`: the legacy TF1 Hub format the DeepMind BigGAN modules
  are published in: a TF1 SavedModel (one graph, empty tag set) plus the
  `tfhub_module.pb` marker that makes `hub.load` treat it as a TF1 Hub module.
- `build_tf2_saved_model`: a plain TF2 SavedModel with a "default" signature.

The signature is BigGAN's: inputs `y` float32 [None, num_classes] (one-hot or
any class vector), `z` float32 [None, latent_dim], `truncation` float32 scalar;
output "default" float32 [None, R, R, 3] in [-1, 1].

The "generator" is a fixed random linear map from (y, z) to a 4x4 colour
pattern, resized to R x R and squashed with tanh: different classes and
different z give different images, the same inputs the same images.
"""

import numpy as np
import tensorflow as tf

# tfhub_module.pb holds a ModuleDef proto; `hub.load` only checks that it exists. These two
# bytes are the serialized `ModuleDef(format=FORMAT_V3)` the real TF1 Hub modules carry.
MODULE_DEF_FORMAT_V3 = b"\x08\x03"


def _weights(num_classes, latent_dim, seed=0):
    random = np.random.default_rng(seed)
    class_weights = random.normal(0.0, 1.0, (num_classes, 4 * 4 * 3)).astype(np.float32)
    noise_weights = random.normal(0.0, 0.15, (latent_dim, 4 * 4 * 3)).astype(np.float32)
    return class_weights, noise_weights


def _generate(y, z, truncation, class_weights, noise_weights, resolution):
    pattern = tf.matmul(y, class_weights) + tf.matmul(z, noise_weights)
    # Truncation changes the output a little, as it does in the real model.
    pattern = tf.reshape(pattern * (0.5 + 0.5 * truncation), [-1, 4, 4, 3])
    return tf.tanh(tf.image.resize(pattern, [resolution, resolution], method="bilinear"))


def build_tf1_hub_module(path, latent_dim=128, resolution=16, num_classes=1000, seed=0):
    """Writes a TF1 Hub format BigGAN stand-in to `path` (a new folder) and returns it."""
    class_weights, noise_weights = _weights(num_classes, latent_dim, seed)
    graph = tf.Graph()
    with graph.as_default():
        v1 = tf.compat.v1
        y = v1.placeholder(tf.float32, [None, num_classes], name="y")
        z = v1.placeholder(tf.float32, [None, latent_dim], name="z")
        truncation = v1.placeholder(tf.float32, [], name="truncation")
        class_variable = v1.get_variable("class_weights", initializer=class_weights)
        noise_variable = v1.get_variable("noise_weights", initializer=noise_weights)
        images = _generate(y, z, truncation, class_variable, noise_variable, resolution)
        signature = v1.saved_model.predict_signature_def(
            inputs={"y": y, "z": z, "truncation": truncation}, outputs={"default": images}
        )
        with v1.Session(graph=graph) as session:
            session.run(v1.global_variables_initializer())
            builder = v1.saved_model.Builder(str(path))
            # TF1 Hub modules store their default graph under the empty tag set.
            builder.add_meta_graph_and_variables(
                session, tags=[], signature_def_map={"default": signature}
            )
            builder.save()
    with open(f"{path}/tfhub_module.pb", "wb") as handle:
        handle.write(MODULE_DEF_FORMAT_V3)
    return path


class _StandInGenerator(tf.Module):
    def __init__(self, latent_dim, resolution, num_classes, seed):
        super().__init__()
        class_weights, noise_weights = _weights(num_classes, latent_dim, seed)
        self.class_weights = tf.Variable(class_weights)
        self.noise_weights = tf.Variable(noise_weights)
        self.resolution = resolution
        self.generate = tf.function(
            self._generate,
            input_signature=[
                tf.TensorSpec([None, num_classes], tf.float32, name="y"),
                tf.TensorSpec([None, latent_dim], tf.float32, name="z"),
                tf.TensorSpec([], tf.float32, name="truncation"),
            ],
        )

    def _generate(self, y, z, truncation):
        images = _generate(
            y, z, truncation, self.class_weights, self.noise_weights, self.resolution
        )
        return {"default": images}


def build_tf2_saved_model(path, latent_dim=128, resolution=16, num_classes=1000, seed=0):
    """Writes a TF2 SavedModel BigGAN stand-in to `path` (a new folder) and returns it."""
    generator = _StandInGenerator(latent_dim, resolution, num_classes, seed)
    tf.saved_model.save(generator, str(path), signatures={"default": generator.generate})
    return path
