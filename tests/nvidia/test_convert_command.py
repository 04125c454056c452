"""`kerasgan convert` and `--snapshot NETWORK.pkl`: files from an NVIDIA-layout pickle, named
networks through a local server."""

import functools
import http.server
import json
import threading
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

from kerasgan import snapshots
from kerasgan.cli import main
from kerasgan.images import to_uint8
from kerasgan.nvidia.writer import (
    networks_from_fixture,
    tensorflow_networks_from_fixture,
    write_network_pickle,
    write_tensorflow_pickle,
)
from kerasgan.snapshots import sampling
from kerasgan.snapshots.stylegan2_sampling import latents_for_seeds
from kerasgan.training import checkpoint

FIXTURE = Path(__file__).parent / "fixtures" / "cifar32.npz"
PLAIN64 = Path(__file__).parent / "fixtures" / "plain64.npz"
CONFIG_F = Path(__file__).parent / "fixtures" / "configf64.npz"


@pytest.fixture(scope="module")
def cifar_arrays():
    return np.load(FIXTURE)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no request lines on stderr: the tests read it
        pass


@pytest.fixture(scope="module")
def served(cifar_arrays, tmp_path_factory):
    """A 127.0.0.1 server holding the cifar32 networks where NVIDIA keeps cifar10.pkl."""
    root = tmp_path_factory.mktemp("mirror")
    folder = root / "stylegan2-ada-pytorch" / "pretrained"
    folder.mkdir(parents=True)
    write_network_pickle(folder / "cifar10.pkl", networks_from_fixture(cifar_arrays))
    # NVlabs/stylegan2's TensorFlow config-f networks: the 64 px configf64 one where the cats
    # are (the tests expect 64 px of it), and a PyTorch pickle where a TensorFlow one belongs.
    config_f = root / "stylegan2" / "networks"
    config_f.mkdir(parents=True)
    write_tensorflow_pickle(config_f / "stylegan2-cat-config-f.pkl",
                            tensorflow_networks_from_fixture(np.load(CONFIG_F)))
    (config_f / "stylegan2-horse-config-f.pkl").write_bytes((folder / "cifar10.pkl").read_bytes())
    # A 64 px face-network stand-in where NVIDIA keeps ffhq.pkl (the tests expect 64 px of it).
    write_network_pickle(folder / "ffhq.pkl", networks_from_fixture(np.load(PLAIN64)))
    (folder / "metfaces.pkl").write_bytes(b"not a pickle at all")
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", folder
    server.shutdown()
    server.server_close()


def test_convert_writes_a_plain_keras_g_ema_and_a_checkpoint(cifar_arrays, tmp_path, capsys):
    pickle_path = tmp_path / "network-snapshot-000000.pkl"
    write_network_pickle(pickle_path, networks_from_fixture(cifar_arrays))
    assert main(["convert", str(pickle_path), "--out", str(tmp_path / "out")]) == 0
    assert "G_ema" in capsys.readouterr().out
    generator = keras.models.load_model(tmp_path / "out" / "generator.keras")
    expected = cifar_arrays["out/images_psi1"]
    images = np.asarray(generator([cifar_arrays["in/z"], cifar_arrays["in/labels"]]))
    assert np.abs(images - expected).max() < 1e-3
    header = checkpoint.read_header(tmp_path / "out" / "checkpoint.npz")
    assert set(header["networks"]) == {"generator", "discriminator"}
    record = json.loads((tmp_path / "out" / "conversion.json").read_text())
    assert record["generator"]["num_classes"] == 10 and record["generator"]["image_size"] == 32


def test_a_tensorflow_pickle_converts_and_draws_like_a_pytorch_one(tmp_path, monkeypatch,
                                                                   capsys):
    # A config-f pickle of NVlabs/stylegan2 (TensorFlow): NVIDIA's legacy.py conversion of it
    # drew out/* (tools/nvidia_reference.py).
    arrays = np.load(CONFIG_F)
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    pickle_path = tmp_path / "stylegan2-configf64.pkl"
    write_tensorflow_pickle(pickle_path, tensorflow_networks_from_fixture(arrays))
    assert main(["convert", str(pickle_path), "--out", str(tmp_path / "out")]) == 0
    assert "(64 px): " in capsys.readouterr().out
    generator = keras.models.load_model(tmp_path / "out" / "generator.keras")
    images = np.asarray(generator(arrays["in/z"]))
    assert np.abs(images - arrays["out/images_psi1"]).max() < 1e-3
    header = checkpoint.read_header(tmp_path / "out" / "checkpoint.npz")
    assert set(header["networks"]) == {"generator", "discriminator"}
    record = json.loads((tmp_path / "out" / "conversion.json").read_text())
    assert record["generator"]["mapping_layers"] == 8 and record["config"]["mbstd_group_size"] > 8
    # --snapshot takes it as it takes a PyTorch pickle: converted once, said so, NVIDIA's seeds.
    assert main(["generate", "--snapshot", str(pickle_path), "--seeds", "85,265", "--trunc", "1",
                 "--noise-mode", "const", "--outdir", str(tmp_path / "seeds")]) == 0
    assert "Converted NVIDIA's network" in capsys.readouterr().err
    nvidia = to_uint8(arrays["out/images_seeds"]).astype(int)
    for index, seed in enumerate([85, 265]):
        drawn = np.asarray(Image.open(tmp_path / "seeds" / f"seed{seed:04d}.png").convert("RGB"))
        assert np.abs(drawn.astype(int) - nvidia[index]).max() <= 1


def test_seeds_draw_z_as_nvidias_generate_py():
    z = latents_for_seeds([85, 265], 512)
    assert z.shape == (2, 512) and z.dtype == np.float32
    np.testing.assert_array_equal(z[1], np.random.RandomState(265).randn(512).astype("float32"))


def test_seeds_draw_the_pictures_nvidias_code_draws_for_them(cifar_arrays, tmp_path,
                                                             monkeypatch):
    # out/images_seeds: NVIDIA's G_ema for z = RandomState(seed).randn(1, z_dim), seeds 85
    # and 265, class 3, psi 1, constant noise (tools/nvidia_reference.py).
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    pickle_path = tmp_path / "cifar.pkl"
    write_network_pickle(pickle_path, networks_from_fixture(cifar_arrays))
    seeds = [int(seed) for seed in cifar_arrays["in/seeds"]]
    assert seeds == [85, 265]
    assert main(["generate", "--snapshot", str(pickle_path), "--seeds", "85,265",
                 "--class", str(int(cifar_arrays["in/seed_class"])), "--trunc", "1",
                 "--noise-mode", "const", "--outdir", str(tmp_path / "seeds")]) == 0
    nvidia = to_uint8(cifar_arrays["out/images_seeds"]).astype(int)
    for index, seed in enumerate(seeds):
        drawn = np.asarray(Image.open(tmp_path / "seeds" / f"seed{seed:04d}.png").convert("RGB"))
        # The floats agree within 1e-3, so a pixel may round to the neighbouring level.
        assert np.abs(drawn.astype(int) - nvidia[index]).max() <= 1
    # kerasgan's own seed rule would draw other pictures: the rule is what this pins.
    generator, family = snapshots.load(str(pickle_path))
    labels = np.full(2, 3, dtype="int32")
    ours = family.sample(generator, family.latents_for_seeds(seeds, 32), labels, truncation_psi=1.0)
    assert np.abs(ours - cifar_arrays["out/images_seeds"]).max() < 1e-3
    other = family.sample(generator, sampling.latents_for_seeds(seeds, 32), labels,
                          truncation_psi=1.0)
    assert np.abs(other - cifar_arrays["out/images_seeds"]).max() > 0.1


def test_list_names_the_networks(capsys):
    assert main(["convert", "--list"]) == 0
    listed = capsys.readouterr().out
    for name in ("ffhq", "metfaces", "afhqcat", "cifar10", "ffhq256"):
        assert f"  {name} " in listed
    # NVlabs/stylegan2's config-f networks, with their resolution and TensorFlow layout.
    lines = {line.split()[0]: line.split() for line in listed.splitlines()[1:]}
    assert lines["ffhq-config-f"][1:4] == ["1024", "px", "TensorFlow"]
    assert lines["cat"][1:4] == ["256", "px", "TensorFlow"]
    assert lines["car"][1] == "512" and lines["church"][3] == lines["horse"][3] == "TensorFlow"
    assert lines["ffhq"][3] == "PyTorch"


def test_a_named_network_downloads_once_is_checked_and_converts(served, tmp_path, monkeypatch,
                                                                cifar_arrays, capsys):
    from kerasgan.nvidia import networks

    address, _ = served
    monkeypatch.setenv("KERASGAN_NVIDIA_URL", address)
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    assert main(["convert", "cifar10", "--out", str(tmp_path / "out")]) == 0
    downloaded = tmp_path / "cache" / "nvidia" / "downloads" / "cifar10.pkl"
    assert downloaded.is_file()
    generator = keras.models.load_model(tmp_path / "out" / "generator.keras")
    images = np.asarray(generator([cifar_arrays["in/z"], cifar_arrays["in/labels"]]))
    assert np.abs(images - cifar_arrays["out/images_psi1"]).max() < 1e-3

    # A TensorFlow config-f network by name: its (G, D, Gs) checked, Gs drawn as NVIDIA draws it.
    path, _, classes, what = networks.NAMED_NETWORKS["cat"]
    monkeypatch.setitem(networks.NAMED_NETWORKS, "cat", (path, 64, classes, what))
    assert main(["convert", "cat", "--out", str(tmp_path / "cats")]) == 0
    assert "(64 px): " in capsys.readouterr().out
    assert (tmp_path / "cache" / "nvidia" / "downloads" / "stylegan2-cat-config-f.pkl").is_file()
    arrays = np.load(CONFIG_F)
    generator = keras.models.load_model(tmp_path / "cats" / "generator.keras")
    assert np.abs(np.asarray(generator(arrays["in/z"])) - arrays["out/images_psi1"]).max() < 1e-3
    # Downloaded once: with the address unreachable, --snapshot cat converts the cached file.
    monkeypatch.setenv("KERASGAN_NVIDIA_URL", "http://127.0.0.1:9/")
    for said in ("Converted NVIDIA's network", "cached at"):
        converted = networks.converted_generator("cat")
        assert said in capsys.readouterr().err
    assert keras.models.load_model(converted).output_shape[1:] == (64, 64, 3)


def test_a_download_that_fails_its_check_is_deleted_and_one_sentence(served, tmp_path,
                                                                     monkeypatch, capsys):
    address, _ = served
    monkeypatch.setenv("KERASGAN_NVIDIA_URL", address)
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    # metfaces is not a pickle at all; horse is a PyTorch pickle where a TensorFlow one belongs.
    for name, file_name, problem in (
            ("metfaces", "metfaces.pkl", "failed its check"),
            ("horse", "stylegan2-horse-config-f.pkl", "(G, D, Gs) of a TensorFlow pickle")):
        assert main(["convert", name, "--out", str(tmp_path / "out")]) == 2
        error = capsys.readouterr().err.strip().splitlines()
        assert len(error) == 1 and problem in error[0] and "deleted" in error[0]
        assert not (tmp_path / "cache" / "nvidia" / "downloads" / file_name).exists()
        assert not (tmp_path / "out" / "generator.keras").exists()


def test_offline_is_one_sentence_naming_the_address(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KERASGAN_NVIDIA_URL", "http://127.0.0.1:9/")  # nothing listens there
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    assert main(["convert", "afhqcat", "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1
    assert "http://127.0.0.1:9/stylegan2-ada-pytorch/pretrained/afhqcat.pkl" in error[0]
    assert "pass the file" in error[0] and "`kerasgan convert afhqcat.pkl`" in error[0]
    assert main(["convert", "church", "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "pass the file" in error[0]
    assert "http://127.0.0.1:9/stylegan2/networks/stylegan2-church-config-f.pkl" in error[0]


def test_a_refused_pickle_writes_nothing(tmp_path, capsys):
    import os
    import pickle

    class Attack:
        def __reduce__(self):
            return (os.system, (f"touch {tmp_path / 'marker'}",))

    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps({"G": Attack()}))
    assert main(["convert", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "ran nothing" in capsys.readouterr().err
    assert not (tmp_path / "marker").exists() and not (tmp_path / "out").exists()


def test_generate_draws_the_converted_snapshot(cifar_arrays, tmp_path):
    pickle_path = tmp_path / "cifar.pkl"
    write_network_pickle(pickle_path, networks_from_fixture(cifar_arrays))
    assert main(["convert", str(pickle_path), "--out", str(tmp_path / "out")]) == 0
    snapshot = str(tmp_path / "out" / "generator.keras")
    assert main(["generate", "--snapshot", snapshot, "--seeds", "0-1", "--class", "3",
                 "--trunc", "0.7", "--out", str(tmp_path / "two.png")]) == 0
    assert (tmp_path / "two.png").stat().st_size > 0


def test_snapshot_takes_a_pickle_and_a_named_network_converted_once(
        served, cifar_arrays, tmp_path, monkeypatch, capsys):
    address, folder = served
    monkeypatch.setenv("KERASGAN_NVIDIA_URL", address)
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    pickle_path = str(folder / "cifar10.pkl")
    for attempt, said in ((1, "Converted NVIDIA's network"), (2, "cached at")):
        out = tmp_path / f"grid{attempt}.png"
        assert main(["generate", "--snapshot", pickle_path, "--seeds", "0-1", "--class", "3",
                     "--out", str(out)]) == 0
        assert said in capsys.readouterr().err and out.stat().st_size > 0
    # By name: downloaded through the local server, then the same cached conversion.
    assert main(["generate", "--snapshot", "cifar10", "--seeds", "0", "--class", "1",
                 "--out", str(tmp_path / "named.png")]) == 0
    assert "cached at" in capsys.readouterr().err
    converted = list((tmp_path / "cache" / "nvidia" / "converted").glob("*/generator.keras"))
    assert len(converted) == 1
    generator = keras.models.load_model(converted[0])
    images = np.asarray(generator([cifar_arrays["in/z"], cifar_arrays["in/labels"]]))
    assert np.abs(images - cifar_arrays["out/images_psi1"]).max() < 1e-3


def test_face_commands_default_to_the_ffhq_network(served, tmp_path, monkeypatch, capsys):
    from skimage import data

    from kerasgan.nvidia import networks

    address, _ = served
    monkeypatch.setenv("KERASGAN_NVIDIA_URL", address)
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    path, _, classes, what = networks.NAMED_NETWORKS["ffhq"]
    monkeypatch.setitem(networks.NAMED_NETWORKS, "ffhq", (path, 64, classes, what))
    selfies = tmp_path / "selfies"
    selfies.mkdir()
    Image.fromarray(data.astronaut()).save(selfies / "ada.png")

    # Without --align, project has no face network to assume: one sentence.
    assert main(["project", "--target", str(selfies / "ada.png")]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "needs --snapshot" in error[0]

    out = tmp_path / "me"
    assert main(["project", "--target", str(selfies / "ada.png"), "--align", "--steps", "2",
                 "--space", "w", "--outdir", str(out)]) == 0
    said = capsys.readouterr().err
    assert "No --snapshot given" in said and "--snapshot ffhq" in said
    assert (tmp_path / "cache" / "nvidia" / "downloads" / "ffhq.pkl").is_file()
    assert np.load(out / "projected_w.npy").shape == (10, 32)  # the served network's ws
    assert main(["class-photo", str(selfies), "--out", str(tmp_path / "class"), "--steps", "2",
                 "--steps-between", "2", "--space", "w"]) == 0
    said = capsys.readouterr().err
    assert "No --snapshot given" in said and "cached at" in said
    assert np.load(tmp_path / "class" / "students" / "ada" / "projected_w.npy").shape == (10, 32)
