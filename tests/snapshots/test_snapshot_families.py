"""Every family's snapshots load with plain Keras, say their family, and old ones still work."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kerasgan import snapshots
from kerasgan.cli import main
from kerasgan.models.layers import recorded_family, with_family_record

FIXTURES = Path(__file__).parent / "fixtures"  # written before snapshots recorded their family
OLD_SNAPSHOTS = {
    "dcgan": Path(__file__).parents[1] / "training/fixtures/00000-dcgan-digits/generator-000002.keras",
    "cgan": FIXTURES / "cgan.keras",
    "pix2pix": FIXTURES / "pix2pix.keras",
    "cyclegan": FIXTURES / "cyclegan.keras",
    "stylegan2": FIXTURES / "stylegan2.keras",
}

# Loads and samples each snapshot with `import keras, kerasgan` and load_model alone.
FRESH_INTERPRETER = """
import json, sys
import keras, kerasgan
import numpy as np

shapes = {}
for path in sys.argv[1:]:
    generator = keras.models.load_model(path)
    if len(generator.inputs) == 2:
        inputs = [np.zeros((2, generator.inputs[0].shape[1]), "float32"), np.array([0, 1])]
    else:
        inputs = np.zeros((2, *generator.inputs[0].shape[1:]), "float32")
    # A plain call: predict() would trace a function for each of the ten models first.
    outputs = np.asarray(generator(inputs, training=False))
    assert np.all(np.isfinite(outputs)), path
    shapes[path] = list(outputs.shape)
print(json.dumps(shapes))
"""


@pytest.fixture(scope="module")
def old_generators():
    """Each old snapshot loaded once, with the family `snapshots.load` told: {name: (model, family)}."""
    return {name: snapshots.load(path) for name, path in OLD_SNAPSHOTS.items()}


@pytest.fixture(scope="module")
def recorded_copies(old_generators, tmp_path_factory):
    """Each old snapshot saved again with its family recorded, as a run now writes it."""
    folder = tmp_path_factory.mktemp("recorded")
    copies = {}
    for name, (generator, _) in old_generators.items():
        copies[name] = folder / f"{name}-recorded.keras"
        # A new model around the same layers: the old model itself is left as it was loaded.
        with_family_record(generator, name).save(copies[name])
    return copies


def test_a_fresh_interpreter_loads_and_samples_every_family_with_plain_keras(recorded_copies):
    paths = [str(path) for path in OLD_SNAPSHOTS.values()]
    paths += [str(path) for path in recorded_copies.values()]
    result = subprocess.run(
        [sys.executable, "-c", FRESH_INTERPRETER, *paths], capture_output=True, text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    shapes = json.loads(result.stdout.strip().splitlines()[-1])
    for path in paths:
        family = Path(path).stem.split("-")[0]
        expected = {"dcgan": [2, 28, 28, 1], "cgan": [2, 28, 28, 1], "pix2pix": [2, 64, 64, 3],
                    "cyclegan": [2, 32, 32, 3], "stylegan2": [2, 32, 32, 3]}
        assert shapes[path] == expected.get(family, expected["dcgan"]), path


def test_old_snapshots_are_told_by_their_layers_and_new_ones_by_their_record(
    old_generators, recorded_copies
):
    for name, (generator, family) in old_generators.items():
        assert recorded_family(generator) is None
        assert family.name == name
    for name, path in recorded_copies.items():
        generator, family = snapshots.load(path)
        assert recorded_family(generator) == name and family.name == name
        # The record is the last layer and changes nothing: the same images as before.
        old, _ = old_generators[name]
        inputs = [np.ones((1, *tensor.shape[1:]), "float32") for tensor in old.inputs]
        if len(inputs) == 2:
            inputs[1] = np.array([1])
        np.testing.assert_allclose(generator(inputs if len(inputs) > 1 else inputs[0]),
                                   old(inputs if len(inputs) > 1 else inputs[0]), atol=1e-6)
    # A record wins over the layers: a DCGAN generator recorded as "cgan" is used as one.
    generator, _ = old_generators["dcgan"]
    assert snapshots.family_of(with_family_record(generator, "cgan")).name == "cgan"


def test_old_snapshots_generate_and_export_through_the_commands(tmp_path, capsys):
    out = tmp_path / "out"
    commands = [
        ["generate", "--snapshot", str(OLD_SNAPSHOTS["dcgan"]), "--seeds", "0-3", "--out", str(out / "d.png")],
        ["generate", "--snapshot", str(OLD_SNAPSHOTS["cgan"]), "--class", "owl", "--num", "4",
         "--out", str(out / "c.png")],
        ["generate", "--snapshot", str(OLD_SNAPSHOTS["stylegan2"]), "--seeds", "0-3", "--trunc", "0.7",
         "--out", str(out / "s.png")],
        ["export", "--generator", str(OLD_SNAPSHOTS["pix2pix"]), "--out", str(out / "p")],
        ["export", "--generator", str(OLD_SNAPSHOTS["cyclegan"]), "--out", str(out / "y")],
    ]  # fmt: skip
    for command in commands:
        assert main(command) == 0, capsys.readouterr().err
    assert all((out / name).is_file() for name in ("d.png", "c.png", "s.png"))
    described = json.loads((out / "y" / "generator.json").read_text())
    assert described["family"] == "cyclegan" and described["kind"] == "image-to-image"


@pytest.mark.parametrize("family", ["pix2pix", "cyclegan"])
def test_a_family_refuses_what_it_cannot_do_in_one_sentence(family, tmp_path, capsys):
    status = main(["generate", "--snapshot", str(OLD_SNAPSHOTS[family]), "--trunc", "0.5",
                   "--out", str(tmp_path / "x.png")])
    error = capsys.readouterr().err
    assert status == 2 and "--trunc applies to StyleGAN2 snapshots" in error
    assert error.count("\n") == 1 and not (tmp_path / "x.png").exists()
    status = main(["generate", "--snapshot", str(OLD_SNAPSHOTS[family]), "--out", str(tmp_path / "x.png")])
    error = capsys.readouterr().err
    assert status == 2 and "cannot be sampled from latent vectors" in error and error.count("\n") == 1
