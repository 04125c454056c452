"""A damaged checkpoint.npz is one sentence naming the file, and the previous one is a fallback."""

import os
import stat

import numpy as np
import pytest

from kerasgan import files
from kerasgan.training import checkpoint


def tiny_gan(seed):
    import keras

    from kerasgan.models.dcgan import DCGAN

    keras.utils.set_random_seed(seed)
    gan = DCGAN(image_shape=(28, 28, 1), latent_dim=4, generator_filters=4, discriminator_filters=4)
    gan.compile()
    return gan


def first_generator_kernel(gan):
    return np.asarray(gan.generator.trainable_variables[0].numpy())


def damage(path, how):
    data = path.read_bytes()
    if how == "empty":
        path.write_bytes(b"")
    elif how == "cut short":
        path.write_bytes(data[: len(data) // 2])
    elif how == "one byte flipped":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :])


@pytest.fixture(scope="module")
def two_states():
    return tiny_gan(1), tiny_gan(2)


@pytest.mark.parametrize("how", ["empty", "cut short", "one byte flipped"])
def test_a_damaged_checkpoint_without_a_previous_one_is_one_sentence(tmp_path, two_states, how):
    first, _ = two_states
    path = tmp_path / "checkpoint.npz"
    checkpoint.save_checkpoint(path, first, {"interval": 1, "step": 10, "epoch": 0.1})
    damage(path, how)
    with pytest.raises(ValueError) as caught:
        checkpoint.load_checkpoint(path, first)
    message = str(caught.value)
    assert message.startswith(f"The checkpoint {path} is damaged")
    assert "--resume none" in message and "backup" in message
    assert "\n" not in message


@pytest.mark.parametrize("how", ["empty", "cut short", "one byte flipped"])
def test_a_damaged_checkpoint_falls_back_to_the_previous_one(tmp_path, two_states, capsys, how):
    first, second = two_states
    path = tmp_path / "checkpoint.npz"
    checkpoint.save_checkpoint(path, first, {"interval": 1, "step": 10, "epoch": 0.1})
    checkpoint.save_checkpoint(path, second, {"interval": 2, "step": 20, "epoch": 0.2})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint-previous.npz", "checkpoint.npz"]
    damage(path, how)

    target = tiny_gan(3)
    progress, _ = checkpoint.load_checkpoint(path, target)
    assert progress["interval"] == 1
    np.testing.assert_array_equal(first_generator_kernel(target), first_generator_kernel(first))
    assert not np.array_equal(first_generator_kernel(first), first_generator_kernel(second))
    assert (
        f"the checkpoint {path} is damaged; resuming from the previous one, "
        "checkpoint-previous.npz (interval 1)" in capsys.readouterr().err
    )


def test_the_previous_checkpoint_does_not_share_bytes_with_the_new_one(tmp_path, two_states):
    first, second = two_states
    path = tmp_path / "checkpoint.npz"
    checkpoint.save_checkpoint(path, first, {"interval": 1, "step": 10, "epoch": 0.1})
    checkpoint.save_checkpoint(path, second, {"interval": 2, "step": 20, "epoch": 0.2})
    # A byte changed in place in the newest file must leave the previous one whole.
    with open(path, "r+b") as stream:
        stream.seek(os.path.getsize(path) // 2)
        stream.write(b"\xff\xff")
    assert checkpoint.read_header(checkpoint.previous_path(path))["progress"]["interval"] == 1


def test_atomic_writes_keep_the_umask_file_mode(tmp_path):
    old = os.umask(0o022)
    try:
        files.write_json(tmp_path / "results.json", {"score": 1})
        files.write_bytes(tmp_path / "a.bin", b"x")
    finally:
        os.umask(old)
    for name in ("results.json", "a.bin"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644
