"""StyleGAN2's train_step under tf.distribute.MirroredStrategy on two logical CPUs.

The lazy regularizers run inside tf.cond; the variables they change (the running mean
path length, the run counters) are assigned outside it, where replicas can agree.
Logical devices must be configured before TensorFlow starts, so this runs in a fresh process.
"""

import json
import subprocess
import sys

SCRIPT = r"""
import json, sys
import numpy as np
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)
from kerasgan.models.stylegan2 import StyleGAN2

images = np.load(sys.argv[1])["x_train"][:32].astype("float32") / 127.5 - 1.0
images = tf.image.resize(images[..., None], (32, 32)).numpy()
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    gan = StyleGAN2(32, 1, latent_dim=16, w_dim=16, mapping_layers=2, channel_base=128,
                    channel_max=16, r1_interval=2, path_length_interval=2, augment="flip",
                    ada=True, ada_interval=1, seed=0)
    gan.compile()
dataset = tf.data.Dataset.from_tensor_slices(images).batch(8, drop_remainder=True)
history = gan.fit(dataset, epochs=1, verbose=0)
print(json.dumps({
    "replicas": strategy.num_replicas_in_sync,
    "history": {key: [float(v) for v in values] for key, values in history.history.items()},
    "iterations": int(gan.generator_optimizer.iterations.numpy()),
    "r1_runs": float(gan.r1_runs.numpy()),
    "path_length_runs": float(gan.path_length_runs.numpy()),
    "path_length_mean": float(gan.path_length_mean.numpy()),
    "w_avg_moved": float(np.abs(gan.mapping.w_avg.numpy()).max()),
}))
"""


def test_stylegan2_trains_under_mirrored_strategy_on_two_logical_cpus(mnist_npz):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(mnist_npz)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["replicas"] == 2
    assert report["iterations"] == 4
    assert report["r1_runs"] == 2 and report["path_length_runs"] == 2  # steps 0 and 2
    assert report["path_length_mean"] > 0 and report["w_avg_moved"] > 0
    for name in ("d_loss", "g_loss", "r1_penalty", "path_length_penalty", "augment_p"):
        assert all(value == value for value in report["history"][name]), name  # no NaN
