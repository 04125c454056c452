"""models/ is the bottom layer: loading a snapshot imports no trainer, data, command or grader."""

import json
import subprocess
import sys

from kerasgan.models.conditional_gan import conditional_generator
from kerasgan.models.dcgan import dcgan_generator
from kerasgan.models.pix2pix import unet_generator

# Edges input mode, written out as a dict (as kerasgan.data.input_modes makes it), so
# this test itself does not import the data layer.
EDGES = {"name": "edges", "edge_thresholds": [100, 200]}

CHILD = """
import importlib, json, pkgutil, sys
import numpy as np
from kerasgan.snapshots.sampling import load_snapshot

dcgan, cgan, pix2pix = (load_snapshot(path) for path in sys.argv[1:4])
loaded_with = sorted(name for name in sys.modules if name.startswith("kerasgan"))

import kerasgan.models
for module in pkgutil.iter_modules(kerasgan.models.__path__):
    importlib.import_module("kerasgan.models." + module.name)

print(json.dumps({
    "loaded_with": loaded_with,
    "all_modules": sorted(name for name in sys.modules if name.startswith("kerasgan")),
    "dcgan": dcgan.predict(np.zeros((1, 4)), verbose=0).shape,
    "cgan_names": list(cgan.get_layer("class_labels").class_names),
    "cgan": cgan.predict([np.zeros((1, 4)), np.array([2])], verbose=0).shape,
    "pix2pix_mode": pix2pix.get_layer("input_mode").input_mode,
    "pix2pix": pix2pix.predict(np.zeros((1, 64, 64, 1)), verbose=0).shape,
}))
"""

ABOVE_THE_MODELS = ("kerasgan.training", "kerasgan.data", "kerasgan.commands", "kerasgan.grading")


def test_snapshots_load_without_the_layers_above_the_models(tmp_path):
    snapshots = [tmp_path / name for name in ("dcgan.keras", "cgan.keras", "pix2pix.keras")]
    dcgan_generator((28, 28, 1), latent_dim=4, base_filters=4).save(snapshots[0])
    conditional_generator(
        (28, 28, 1), num_classes=3, latent_dim=4, base_filters=4, class_names=["a", "b", "c"]
    ).save(snapshots[1])
    unet_generator(64, input_channels=1, output_channels=3, base_filters=4, input_mode=EDGES).save(
        snapshots[2]
    )

    result = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, snapshots)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])

    # The three snapshots work, with what travels inside them.
    assert report["dcgan"] == [1, 28, 28, 1]
    assert report["cgan"] == [1, 28, 28, 1] and report["cgan_names"] == ["a", "b", "c"]
    assert report["pix2pix"] == [1, 64, 64, 3] and report["pix2pix_mode"]["name"] == "edges"

    # Loading needed the layers of the families' snapshots (StyleGAN2's networks among them)
    # and nothing above the models; every model module imports nothing above it.
    assert {"kerasgan.models.layers", "kerasgan.models.stylegan2_networks"} <= set(report["loaded_with"])
    assert [m for m in report["loaded_with"] if m.startswith(ABOVE_THE_MODELS)] == []
    assert {"kerasgan.models.dcgan", "kerasgan.models.pix2pix"} <= set(report["all_modules"])
    above = [m for m in report["all_modules"] if m.startswith(ABOVE_THE_MODELS)]
    assert above == [], above
