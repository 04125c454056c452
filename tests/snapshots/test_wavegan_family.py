"""WaveGAN snapshots through the family table: generate writes .wav files (one per seed, all in
one, a walk as one long .wav), pictures and pages; export records the rate; evaluate scores it
with the spoken-digit classifier; what a sound snapshot cannot do is one sentence."""

import json

import numpy as np
import pytest

from kerasgan import audio, snapshots
from kerasgan.cli import main
from kerasgan.models.layers import with_family_record
from kerasgan.models.wavegan import CONFIGS, wavegan_generator
from kerasgan.snapshots.wavegan import GAP_SECONDS

RATE, LENGTH = 4000, 1024


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    path = tmp_path_factory.mktemp("wavegan") / "generator-000001.keras"
    generator = wavegan_generator(LENGTH, latent_dim=8, model_dim=2, sample_rate=RATE)
    with_family_record(generator, "wavegan").save(path)
    return path


def test_the_snapshot_is_a_wavegan_one(snapshot):
    _, family = snapshots.load(snapshot)
    assert family.name == "wavegan" and family.makes == "sounds"


def test_generate_writes_one_wav_per_seed_and_all_in_one(snapshot, tmp_path):
    assert main(["generate", "--snapshot", str(snapshot), "--seeds", "0-3",
                 "--outdir", str(tmp_path / "seeds"), "--out", str(tmp_path / "all.wav")]) == 0
    singles = [audio.read_wav(tmp_path / "seeds" / f"seed{seed:04d}.wav") for seed in range(4)]
    assert all(rate == RATE and sound.shape == (LENGTH,) for sound, rate in singles)
    together, rate = audio.read_wav(tmp_path / "all.wav")
    gap = int(GAP_SECONDS * RATE)
    assert rate == RATE and together.shape == (4 * LENGTH + 3 * gap,)
    np.testing.assert_allclose(together[LENGTH + gap : 2 * LENGTH + gap], singles[1][0], atol=1e-4)
    assert np.all(together[LENGTH : LENGTH + gap] == 0)


def test_a_walk_is_one_long_wav_and_pictures_and_pages_are_written(snapshot, tmp_path):
    walk = tmp_path / "walk.wav"
    assert main(["generate", "--snapshot", str(snapshot), "--seeds", "0-2", "--interpolate",
                 "--steps", "4", "--out", str(walk)]) == 0
    sound, rate = audio.read_wav(walk)
    assert rate == RATE and sound.shape == (3 * 4 * LENGTH,)  # 3 legs (looping back) of 4 steps
    seed_zero = tmp_path / "zero"
    main(["generate", "--snapshot", str(snapshot), "--seeds", "0", "--outdir", str(seed_zero)])
    np.testing.assert_allclose(sound[:LENGTH], audio.read_wav(seed_zero / "seed0000.wav")[0], atol=1e-4)

    assert main(["generate", "--snapshot", str(snapshot), "--num", "6", "--out", str(tmp_path / "s.png")]) == 0
    assert (tmp_path / "s.png").stat().st_size > 0
    assert main(["generate", "--snapshot", str(snapshot), "--num", "6", "--out", str(tmp_path / "s.html")]) == 0
    assert (tmp_path / "s.html").read_text().count("<audio") == 6


def test_what_a_sound_snapshot_cannot_do_is_one_sentence(snapshot, tmp_path, capsys):
    assert main(["generate", "--snapshot", str(snapshot), "--num", "4", "--out", str(tmp_path / "g.gif")]) == 2
    assert "--out must end in .wav, .png, .html here" in capsys.readouterr().err
    assert main(["generate", "--snapshot", str(snapshot), "--class", "3", "--out", str(tmp_path / "g.wav")]) == 2
    assert "draws no classes" in capsys.readouterr().err
    assert main(["evaluate", "--snapshot", str(snapshot), "--dataset", "mnist"]) == 2
    assert "needs labelled clips" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_export_records_the_sample_rate(snapshot, tmp_path):
    assert main(["export", "--generator", str(snapshot), "--out", str(tmp_path / "export")]) == 0
    description = json.loads((tmp_path / "export" / "generator.json").read_text())
    assert description["sample_rate"] == RATE and description["makes"] == "sounds"


def test_evaluate_scores_the_sounds_with_the_digit_classifier(spoken_digits_npz, tmp_path, capsys):
    path = tmp_path / "small.keras"
    with_family_record(wavegan_generator(**CONFIGS["small"]), "wavegan").save(path)
    assert main(["evaluate", "--snapshot", str(path), "--dataset", str(spoken_digits_npz),
                 "--num", "100", "--json", str(tmp_path / "scores.json")]) == 0
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert scores["recognised_share"] <= 0.05  # an untrained generator says no word
    assert scores["fid"] > 50 and scores["num_reference_images"] == 400
    assert "spoken_digits-8000hz-classifier" in capsys.readouterr().out
