"""A run folder written before the options dataclasses and the recipe table still resumes."""

import dataclasses
import json
import shutil
from pathlib import Path

import numpy as np

from kerasgan.cli import main
from kerasgan.models.layers import recorded_family
from kerasgan.snapshots.sampling import latent_batch, load_generator
from kerasgan.training.recipes.dcgan import DCGANOptions

FIXTURES = Path(__file__).parent / "fixtures"
OLD_RUN = "00000-dcgan-digits"  # written by kerasgan at bc770d8, see fixtures/README.md

# The command that wrote it, one epoch longer.
COMMAND = [
    "train", "dcgan", "--epochs", "2", "--batch-size", "8", "--interval-steps", "2",
    "--latent-dim", "4", "--generator-filters", "4", "--discriminator-filters", "4",
    "--snapshot-every", "2", "--verbose", "0",
]  # fmt: skip


def _checkpoint(run_folder):
    with np.load(run_folder / "checkpoint.npz") as archive:
        header = json.loads(archive["progress.json"].tobytes())
        return header["progress"], archive["array/fixed_latents"].copy()


def test_an_old_run_folder_is_found_by_the_same_command_and_trains_on(tmp_path, capsys):
    dataset = tmp_path / "digits.npz"
    shutil.copy(FIXTURES / "digits.npz", dataset)
    outdir = tmp_path / "results"
    run_folder = outdir / OLD_RUN
    shutil.copytree(FIXTURES / OLD_RUN, run_folder)
    # The old run names its data by absolute path: point it at this copy.
    options_path = run_folder / "training_options.json"
    old_options = json.loads(options_path.read_text())
    options_path.write_text(json.dumps({**old_options, "dataset": str(dataset.resolve())}))
    # The old options hold exactly the fields of today's DCGAN options, but those added since
    # (NEWER_OPTIONS fills them in).
    added_since = {"deterministic", "distribute", "defaults", "discriminator_dropout"}
    assert set(old_options) == {field.name for field in dataclasses.fields(DCGANOptions)} - added_since
    old_progress, old_latents = _checkpoint(run_folder)
    assert old_progress["interval"] == 2 and old_progress["step"] == 4

    assert main(COMMAND + ["--dataset", str(dataset), "--outdir", str(outdir)]) == 0

    # --resume auto found the old folder (no new one) and trained intervals 3 and 4 in it.
    assert sorted(path.name for path in outdir.iterdir()) == [OLD_RUN]
    progress, latents = _checkpoint(run_folder)
    assert progress["interval"] == 4 and progress["step"] == 8
    stats = [json.loads(line) for line in (run_folder / "stats.jsonl").read_text().splitlines()]
    assert [line["interval"] for line in stats] == [1, 2, 3, 4]
    assert [line["step"] for line in stats] == [2, 4, 6, 8]
    assert all(np.isfinite(line["d_loss"]) and np.isfinite(line["g_loss"]) for line in stats)
    # The same fixed latents (from the old checkpoint, and as today's code draws them).
    np.testing.assert_array_equal(latents, old_latents)
    np.testing.assert_array_equal(latents, latent_batch(64, 4, seed=0))
    # The new snapshot is a generator of the old architecture; the options file is kept.
    generator = load_generator(run_folder / "generator-000004.keras")
    assert generator.predict(latents[:2], verbose=0).shape == (2, 28, 28, 1)
    # It records its family, as the old snapshot (found from its layers) did not.
    assert recorded_family(generator) == "dcgan"
    assert recorded_family(load_generator(run_folder / "generator-000002.keras")) is None
    assert json.loads(options_path.read_text())["upsampling"] == "transpose"
    assert "Run folder:" in capsys.readouterr().out
