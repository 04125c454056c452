"""TensorBoard: every interval's scalars and grid in logs/, once each, across a resume after a kill."""

import json
import shutil
from pathlib import Path

import numpy as np
from tensorboard.backend.event_processing import event_accumulator

from kerasgan.training.callbacks import TensorBoardLog
from kerasgan.training.trainer import train

FIXTURES = Path(__file__).parent / "fixtures"

# 32 real digits, batches of 8: 4 steps per epoch, an interval every 2 steps; adaptive
# augmentation, so that its probability p is logged too.
OPTIONS = dict(
    batch_size=8, interval_steps=2, latent_dim=4, generator_filters=4, discriminator_filters=4,
    augment="translation", augment_p="ada", verbose=0,
)  # fmt: skip


def brightness(model):
    """A stand-in quality score: it only has to be a number computed from the model."""
    return {"mean_pixel": float(np.mean(model.generator.predict(np.zeros((2, 4)), verbose=0)))}


def read_logs(folder):
    """Every (tag, step, value) in the event files, as TensorBoard's own reader finds them.

    purge_orphaned_data=False: the reader must not hide a duplicate by purging it.
    """
    reader = event_accumulator.EventAccumulator(
        str(folder), size_guidance={event_accumulator.TENSORS: 0}, purge_orphaned_data=False
    )
    reader.Reload()
    return {tag: reader.Tensors(tag) for tag in reader.Tags()["tensors"]}


def test_a_resumed_run_logs_every_interval_once_with_its_grid(tmp_path):
    import tensorflow as tf

    dataset = tmp_path / "digits.npz"
    shutil.copy(FIXTURES / "digits.npz", dataset)
    outdir = tmp_path / "results"
    run = train("dcgan", str(dataset), outdir=outdir, epochs=1, evaluators=[brightness], **OPTIONS)
    logs = run.path / "logs"
    assert TensorBoardLog(logs).steps() == [2, 4]

    # A kill after interval 3's logs but before its checkpoint leaves them behind.
    TensorBoardLog(logs).write(6, {"loss/d_loss": 99.0}, np.zeros((8, 8), "uint8"))
    # The same command, one epoch longer: it resumes after interval 2 and trains 3 and 4.
    again = train("dcgan", str(dataset), outdir=outdir, epochs=2, evaluators=[brightness], **OPTIONS)
    assert again.path == run.path

    events = read_logs(logs)
    stats = [json.loads(line) for line in (run.path / "stats.jsonl").read_text().splitlines()]
    assert [line["step"] for line in stats] == [2, 4, 6, 8]
    for tag in ("loss/d_loss", "loss/g_loss", "discriminator/d_real_sign", "augmentation/p",
                "learning_rate/generator", "learning_rate/discriminator",
                "evaluation/mean_pixel", "speed/images_per_second", "fakes"):
        assert [event.step for event in events[tag]] == [2, 4, 6, 8], tag  # each once, in order
    # The scalars are the interval's (not the killed run's 99), as stats.jsonl has them.
    for name, tag in (("d_loss", "loss/d_loss"), ("d_real_sign", "discriminator/d_real_sign"),
                      ("mean_pixel", "evaluation/mean_pixel")):
        logged = [float(tf.make_ndarray(event.tensor_proto)) for event in events[tag]]
        np.testing.assert_allclose(logged, [line[name] for line in stats], atol=1e-5)
    learning_rates = [float(tf.make_ndarray(e.tensor_proto)) for e in events["learning_rate/generator"]]
    assert np.allclose(learning_rates, learning_rates[0]) and 0 < learning_rates[0] < 1
    # The grid is an image: [width, height, PNG] strings; the PNG decodes to the saved grid's size.
    width, height, png = tf.make_ndarray(events["fakes"][-1].tensor_proto)
    picture = tf.io.decode_png(png).numpy()
    assert picture.shape[:2] == (int(height), int(width)) and picture.std() > 0
    assert not [path for path in logs.iterdir() if path.name.startswith(".tmp-")]
