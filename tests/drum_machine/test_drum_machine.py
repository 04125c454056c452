"""`kerasgan drum-machine` in headless Chromium: the page loads offline with no console errors,
every pad's sound decodes with Web Audio, "Change" replaces a pad's sound from the bank, and an
OfflineAudioContext render of the pattern is loud at every hit. Also from a folder of .wav
files; a snapshot of images, a too small bank or folder is one sentence and writes nothing."""

import os

import numpy as np
import pytest

from kerasgan import audio
from kerasgan.cli import main
from kerasgan.models.dcgan import dcgan_generator
from kerasgan.models.layers import with_family_record
from kerasgan.models.wavegan import wavegan_generator

from headless import Page, chromium  # noqa: I100 (beside this file)

needs_chromium = pytest.mark.skipif(
    chromium() is None and not os.environ.get("CI"),
    reason="headless Chromium is not installed here (apt-get install chromium; .ci/run installs it)",
)

RATE = 8000


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    path = tmp_path_factory.mktemp("drums") / "generator-000001.keras"
    generator = wavegan_generator(1024 * 4, latent_dim=8, model_dim=2, sample_rate=RATE)
    with_family_record(generator, "wavegan").save(path)
    return path


def listen(page_path):
    page = Page(page_path.as_uri())
    try:
        page.evaluate("drumMachine.ready")
        return page, page.evaluate("""(async () => {
            const dm = drumMachine;
            const lengths = [];
            for (const index of dm.state.pads) lengths.push((await dm.buffer(index)).length);
            const before = dm.state.pads.slice();
            const changedTo = await dm.change(3);
            const { samples, rate, hits } = await dm.render(1);
            const peakAfter = (at) => { let peak = 0;
              for (let i = Math.floor(at * rate); i < Math.floor((at + 0.03) * rate); i++)
                peak = Math.max(peak, Math.abs(samples[i])); return peak; };
            return { lengths, before, after: dm.state.pads, changedTo, bank: dm.bankSize,
                     hits, hitPeaks: hits.map(peakAfter), rate,
                     pads: document.querySelectorAll('.pad').length,
                     cells: document.querySelectorAll('#grid .cell').length };
        })()""")
    finally:
        page.close()


@needs_chromium
def test_the_generated_drum_machine_plays_offline(snapshot, tmp_path, capsys):
    out = tmp_path / "drums.html"
    assert main(["drum-machine", "--snapshot", str(snapshot), "--bank", "12", "--out", str(out)]) == 0
    text = out.read_text()
    assert "http://" not in text and "https://" not in text  # nothing to fetch: works offline
    assert text.count("data:audio/wav;base64,") == 12
    page, heard = listen(out)
    assert page.console_errors == []
    assert heard["pads"] == 8 and heard["cells"] == 8 * 16 and heard["bank"] == 12
    # Every pad decoded: 4,096 samples at 8 kHz, resampled to the audio context's own rate.
    assert len(set(heard["lengths"])) == 1 and heard["lengths"][0] >= 4096
    assert heard["changedTo"] not in heard["before"] and heard["after"][3] == heard["changedTo"]
    assert heard["after"][:3] == heard["before"][:3]
    assert len(heard["hits"]) == 10  # the starting beat: 4 kicks, 2 snares, 4 hats
    assert min(heard["hitPeaks"]) > 1e-3, heard["hitPeaks"]


@needs_chromium
def test_a_folder_of_wav_files_makes_a_drum_machine(tmp_path):
    folder = tmp_path / "kit"
    folder.mkdir()
    times = np.arange(4000) / RATE
    for index in range(9):
        sound = np.sin(2 * np.pi * (80 + 40 * index) * times) * np.exp(-times * 12)
        audio.write_wav(folder / f"hit{index}.wav", sound, RATE)
    out = tmp_path / "kit.html"
    assert main(["drum-machine", "--sounds", str(folder), "--out", str(out)]) == 0
    page, heard = listen(out)
    assert page.console_errors == [] and heard["bank"] == 9
    assert heard["changedTo"] == 8  # the one sound no pad held
    assert min(heard["hitPeaks"]) > 0.05


def test_bad_input_is_one_sentence_and_writes_nothing(snapshot, tmp_path, capsys):
    images = tmp_path / "dcgan.keras"
    with_family_record(dcgan_generator((28, 28, 1), latent_dim=8, base_filters=4), "dcgan").save(images)
    out = tmp_path / "page.html"
    cases = [
        (["--snapshot", str(images)], "is a DCGAN generator, which makes images, not sounds"),
        (["--snapshot", str(snapshot), "--bank", "4"], "--bank must hold at least 8 sounds"),
        (["--sounds", str(tmp_path)], "holds 0 .wav files; a drum machine needs at least 8"),
    ]
    for arguments, words in cases:
        assert main(["drum-machine", *arguments, "--out", str(out)]) == 2
        error = capsys.readouterr().err
        assert words in error and "Traceback" not in error and len(error.strip().splitlines()) == 1
        assert not out.exists()
