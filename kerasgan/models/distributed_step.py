"""What a training step needs to be right on several devices and in 16-bit: loss scaling and logs.

Used by every model's `train_step` (`GAN`, `StyleGAN2`, `CycleGAN`):

- `scaled_loss(optimizer, loss)`: under `tf.distribute` each replica's gradients are
  summed, so each replica's loss is divided by the number of replicas (the sum of their
  means is then the global mean); under mixed float16 the optimizer, wrapped by
  `with_loss_scaling`, scales the loss up so small gradients do not underflow, and
  scales the gradients back down in `apply`.
- `step_logs(metrics)`: the step's logs, shaped so that Keras can average them across
  the machines of a multi-worker strategy.
"""

import keras
import tensorflow as tf
from keras import ops


def with_loss_scaling(optimizer):
    """The optimizer wrapped in a `LossScaleOptimizer` (once), for mixed float16."""
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(optimizer)


def scaled_loss(optimizer, loss):
    """The loss as its gradients should see it: over the replicas, and scaled for float16."""
    replicas = tf.distribute.get_strategy().num_replicas_in_sync
    return optimizer.scale_loss(loss / replicas)


def state_variable(model, name, value):
    """A scalar state variable of `model` (ADA's p, a running mean) that no optimizer trains.

    Its aggregation is "mean": under tf.distribute each replica proposes the same update,
    and the variable takes their average.
    """
    return model.add_weight(
        shape=(),
        initializer=keras.initializers.Constant(float(value)),
        trainable=False,
        aggregation="mean",
        name=name,
    )


def step_logs(metrics):
    """The step's logs: each tracker's value, a plain number for the progress bar.

    Across several machines (a multi-worker `tf.distribute` strategy) Keras averages
    them with `strategy.reduce("MEAN", value, axis=0)`, which needs an axis to average
    over (keras-team/keras#20585): there each becomes shape (1,), and the average is
    again a plain number.
    """
    logs = {metric.name: metric.result() for metric in metrics}
    if under_multi_worker_strategy():
        logs = {name: ops.reshape(value, (1,)) for name, value in logs.items()}
    return logs


def under_multi_worker_strategy():
    """Whether this step runs under a multi-worker strategy: Keras's own test for averaging
    the step's logs with `strategy.reduce(..., axis=0)`."""
    if not tf.distribute.has_strategy():
        return False
    strategy = tf.distribute.get_strategy()
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and bool(
        strategy.extended._in_multi_worker_mode()
    )
