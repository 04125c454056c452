"""The two optimizers of a GAN (one for the discriminators, one for the generators), as one piece.

`GAN`, `StyleGAN2` and `CycleGAN` each compile with a pair: `set_optimizers` checks
that they are two objects (each keeps its own moment estimates) and wraps them for loss
scaling under mixed float16; `compile_config` and `compile_arguments` save the pair
(and the loss, where the model has a choice) in a `.keras` file and read it back, so
`keras.models.load_model` gives a model compiled with its optimizers' moments restored.
"""

import keras

from kerasgan.models.distributed_step import with_loss_scaling


def default_gan_optimizer():
    """Adam with the settings the DCGAN paper recommends (lr 2e-4, beta_1 0.5).

    Radford et al. 2015, https://arxiv.org/abs/1511.06434, section 4: the default
    beta_1 of 0.9 made training oscillate and unstable.
    """
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


def set_optimizers(model, d_optimizer, g_optimizer, d_variables, g_variables):
    """Gives `model` its `discriminator_optimizer` and `generator_optimizer`, checked, wrapped
    for float16, and built for the variables each trains (so a checkpoint can be restored
    into their slots before `fit`)."""
    if d_optimizer is g_optimizer:
        raise ValueError(
            "The discriminator and the generator need two separate optimizers: each keeps "
            "its own moment estimates. Pass two optimizer objects."
        )
    if model.dtype_policy.name == "mixed_float16":
        # float16 gradients underflow to zero unless the loss is scaled up first.
        d_optimizer = with_loss_scaling(d_optimizer)
        g_optimizer = with_loss_scaling(g_optimizer)
    model.discriminator_optimizer = d_optimizer
    model.generator_optimizer = g_optimizer
    d_optimizer.build(d_variables)
    g_optimizer.build(g_variables)


def compile_config(model, loss=None):
    """A compiled model's two optimizers (and its loss, if it has a choice), or None."""
    if not model.compiled:
        return None
    config = {
        "d_optimizer": keras.optimizers.serialize(model.discriminator_optimizer),
        "g_optimizer": keras.optimizers.serialize(model.generator_optimizer),
    }
    if loss is not None:
        config["loss"] = loss
    return config


def compile_arguments(config):
    """`compile`'s arguments from what `compile_config` saved."""
    arguments = {
        "d_optimizer": keras.optimizers.deserialize(config["d_optimizer"]),
        "g_optimizer": keras.optimizers.deserialize(config["g_optimizer"]),
    }
    if "loss" in config:
        arguments["loss"] = config["loss"]
    return arguments
