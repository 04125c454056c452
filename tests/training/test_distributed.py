"""`fit` under tf.distribute.MirroredStrategy, over two logical CPU devices, trains with finite losses.

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
import keras
from kerasgan.models.dcgan import DCGAN

data = np.load(sys.argv[1])["x_train"][:256]
images = (data.astype("float32") / 127.5 - 1.0)[..., None]
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    gan = DCGAN(latent_dim=16, generator_filters=8, discriminator_filters=8, seed=0)
    gan.compile()
dataset = tf.data.Dataset.from_tensor_slices(images).batch(32, drop_remainder=True)
history = gan.fit(dataset, epochs=2, verbose=0)
print(json.dumps({
    "replicas": strategy.num_replicas_in_sync,
    "history": history.history,
    "iterations": int(gan.generator_optimizer.iterations.numpy()),
}))
"""


def test_fit_under_mirrored_strategy_on_two_logical_cpus(mnist_npz):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(mnist_npz)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["replicas"] == 2
    assert report["iterations"] == 2 * (256 // 32)
    for name in ("d_loss", "g_loss"):
        values = report["history"][name]
        assert len(values) == 2
        assert all(abs(v) < 1e6 for v in values), values  # finite and sane (NaN fails too)
