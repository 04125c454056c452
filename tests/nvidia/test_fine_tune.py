"""`kerasgan train stylegan2 --resume-from NETWORK.pkl`: fine-tuning NVIDIA's networks.

The network is the committed 32 px conditional `cifar` fixture (10 classes, G's mapping
2 layers deep, D's 8), written as an NVIDIA pickle by our writer; the data are real
CIFAR-10 images from ../shared/data. One fine-tune runs through the command line, is
killed with SIGKILL after its first checkpoint and resumed by the same command; the
other checks run in this process and build no training step.
"""

import functools
import http.server
import json
import shutil
import sys
import threading
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reliability"))
from killing_child import finish_child, run_child, start_child  # noqa: E402

from kerasgan.cli import main  # noqa: E402
from kerasgan.models.stylegan2 import StyleGAN2  # noqa: E402
from kerasgan.nvidia.pickles import read_network_pickle  # noqa: E402
from kerasgan.nvidia.writer import networks_from_fixture, write_network_pickle  # noqa: E402
from kerasgan.training import checkpoint  # noqa: E402
from kerasgan.training.fine_tune import load_pretrained_weights  # noqa: E402
from kerasgan.training.recipes import recipe_for  # noqa: E402
from kerasgan.training.trainer import resolve_options  # noqa: E402

FIXTURE = Path(__file__).parent / "fixtures" / "cifar32.npz"
BATCH_SIZE = 8
INTERVAL_STEPS = 3
IMAGES = 6 * BATCH_SIZE  # 6 steps: intervals end at steps 3 and 6


@pytest.fixture(scope="module")
def files(tmp_path_factory, cifar10_npz):
    """The network pickle, 48 real CIFAR-10 images as an .npz, and datasets that do not fit."""
    folder = tmp_path_factory.mktemp("fine_tune")
    write_network_pickle(folder / "cifar.pkl", networks_from_fixture(np.load(FIXTURE)))
    with np.load(cifar10_npz) as archive:
        x, y = archive["x_train"][:IMAGES], archive["y_train"][:IMAGES]
    # Named cifar10_*, so it is read as CIFAR-10 (its ten class names).
    np.savez(folder / "cifar10_few.npz", x_train=x, y_train=y, x_test=x[:8], y_test=y[:8])
    big = np.repeat(np.repeat(x[:8], 2, axis=1), 2, axis=2)  # the same photos at 64 px
    np.savez(folder / "big.npz", x_train=big, y_train=y[:8], x_test=big, y_test=y[:8])
    np.savez(folder / "five_classes.npz", x_train=x, y_train=y % 5, x_test=x[:8], y_test=y[:8] % 5)
    (folder / "photos").mkdir()  # no subfolder per class: no labels
    for index in range(4):
        Image.fromarray(x[index]).save(folder / "photos" / f"{index}.png")
    return folder


def fine_tune_command(files, outdir):
    return [
        "train", "stylegan2", "--dataset", str(files / "cifar10_few.npz"),
        "--resume-from", str(files / "cifar.pkl"), "--augment", "translation",
        "--augment-p", "ada", "--freeze-discriminator-layers", "1", "--cfg", "cifar",
        "--outdir", str(outdir), "--epochs", "1", "--batch-size", str(BATCH_SIZE),
        "--interval-steps", str(INTERVAL_STEPS), "--deterministic", "--verbose", "2",
    ]  # fmt: skip


def test_a_fine_tune_from_a_pickle_runs_and_resumes_exactly_after_sigkill(files, tmp_path):
    argv = fine_tune_command(files, tmp_path / "out")
    # The straight run, never killed, goes on in the background meanwhile.
    straight = start_child(fine_tune_command(files, tmp_path / "straight"))
    killed = run_child(argv, kill_after=1)
    assert killed.returncode == -9, killed.stdout[-2000:] + killed.stderr[-2000:]
    assert "copied G, D and G_ema" in killed.stdout
    (run_folder,) = (tmp_path / "out").iterdir()
    killed_header, killed_arrays = checkpoint.read_checkpoint_file(run_folder / "checkpoint.npz")
    assert killed_header["progress"]["step"] == INTERVAL_STEPS

    # The network's settings, not the --cfg row's, built the run; they are on record.
    options = json.loads((run_folder / "training_options.json").read_text())
    network = options["cfg_values"]
    assert (options["image_size"], options["latent_dim"]) == (32, 32)
    assert (network["num_classes"], network["mapping_layers"]) == (10, 2)
    assert network["discriminator_mapping_layers"] == 8
    assert (network["channel_base"], network["channel_max"]) == (1024, 32)
    assert network["discriminator_architecture"] == "orig"
    assert network["mbstd_group_size"] == BATCH_SIZE  # the pickle's 32, at most the batch

    resumed = run_child(argv)
    assert resumed.returncode == 0, resumed.stdout[-2000:] + resumed.stderr[-2000:]
    # The checkpoint, not the pickle again, is where the resumed run starts.
    assert f"after interval 1 (step {INTERVAL_STEPS}" in resumed.stdout
    assert "copied G, D and G_ema" not in resumed.stdout
    header, arrays = checkpoint.read_checkpoint_file(run_folder / "checkpoint.npz")
    total = IMAGES // BATCH_SIZE
    assert header["progress"]["step"] == total
    paths = header["variable_paths"]
    for network_name in ("generator_optimizer", "discriminator_optimizer"):
        iterations = [int(arrays[key]) for key, path in paths.items()
                      if key.startswith(network_name + "/") and path.endswith("iteration")]
        assert iterations == [total], (network_name, iterations)
    # The frozen first layer of D (fromrgb) kept NVIDIA's weights through both processes.
    networks = read_network_pickle(files / "cifar.pkl")
    fromrgb = [key for key, path in paths.items()
               if key in header["networks"]["discriminator"] and "fromrgb" in path
               and path.endswith("kernel")]
    nvidia = np.transpose(networks["D"].tensors()["b32.fromrgb.weight"], (2, 3, 1, 0))
    np.testing.assert_allclose(arrays[fromrgb[0]], nvidia, atol=1e-6)
    # The grid's latents (a row per class) came back from the checkpoint, not drawn anew.
    np.testing.assert_array_equal(arrays["array/class_grid_latents"],
                                  killed_arrays["array/class_grid_latents"])
    # Training moved the rest on after the kill.
    for key in header["networks"]["generator"][:3]:
        assert not np.array_equal(arrays[key], killed_arrays[key]), paths[key]

    # Exactly: a run never killed ends with the same numbers, bit for bit.
    straight = finish_child(straight)
    assert straight.returncode == 0, straight.stdout[-2000:] + straight.stderr[-2000:]
    (straight_folder,) = (tmp_path / "straight").iterdir()
    _, straight_arrays = checkpoint.read_checkpoint_file(straight_folder / "checkpoint.npz")
    assert set(straight_arrays) == set(arrays)
    different = [paths.get(key, key) for key in arrays
                 if not np.array_equal(arrays[key], straight_arrays[key])]
    assert not different, different[:5]

    # The snapshot is a conditional generator plain Keras loads and draws per class.
    snapshot = keras.models.load_model(run_folder / "generator-000002.keras")
    images = np.asarray(snapshot([np.zeros((2, 32), "float32"), np.array([3, 7])]))
    assert images.shape == (2, 32, 32, 3) and np.isfinite(images).all()
    assert (run_folder / "fakes_000002.png").exists()


def test_a_converted_folder_fine_tunes_with_g_d_and_g_ema(files, tmp_path):
    converted = tmp_path / "converted"
    assert main(["convert", str(files / "cifar.pkl"), "--out", str(converted)]) == 0
    options = resolve_options(
        "stylegan2", str(files / "cifar10_few.npz"), resume_from=str(converted), batch_size=8
    )
    assert options.cfg_values["discriminator_mapping_layers"] == 8
    assert options.cfg_values["mapping_layers"] == 2
    recipe = recipe_for("stylegan2")
    gan = recipe.build(options, recipe.load_data(options.dataset, options))
    note = load_pretrained_weights(options.resume_from, gan, options.to_dict())
    assert "G, D and G_ema" in note

    def weights(model):
        return [v.numpy() for v in model.variables if "seed_generator" not in v.path]

    header, arrays = checkpoint.read_checkpoint_file(converted / "checkpoint.npz")
    for name in ("generator", "discriminator"):
        saved = [arrays[key] for key in header["networks"][name]
                 if "seed_generator" not in header["variable_paths"][key]]
        for value, expected in zip(weights(getattr(gan, name)), saved, strict=True):
            np.testing.assert_array_equal(value, expected)
    g_ema = keras.models.load_model(converted / "generator.keras")
    for value, expected in zip(weights(gan.ema_generator), weights(g_ema), strict=True):
        np.testing.assert_array_equal(value, expected)
    # G and G_ema differ in the fixture: the average was copied, not rebuilt from G.
    assert any(not np.array_equal(a, b)
               for a, b in zip(weights(gan.generator), weights(gan.ema_generator)))

    # A config saved before the discriminator had its own mapping depth: G's, as it was.
    config = gan.get_config()
    assert config["discriminator_mapping_layers"] == 8
    del config["discriminator_mapping_layers"], config["discriminator"]
    older = StyleGAN2.from_config(config)
    assert older.discriminator_mapping_layers == 2
    assert len(older.discriminator.get_layer("label_mapping").dense_layers) == 2


@pytest.mark.parametrize(
    "dataset, extra, message",
    [
        ("big.npz", [], "The dataset {data} holds 64-pixel images and NVIDIA's network "
                        "{pkl} draws 32-pixel ones"),
        ("cifar10_few.npz", ["--image-size", "64"], "draws 32-pixel images, not 64"),
        ("photos", [], "NVIDIA's network {pkl} is conditional on 10 classes but the dataset "
                       "{data} has no classes"),
        ("five_classes.npz", [], "conditional on 10 classes but the dataset {data} has 5 classes"),
    ],
)
def test_a_network_that_does_not_fit_the_data_is_one_sentence(files, tmp_path, capsys, dataset,
                                                              extra, message):
    data = files / dataset
    status = main(["train", "stylegan2", "--dataset", str(data), "--resume-from",
                   str(files / "cifar.pkl"), "--outdir", str(tmp_path / "out"), *extra])
    error = capsys.readouterr().err
    assert status == 2
    assert message.format(data=data, pkl=files / "cifar.pkl") in error
    assert "Traceback" not in error and error.count(". ") == 0
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_an_nvidia_network_for_another_model_is_one_sentence(files, tmp_path, capsys):
    status = main(["train", "dcgan", "--dataset", str(files / "cifar10_few.npz"),
                   "--resume-from", str(files / "cifar.pkl"), "--outdir", str(tmp_path / "out")])
    assert status == 2
    assert "is one of NVIDIA's StyleGAN2 networks, and this run trains a dcgan" in (
        capsys.readouterr().err)
    assert not (tmp_path / "out").exists()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no request lines on stderr
        pass


def test_a_named_network_downloads_once_to_fine_tune_and_offline_is_one_sentence(
    files, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("KERASGAN_CACHE", str(tmp_path / "cache"))
    mirror = tmp_path / "mirror" / "stylegan2-ada-pytorch" / "pretrained"
    mirror.mkdir(parents=True)
    shutil.copy(files / "cifar.pkl", mirror / "cifar10.pkl")  # where NVIDIA keeps cifar10.pkl
    handler = functools.partial(QuietHandler, directory=str(tmp_path / "mirror"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("KERASGAN_NVIDIA_URL", f"http://127.0.0.1:{server.server_address[1]}/")
        options = resolve_options("stylegan2", str(files / "cifar10_few.npz"),
                                  resume_from="cifar10", batch_size=8)
    finally:
        server.shutdown()
        server.server_close()
    downloaded = tmp_path / "cache" / "nvidia" / "downloads" / "cifar10.pkl"
    assert options.resume_from == str(downloaded.resolve())
    assert options.cfg_values["num_classes"] == 10

    # Nothing listens there now: what a student offline gets, naming the address.
    downloaded.unlink()
    status = main(["train", "stylegan2", "--dataset", str(files / "cifar10_few.npz"),
                   "--resume-from", "cifar10", "--outdir", str(tmp_path / "out")])
    error = capsys.readouterr().err
    assert status == 2
    assert "Could not download NVIDIA's cifar10 network from http://127.0.0.1:" in error
    assert "`--resume-from cifar10.pkl`" in error  # what to type here, not another command's flag
    assert not (tmp_path / "out").exists()
