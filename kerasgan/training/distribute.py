"""`--distribute`: training on several GPUs, several machines or a TPU with `tf.distribute`.

- `none`: one device, no strategy (the default).
- `mirrored`: `tf.distribute.MirroredStrategy`, one replica per GPU of this machine (one
  replica on the CPU when there is no GPU).
- `multiworker`: `tf.distribute.MultiWorkerMirroredStrategy` across the machines listed in
  the `TF_CONFIG` environment variable, which each machine sets to its own task. Only the
  chief (task "chief", or worker 0 when there is none) writes the run folder; the other
  workers train in step with it and write nothing, but read its checkpoint to resume, so
  `--outdir` must be a folder every machine sees (a shared disk or a copy of the run).
- `tpu`: `tf.distribute.TPUStrategy` on the TPU that `TPUClusterResolver` finds (a Colab TPU).

`--batch-size` is the global batch: every step the replicas share it, and the losses are
averaged over all of it, so the learning rate means the same as on one device and is not
rescaled. A multi-worker strategy must be made before TensorFlow runs anything, so
`train()` makes it first of all.

Example:

```python
strategy = make_strategy("mirrored")
print(strategy.num_replicas_in_sync, writes_files(strategy))  # 1 True (on a CPU machine)
```
"""

import json
import os

STRATEGY_NAMES = ("none", "mirrored", "multiworker", "tpu")


def make_strategy(name):
    """The `tf.distribute` strategy that `--distribute name` asks for (None for "none").

    Raises:
        ValueError: one sentence when the strategy cannot start here (no TF_CONFIG for
            multiworker, no TPU for tpu).
    """
    if name in (None, "none"):
        return None
    import tensorflow as tf

    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multiworker":
        _check_tf_config()
        return tf.distribute.MultiWorkerMirroredStrategy()
    if name == "tpu":
        return _tpu_strategy()
    raise ValueError(f"distribute must be one of {', '.join(STRATEGY_NAMES)}; got {name!r}.")


def writes_files(strategy):
    """Whether this process writes the run folder: always, except a multi-worker run's non-chief workers."""
    if strategy is None:
        return True
    return bool(strategy.extended.should_checkpoint)


def _check_tf_config():
    text = os.environ.get("TF_CONFIG", "")
    try:
        config = json.loads(text) if text else {}
    except ValueError:
        config = None
    if not isinstance(config, dict) or "cluster" not in config or "task" not in config:
        raise ValueError(
            f"--distribute multiworker needs TF_CONFIG with the cluster and this machine's task; "
            f"got TF_CONFIG={text!r}: set it on every machine as the README's 'Training on several "
            "GPUs or machines' shows."
        )


def _tpu_strategy():
    import tensorflow as tf

    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
    except (ValueError, RuntimeError, tf.errors.OpError):
        # TPUClusterResolver's own words ("Please provide a TPU Name") do not say what to do.
        raise ValueError(
            "--distribute tpu found no TPU on this machine: in Colab choose Runtime > Change "
            "runtime type > TPU, or pass --distribute none or mirrored."
        ) from None
    return tf.distribute.TPUStrategy(resolver)
