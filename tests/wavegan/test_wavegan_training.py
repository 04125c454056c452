"""`kerasgan train wavegan` on real spoken digits: the run folder's sounds, and an exact resume.

One straight run and one killed-and-resumed run of the same command, each a tiny WaveGAN
(1,024 samples at 2 kHz, d = 2) on 23 real clips: 5 steps per epoch, intervals of 3 steps,
so the kill falls mid-epoch. The straight run's folder must hold every interval's picture,
its `.wav` files and its listening page; the resumed run's final checkpoint must equal the
straight run's bit for bit. The straight run goes on in the background while the other is
killed and resumed: each keeps about one core busy, and the machine has two.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
from killing_child import finish_child, run_child, start_child  # noqa: E402

from kerasgan import audio  # noqa: E402
from kerasgan.training import checkpoint  # noqa: E402

TINY = [
    "--cfg", "small", "--audio-length", "1024", "--sample-rate", "2000", "--model-dim", "2",
    "--latent-dim", "8", "--batch-size", "4", "--epochs", "2", "--interval-steps", "3",
    "--deterministic", "--verbose", "2",
]  # fmt: skip


def arguments(dataset, outdir):
    return ["train", "wavegan", "--dataset", str(dataset), "--outdir", str(outdir), *TINY]


@pytest.fixture(scope="module")
def runs(spoken_digits_npz, tmp_path_factory):
    """The straight run, and the same command killed after checkpoint 2 and run again."""
    folder = tmp_path_factory.mktemp("wavegan")
    with np.load(spoken_digits_npz) as archive:
        kept = {key: archive[key][:23] for key in ("x_train", "y_train")}
        kept.update(sample_rate=archive["sample_rate"], words=archive["words"])
    dataset = folder / "digits.npz"
    np.savez(dataset, **kept)
    straight = start_child(arguments(dataset, folder / "straight"))
    killed = run_child(arguments(dataset, folder / "resumed"), kill_after=2)
    resumed = run_child(arguments(dataset, folder / "resumed"))
    straight = finish_child(straight)
    assert straight.returncode == 0, straight.stdout[-2000:] + straight.stderr[-2000:]
    (straight_folder,) = (folder / "straight").iterdir()
    return {"straight": straight, "straight_folder": straight_folder, "killed": killed,
            "resumed": resumed, "resumed_outdir": folder / "resumed"}


def test_every_interval_writes_a_picture_wav_files_and_a_listening_page(runs):
    run_folder, stdout = runs["straight_folder"], runs["straight"].stdout
    assert "23 train clips" in stdout and "2,000 Hz" in stdout
    assert (run_folder / "reals.png").stat().st_size > 0
    for name in ("fakes_init", "fakes_000001", "fakes_000004"):
        assert (run_folder / f"{name}.png").stat().st_size > 0
        clips = sorted((run_folder / name).glob("sound_*.wav"))
        assert len(clips) == 16
        samples, rate = audio.read_wav(clips[0])
        assert rate == 2000 and samples.shape == (1024,)
        page = (run_folder / f"{name}.html").read_text()
        assert page.count("data:audio/wav;base64,") == 16 and page.count("<audio") == 16
    # The fixed latents: the init sounds and the last interval's differ, as training moved them.
    first, _ = audio.read_wav(run_folder / "fakes_init" / "sound_01.wav")
    last, _ = audio.read_wav(run_folder / "fakes_000004" / "sound_01.wav")
    assert not np.array_equal(first, last)
    assert sorted(path.name for path in run_folder.glob("generator-*.keras"))[-1] == "generator-000004.keras"
    stats = [line for line in (run_folder / "stats.jsonl").read_text().splitlines() if line]
    assert len(stats) == 4 and '"gradient_penalty"' in stats[-1]
    assert "Listen to it:" in stdout
    # TensorBoard's Audio tab: the 16 sounds at each interval's step (and the untrained ones).
    assert audio_steps(run_folder) == [0, 3, 6, 9, 10]
    import tensorflow as tf

    (last_events,) = (run_folder / "logs").glob("audio.*.step-000000010")
    values = [value for event in tf.compat.v1.train.summary_iterator(str(last_events))
              for value in event.summary.value]
    assert [value.tag for value in values] == ["fakes"]
    assert tf.make_ndarray(values[0].tensor).shape == (16, 2)  # 16 encoded .wav clips and labels


def audio_steps(run_folder):
    return sorted(int(path.name.rsplit("-", 1)[1]) for path in (run_folder / "logs").glob("audio.*"))


def test_killed_and_resumed_equals_straight_bit_for_bit(runs):
    straight_folder, killed, resumed = runs["straight_folder"], runs["killed"], runs["resumed"]
    assert killed.returncode == -9 and "killed after checkpoint 2" in killed.stdout
    assert resumed.returncode == 0, resumed.stdout[-2000:] + resumed.stderr[-2000:]
    assert "after interval 2 (step 6" in resumed.stdout

    (resumed_folder,) = runs["resumed_outdir"].iterdir()
    straight_header, straight_arrays = checkpoint.read_checkpoint_file(straight_folder / "checkpoint.npz")
    resumed_header, resumed_arrays = checkpoint.read_checkpoint_file(resumed_folder / "checkpoint.npz")
    assert straight_header["progress"]["step"] == resumed_header["progress"]["step"] == 10
    assert sorted(straight_arrays) == sorted(resumed_arrays)
    for key in sorted(straight_arrays):
        np.testing.assert_array_equal(straight_arrays[key], resumed_arrays[key], err_msg=key)
    sounds = [audio.read_wav(folder / "fakes_000004" / "sound_05.wav")[0]
              for folder in (straight_folder, resumed_folder)]
    np.testing.assert_array_equal(*sounds)
    assert audio_steps(resumed_folder) == audio_steps(straight_folder)  # each step once
