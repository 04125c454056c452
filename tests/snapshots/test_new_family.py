"""A new family is a model, a recipe row and a snapshot-use module: train, generate, export work.

The toy family below goes in through the two tables alone (`RECIPES` and
`kerasgan.snapshots.FAMILIES`); no command knows its name.
"""

import json
import shutil
import sys
import types
from pathlib import Path

import keras
import numpy as np

from kerasgan import snapshots
from kerasgan.cli import main
from kerasgan.models.gan import GAN
from kerasgan.snapshots.latent import LatentFamily
from kerasgan.training.recipe import Recipe, fixed_latent_sampler
from kerasgan.training.recipes import RECIPES
from kerasgan.training.recipes.dcgan import DCGANOptions

DIGITS = Path(__file__).parents[1] / "training" / "fixtures" / "digits.npz"


# 1. The model: a GAN of two one-layer networks.
def toy_gan(image_shape, latent_dim, **gan_options):
    latents = keras.Input((latent_dim,), name="z")
    pixels = keras.layers.Dense(int(np.prod(image_shape)), activation="tanh")(latents)
    generator = keras.Model(latents, keras.layers.Reshape(image_shape)(pixels), name="generator")
    images = keras.Input(image_shape)
    logits = keras.layers.Dense(1)(keras.layers.Flatten()(images))
    return GAN(generator, keras.Model(images, logits, name="discriminator"), **gan_options)


# 2. The recipe row: the DCGAN's options, the toy model.
TOY_RECIPE = Recipe(
    summary="A toy GAN of two one-layer networks.",
    options=DCGANOptions,
    build=lambda options, data: toy_gan(
        data.image_shape, options.latent_dim, **options.model_arguments()
    ),
    sampler=fixed_latent_sampler,
)


# 3. The snapshot-use module: a latent family whose samples and exports say it was used.
class ToyFamily(LatentFamily):
    name = "toy"
    title = "toy GAN"
    sampled = []

    def sample(self, generator, latents, labels=None, **choices):
        self.sampled.append(len(latents))
        return super().sample(generator, latents, labels, **choices)

    def describe_export(self, generator):
        return {"toy": "one dense layer"}


def test_a_toy_family_trains_generates_and_exports_through_the_tables(tmp_path, monkeypatch, capsys):
    module = types.ModuleType("toy_family_snapshots")
    module.FAMILY = ToyFamily()
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(snapshots.FAMILIES, "toy", module.__name__)
    monkeypatch.setitem(RECIPES, "toy", TOY_RECIPE)
    dataset = tmp_path / "digits.npz"
    shutil.copy(DIGITS, dataset)

    assert main([
        "train", "toy", "--dataset", str(dataset), "--epochs", "1", "--batch-size", "8",
        "--interval-steps", "2", "--latent-dim", "4", "--verbose", "0",
        "--outdir", str(tmp_path / "results"),
    ]) == 0, capsys.readouterr().err  # fmt: skip
    (run_folder,) = (tmp_path / "results").iterdir()
    snapshot = sorted(run_folder.glob("generator-*.keras"))[-1]
    generator, family = snapshots.load(snapshot)
    assert family is module.FAMILY  # from the snapshot's record, not from its shapes

    assert main(["generate", "--snapshot", str(snapshot), "--seeds", "0-5",
                 "--out", str(tmp_path / "grid.png")]) == 0
    assert (tmp_path / "grid.png").is_file() and ToyFamily.sampled == [6]
    # A flag the toy family does not take is refused in one sentence.
    assert main(["generate", "--snapshot", str(snapshot), "--trunc", "0.5",
                 "--out", str(tmp_path / "never.png")]) == 2
    assert "this is a toy GAN generator" in capsys.readouterr().err

    assert main(["export", "--generator", str(snapshot), "--out", str(tmp_path / "exported")]) == 0
    described = json.loads((tmp_path / "exported" / "generator.json").read_text())
    assert described["family"] == "toy" and described["toy"] == "one dense layer"
    assert described["inputs"] == [[None, 4]] and described["output"] == [None, 28, 28, 1]
