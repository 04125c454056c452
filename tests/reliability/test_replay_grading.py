"""The grader judges samples as generated: generators that replay stored digits earn no sample points.

Two kinds are graded together in one batch (two children side by side): a
lookup keyed by z over the MNIST digits an installed package ships, and a sharp
softmax mix, keyed by z, of digits pasted into the submission itself (moved by
one pixel, so they are copies of no image the grader knows). The reference
submissions keeping their 100 points is tested in tests/grading.
"""

import base64
import shutil
import zlib
from pathlib import Path

import numpy as np
import pytest

from kerasgan.grading import replay

SUBMISSIONS = Path(__file__).parent / "submissions"


def embedded_submission(mnist_npz):
    with np.load(mnist_npz) as archive:
        digits = archive["x_test"][:300]
    moved = np.roll(digits, 1, axis=2)  # one pixel to the right: no longer any real image
    blob = base64.b64encode(zlib.compress(moved.tobytes(), 9)).decode("ascii")
    template = (SUBMISSIONS / "replay_embedded_template.py").read_text()
    return template.replace("{{digits}}", blob)


@pytest.fixture(scope="module")
def replay_batch(tmp_path_factory, mnist_npz):
    from kerasgan.grading.batch import grade_batch

    root = tmp_path_factory.mktemp("replay")
    folder = root / "submissions"
    folder.mkdir()
    shutil.copyfile(SUBMISSIONS / "replay_package_lookup.py", folder / "package_lookup.py")
    (folder / "embedded_mix.py").write_text(embedded_submission(mnist_npz))
    outcomes = grade_batch(
        "dcgan-mnist", folder, root / "grades.csv", data_path=mnist_npz, workers=2,
        progress=lambda line: None,
    )
    return {name: graded for name, graded, _ in outcomes}, root / "reports"


@pytest.mark.parametrize("name", ["package_lookup", "embedded_mix"])
def test_a_replaying_generator_earns_no_sample_points(replay_batch, name):
    graded, reports = replay_batch
    assert graded[name] is not None
    results = {result.name: result for result in graded[name].results}
    # The submission itself ran: its generator's output checks pass.
    assert results["generator_output"].passed and results["generator_range"].passed
    quality = results["sample_quality"]
    assert quality.score == 0 and not quality.passed
    assert quality.output.startswith("The samples are replayed, not generated: ")
    assert "did not change when their latent vector moved by about 1%" in quality.output
    report = (reports / f"{name}.md").read_text()
    assert "The samples are replayed, not generated" in report


def test_the_lookup_over_package_digits_is_also_named_a_copy(replay_batch):
    graded, _ = replay_batch
    quality = {r.name: r for r in graded["package_lookup"].results}["sample_quality"]
    assert "copies of real images the submission can reach" in quality.output


def smooth_generator(latents, scale=1.0):
    """A stand-in for a trained generator: a fixed random smooth map from z to 8x8 images."""
    random = np.random.default_rng(3)
    weights = random.standard_normal((latents.shape[1], 64)) / np.sqrt(latents.shape[1])
    return np.tanh(scale * latents @ weights).reshape(-1, 8, 8, 1)


def probe_like_the_child(generator, count=64, pairs=8, steps=9):
    random = np.random.default_rng(0)
    latents = random.standard_normal((count, 16)).astype(np.float32)
    nudged_latents = latents + 0.01 * random.standard_normal(latents.shape).astype(np.float32)
    fractions = np.linspace(0, 1, steps)[:, None]
    walks = np.stack(
        [generator(latents[i] + fractions * (latents[i + pairs] - latents[i])) for i in range(pairs)]
    )
    return generator(latents), generator(nudged_latents), nudged_latents, walks, latents


def test_a_smooth_generator_is_not_called_a_replay():
    reason, stats = replay.replay_evidence(*probe_like_the_child(smooth_generator))
    assert reason is None
    assert stats["frozen_share"] == 0 and stats["stalled_share"] == 0


def test_a_lookup_by_z_is_called_a_replay_without_any_known_data():
    table = np.random.default_rng(5).uniform(-1, 1, (500, 8, 8, 1))
    keys = np.random.default_rng(6).standard_normal((16, 500))

    def lookup(latents):
        return table[np.argmax(latents @ keys, axis=1)]

    reason, stats = replay.replay_evidence(*probe_like_the_child(lookup))
    assert reason.startswith("The samples are replayed, not generated: ")
    assert stats["frozen_share"] > 0.8 and stats["stalled_share"] > 0.3
