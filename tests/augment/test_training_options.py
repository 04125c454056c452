"""Augmentation, the generator average and fine-tuning through `train()` and the command line:
resume restores the adaptive p, --resume-from starts a new run from old weights, bad files are
one-sentence errors, and the options work under MirroredStrategy."""

import json
import subprocess
import sys

import numpy as np
import pytest

from kerasgan.cli import main
from kerasgan.training.trainer import train

BATCH = 16
INTERVAL = 4
SMALL = dict(batch_size=BATCH, interval_steps=INTERVAL, latent_dim=8, generator_filters=8,
             discriminator_filters=8, verbose=0)  # fmt: skip


@pytest.fixture(scope="module")
def small_cifar(cifar10_npz, tmp_path_factory):
    """64 real CIFAR-10 images: 4 steps of 16 per epoch."""
    path = tmp_path_factory.mktemp("data") / "small.npz"
    with np.load(cifar10_npz) as data:
        np.savez(path, x_train=data["x_train"][:64], y_train=data["y_train"][:64],
                 x_test=data["x_test"][:16], y_test=data["y_test"][:16])
    return path


def checkpoint_arrays(run):
    with np.load(run.checkpoint_path) as archive:
        header = json.loads(archive["progress.json"].tobytes())
        return header, {key: archive[key].copy() for key in archive.files if key != "progress.json"}


def saved_probability(run):
    header, arrays = checkpoint_arrays(run)
    [key] = [k for k, path in header["variable_paths"].items() if path.endswith("augment_probability")]
    return float(arrays[key])


def test_resume_restores_the_adaptive_probability(small_cifar, tmp_path):
    # ada_target -1: any E[sign(D(real))] is above it, so p rises at every adjustment.
    options = dict(SMALL, augment="flip,translation", augment_p="ada", ada_target=-1.0, ema_decay=0.9)
    first = train("dcgan", small_cifar, outdir=tmp_path, epochs=2, **options)
    step_size = BATCH * 4 / 100_000  # ada_interval 4 steps, ada_kimg 100
    after_first = saved_probability(first)
    assert after_first == pytest.approx(2 * step_size, abs=1e-6)  # 8 steps: 2 adjustments

    second = train("dcgan", small_cifar, outdir=tmp_path, epochs=4, **options)
    assert second.path == first.path  # resumed, not a new run
    # Restored p plus two more adjustments; from the initial p it would be only two.
    assert saved_probability(second) == pytest.approx(after_first + 2 * step_size, abs=1e-6)
    stats = second.stats()
    assert [line["step"] for line in stats] == [4, 8, 12, 16]
    assert stats[2]["augment_p"] > after_first - 1e-7


def layer_arrays(run, count):
    """The first `count` discriminator kernel/bias pairs saved in a run's checkpoint."""
    header, arrays = checkpoint_arrays(run)
    keys = header["networks"]["discriminator"]
    weights = [k for k in keys if header["variable_paths"][k].endswith(("kernel", "bias"))]
    return [arrays[k] for k in weights[: 2 * count]], arrays[weights[-2]]


def test_fine_tuning_starts_a_new_run_from_old_weights_with_frozen_layers(small_cifar, tmp_path):
    source = train("dcgan", small_cifar, outdir=tmp_path / "a", epochs=1, **SMALL)
    tuned = train("dcgan", small_cifar, outdir=tmp_path / "b", epochs=1, resume_from=source.path,
                  freeze_discriminator_layers=2, **SMALL)  # fmt: skip
    assert tuned.path != source.path
    assert [line["step"] for line in tuned.stats()] == [4]  # a fresh step count
    source_frozen, source_last = layer_arrays(source, 2)
    tuned_frozen, tuned_last = layer_arrays(tuned, 2)
    for before, after in zip(source_frozen, tuned_frozen):
        np.testing.assert_array_equal(before, after)  # copied, then never trained
    assert not np.allclose(source_last, tuned_last)  # the last layer trained on

    # A generator snapshot works too (generator only).
    snapshot = source.latest_snapshot()
    from_snapshot = train("dcgan", small_cifar, outdir=tmp_path / "c", epochs=1,
                          resume_from=snapshot, **SMALL)  # fmt: skip
    assert from_snapshot.latest_snapshot() is not None


def run_cli(argv, capsys):
    status = main(argv)
    return status, capsys.readouterr().err


def test_missing_and_incompatible_files_are_one_sentence_errors(small_cifar, tmp_path, capsys):
    common = ["train", "dcgan", "--dataset", str(small_cifar), "--batch-size", "16",
              "--generator-filters", "8", "--discriminator-filters", "8"]  # fmt: skip
    status, error = run_cli(
        common + ["--resume-from", str(tmp_path / "nowhere"), "--outdir", str(tmp_path / "o")], capsys
    )
    assert status != 0 and "nothing to fine-tune from" in error and error.count("\n") == 1

    source = train("dcgan", small_cifar, outdir=tmp_path / "a", epochs=1, **SMALL)
    status, error = run_cli(
        common + ["--latent-dim", "16", "--resume-from", str(source.path), "--outdir", str(tmp_path / "o")],
        capsys,
    )
    assert status != 0 and "latent_dim 8 but this run has 16" in error and error.count("\n") == 1
    status, error = run_cli(
        common + ["--latent-dim", "16", "--resume-from", str(source.latest_snapshot()),
                  "--outdir", str(tmp_path / "o")],
        capsys,
    )  # fmt: skip
    assert status != 0 and "does not fit this run" in error and error.count("\n") == 1
    status, error = run_cli(common + ["--augment", "flip,rotate", "--outdir", str(tmp_path / "o")], capsys)
    assert status != 0 and "Unknown augmentation(s) rotate" in error
    status, error = run_cli(
        common + ["--freeze-discriminator-layers", "2", "--outdir", str(tmp_path / "o")], capsys
    )
    assert status != 0 and "--resume-from" in error
    assert not (tmp_path / "o").exists()  # no run folder for any of them


MIRRORED = r"""
import json, os, sys, tempfile
import numpy as np
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()]
)
import keras
from kerasgan.models.dcgan import DCGAN

images = np.random.default_rng(0).uniform(-1, 1, (64, 32, 32, 3)).astype("float32")
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    gan = DCGAN((32, 32, 3), latent_dim=8, generator_filters=8, discriminator_filters=8, seed=0,
                augment="flip,translation,color,cutout", ada=True, ada_interval=1, ada_target=-2.0,
                ema_decay=0.9)
    gan.compile()
dataset = tf.data.Dataset.from_tensor_slices(images).batch(16, drop_remainder=True)
history = gan.fit(dataset, epochs=2, verbose=0)
path = os.path.join(tempfile.mkdtemp(), "gan.keras")
gan.save(path)
loaded = keras.models.load_model(path)
z = np.random.default_rng(1).normal(size=(4, 8)).astype("float32")
print(json.dumps({
    "history": history.history,
    "p": float(gan.augment_probability.numpy()),
    "loaded_p": float(loaded.augment_probability.numpy()),
    "ema_difference": float(np.abs(loaded.ema_generator.predict(z, verbose=0)
                                   - gan.ema_generator.predict(z, verbose=0)).max()),
}))
"""


def test_augmentation_and_average_under_mirrored_strategy():
    result = subprocess.run([sys.executable, "-c", MIRRORED], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert all(np.isfinite(report["history"]["d_loss"]))
    # 8 steps of 16 images (8 on each replica), one adjustment of 16 / 100,000 each: the target -2 lies
    # below every possible r_t in [-1, 1], so each step raises p (a target of -1 is met exactly when
    # the tiny discriminator scores all 8 reals of a step negative, and that step adds nothing).
    assert report["p"] == pytest.approx(8 * 16 / 100_000, abs=1e-6)
    assert report["loaded_p"] == pytest.approx(report["p"])
    assert report["ema_difference"] < 1e-5
