"""Learning-rate schedules that resume exactly: functions of the optimizer's step count alone.

A schedule that kept its own state (a callback that lowers the rate at each epoch end) would
have to be saved with the checkpoint, and restarts at its first value when it is not. These
read `optimizer.iterations`, which the checkpoint keeps with the optimizer's moments, so a
resumed run continues on the same line.
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kerasgan")
class LinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """A constant learning rate for the first `decay_start` steps, then linearly down to 0.

    CycleGAN trains 100 epochs at 2e-4 and 100 more while the rate falls to zero. The
    rate is a function of the optimizer's step count alone, which the checkpoint keeps,
    so a resumed run continues on the same line.

    Args:
        initial_learning_rate: the rate of the first part (2e-4 in the paper).
        total_steps: the step at which the rate reaches 0.
        decay_start: the step at which it starts to fall (default: half of `total_steps`).

    Example:

    ```python
    optimizer = keras.optimizers.Adam(LinearDecay(2e-4, total_steps=10_000), beta_1=0.5)
    ```
    """

    def __init__(self, initial_learning_rate, total_steps, decay_start=None):
        self.initial_learning_rate = float(initial_learning_rate)
        self.total_steps = int(total_steps)
        self.decay_start = self.total_steps // 2 if decay_start is None else int(decay_start)
        if not 0 <= self.decay_start < self.total_steps:
            raise ValueError(
                f"decay_start must be from 0 up to total_steps ({total_steps}); got {decay_start}."
            )

    def __call__(self, step):
        step = ops.cast(step, "float32")
        remaining = (self.total_steps - step) / float(self.total_steps - self.decay_start)
        return self.initial_learning_rate * ops.clip(remaining, 0.0, 1.0)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "total_steps": self.total_steps,
            "decay_start": self.decay_start,
        }
