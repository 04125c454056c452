"""BigGAN through `hub.load` on stand-in modules in both TF Hub formats.

Every test taking the `biggan` or `standin` fixture runs twice: on a TF1 Hub
module (the format of the DeepMind modules) and on a TF2 SavedModel.
"""

import hashlib
import os
import shutil
import socket
import threading
import urllib.error
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest

from kerasgan.errors import KerasganError
from kerasgan.hub import tfhub
from kerasgan.hub.biggan import BigGAN, check_truncation, truncated_noise
from kerasgan.snapshots.sampling import lerp, slerp

# --- Loading: the same hub.load path as the real modules ------------------------------------


def test_sizes_are_read_from_the_signature(biggan, standin):
    _, latent_dim, resolution = standin
    assert biggan.latent_dim == latent_dim
    assert biggan.resolution == resolution
    assert biggan.num_classes == 1000
    assert f"{resolution}x{resolution}" in repr(biggan)


def test_tf1_module_is_loaded_as_a_hub_module(standin_folders):
    loaded = tfhub.load_module(str(standin_folders["tf1-hub-module"]))
    assert loaded._is_hub_module_v1  # tensorflow-hub saw the tfhub_module.pb marker
    assert "default" in loaded.signatures


def test_folder_without_saved_model_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no saved_model.pb"):
        BigGAN(str(tmp_path))


def test_unknown_model_lists_the_presets():
    with pytest.raises(ValueError, match="biggan-deep-128, biggan-deep-256") as error:
        BigGAN("biggan-deep-1024")
    assert "folder" in str(error.value)


def test_archive_must_be_unpacked_first(tmp_path):
    archive = tmp_path / "biggan-deep-256.tar.gz"
    archive.write_bytes(b"not really an archive")
    with pytest.raises(ValueError, match="unpack it into a folder first"):
        BigGAN(str(archive))


def test_module_without_default_signature_is_rejected(tmp_path):
    import tensorflow as tf

    class Doubler(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def double(self, x):
            return {"output": 2 * x}

    module = Doubler()
    tf.saved_model.save(module, str(tmp_path), signatures={"serving_default": module.double})
    with pytest.raises(ValueError, match=r"no 'default' signature \(found: serving_default\)"):
        BigGAN(str(tmp_path))


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, "8"])
def test_batch_size_must_be_positive(batch_size, standin_folders):
    with pytest.raises(ValueError, match="batch_size"):
        BigGAN(str(standin_folders["tf2-saved-model"]), batch_size=batch_size)


# --- Without network: one sentence saying how to get the model -------------------------------


def _offline_message(model="biggan-deep-256"):
    with pytest.raises(KerasganError) as error:
        BigGAN(model)
    return str(error.value)


def test_preset_offline_says_download_once_cache_and_local_copy(tmp_path):
    handle = tfhub.PRESETS["biggan-deep-256"]
    cache_folder = tmp_path / "tfhub_cache" / hashlib.sha1(handle.encode()).hexdigest()
    message = _offline_message()
    assert "must be downloaded once" in message
    assert handle in message
    assert str(cache_folder) in message
    assert "TFHUB_CACHE_DIR" in message
    assert "--model PATH" in message and "BigGAN(model=PATH)" in message
    # One sentence: a single line with a single full stop, at the end.
    assert "\n" not in message
    assert message.endswith(".") and ". " not in message


def test_cause_of_the_offline_error_is_kept():
    with pytest.raises(KerasganError) as error:
        BigGAN("biggan-128")
    assert isinstance(error.value.__cause__, urllib.error.URLError)
    assert isinstance(error.value.__cause__.reason, socket.gaierror)
    assert "biggan-128/2" in str(error.value)


def test_offline_message_tells_the_truth_about_the_cache(tmp_path, standin_folders):
    """A module put where the message says loads offline under the preset name."""
    handle = tfhub.PRESETS["biggan-deep-256"]
    cache_folder = tfhub.cached_module_folder(handle)
    assert cache_folder in _offline_message()
    shutil.copytree(standin_folders["tf1-hub-module"], cache_folder)
    biggan = BigGAN("biggan-deep-256")  # still offline: getaddrinfo fails in these tests
    assert biggan.latent_dim == 140
    assert biggan.sample("hen", num=1, seed=0).shape == (1, 16, 16, 3)


def test_offline_cli_prints_the_sentence(capsys):
    from kerasgan import cli

    assert cli.main(["biggan", "--classes", "hen"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(
        "kerasgan: error: BigGAN model 'biggan-deep-256' must be downloaded once"
    )
    assert "TFHUB_CACHE_DIR" in error


def test_silent_server_times_out_instead_of_hanging(monkeypatch):
    """A server that accepts the connection and never answers fails after the timeout."""
    monkeypatch.setattr(tfhub, "DOWNLOAD_TIMEOUT_SECONDS", 0.5)
    with socket.socket() as silent_server:
        silent_server.bind(("127.0.0.1", 0))
        silent_server.listen(1)  # the kernel completes the handshake; nobody ever replies
        handle = f"http://127.0.0.1:{silent_server.getsockname()[1]}/deepmind/biggan-deep-256/1"
        with pytest.raises(KerasganError, match=r"no answer within 0.5 s"):
            BigGAN(handle)
    assert socket.getdefaulttimeout() is None  # the timeout was for the download only


def test_interrupted_download_is_reported_instead_of_waiting(tmp_path):
    """tensorflow-hub would wait 10 minutes for the lock file a killed download left behind."""
    cache_folder = tfhub.cached_module_folder(tfhub.PRESETS["biggan-deep-256"])
    os.makedirs(os.path.dirname(cache_folder))
    lock = cache_folder + ".lock"
    with open(lock, "w") as handle:
        handle.write("colab.1234.abc")
    with pytest.raises(KerasganError, match="running or was interrupted") as error:
        BigGAN("biggan-deep-256")
    assert f"(lock file {lock})" in str(error.value)


class _NotFoundHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_error(404)

    def log_message(self, *args):
        pass


def test_missing_handle_says_http_404():
    server = HTTPServer(("127.0.0.1", 0), _NotFoundHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(KerasganError, match=r"no module at .* \(HTTP 404\)"):
            BigGAN(f"http://127.0.0.1:{server.server_port}/deepmind/biggan-deep-9000/1")
    finally:
        server.shutdown()
        server.server_close()


# --- Noise and truncation ---------------------------------------------------------------------


@pytest.mark.parametrize("truncation", [0, 0.0, -0.4, 1.01, 2, float("nan"), "0.4", None, True])
def test_truncation_outside_zero_one_is_an_error(truncation):
    with pytest.raises(ValueError, match=r"truncation must be (a number )?in \(0, 1\]"):
        check_truncation(truncation)


def test_truncation_error_reaches_every_sampler(biggan):
    with pytest.raises(ValueError, match=r"truncation must be in \(0, 1\] \(got 1.5\)"):
        biggan.sample("hen", num=2, truncation=1.5)
    with pytest.raises(ValueError, match="truncation"):
        biggan.blend({"hen": 1}, truncation=0)
    with pytest.raises(ValueError, match="truncation"):
        biggan.interpolate("hen", "tusker", truncation=-1)


def test_truncated_noise_is_a_scaled_truncated_normal():
    noise = truncated_noise(2000, 128, truncation=0.5, seed=0)
    assert noise.shape == (2000, 128) and noise.dtype == np.float32
    assert np.abs(noise).max() <= 2 * 0.5
    # The standard deviation of a standard normal cut at +-2 is 0.880 (scipy truncnorm(-2, 2)).
    assert noise.std() == pytest.approx(0.5 * 0.880, rel=0.01)
    assert abs(noise.mean()) < 0.005


def test_truncated_noise_matches_scipy():
    stats = pytest.importorskip("scipy.stats")
    noise = truncated_noise(500, 100, truncation=1.0, seed=1).ravel()
    assert stats.kstest(noise, stats.truncnorm(-2, 2).cdf).pvalue > 0.01


def test_truncated_noise_repeats_with_a_seed():
    np.testing.assert_array_equal(truncated_noise(4, 8, 0.4, seed=7), truncated_noise(4, 8, 0.4, 7))
    assert not np.array_equal(truncated_noise(4, 8, 0.4, seed=7), truncated_noise(4, 8, 0.4, 8))


# --- Sampling ---------------------------------------------------------------------------------


def test_sample_shapes_and_dtype(biggan, standin):
    _, _, resolution = standin
    images = biggan.sample(["golden retriever", "hen"], num=3, seed=0)
    assert images.shape == (6, resolution, resolution, 3)
    assert images.dtype == np.uint8
    assert images.std() > 10  # real pictures, not a flat fill


def test_same_seed_same_images_other_seed_other_images(biggan):
    first = biggan.sample(["golden retriever", "hen"], num=3, truncation=0.4, seed=5)
    again = biggan.sample(["golden retriever", "hen"], num=3, truncation=0.4, seed=5)
    other = biggan.sample(["golden retriever", "hen"], num=3, truncation=0.4, seed=6)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_batches_do_not_change_the_images(standin_folders):
    folder = str(standin_folders["tf2-saved-model"])
    one_call, small_batches = BigGAN(folder, batch_size=8), BigGAN(folder, batch_size=2)
    np.testing.assert_array_equal(
        small_batches.sample(["hen", "tusker"], num=3, seed=1),
        one_call.sample(["hen", "tusker"], num=3, seed=1),
    )


def test_sample_is_the_generator_on_one_hot_classes_and_shared_noise(biggan):
    images = biggan.sample(["golden retriever", 8], num=2, truncation=0.3, seed=3)
    noise = truncated_noise(2, biggan.latent_dim, 0.3, seed=3)
    one_hot = np.zeros((4, 1000), np.float32)
    one_hot[:2, 207] = 1
    one_hot[2:, 8] = 1
    expected = biggan.generate(one_hot, np.concatenate([noise, noise]), truncation=0.3)
    np.testing.assert_array_equal(images, expected)
    # The classes share the noise: "hen" alone gives the second row of the pair.
    np.testing.assert_array_equal(biggan.sample("hen", num=2, truncation=0.3, seed=3), images[2:])
    assert not np.array_equal(images[:2], images[2:])  # the class changes the picture


def test_sample_rejects_ambiguous_and_misspelt_classes(biggan):
    with pytest.raises(ValueError, match="385 Indian elephant.*386 African elephant"):
        biggan.sample("elephant", num=1)
    with pytest.raises(ValueError, match="did you mean 207 golden retriever"):
        biggan.sample(["golden retreiver"], num=1)
    with pytest.raises(ValueError, match="num must be a whole number"):
        biggan.sample("hen", num=0)


def test_generate_checks_shapes(biggan):
    with pytest.raises(ValueError, match=r"class_vectors must be shaped \(N, 1000\)"):
        biggan.generate(np.zeros((2, 10)), np.zeros((2, biggan.latent_dim)))
    with pytest.raises(ValueError, match="noise must be shaped"):
        biggan.generate(np.zeros((2, 1000)), np.zeros((3, biggan.latent_dim)))


# --- Blending ---------------------------------------------------------------------------------


def test_class_vector(biggan):
    one_hot = biggan.class_vector("hen")
    assert one_hot.shape == (1000,) and one_hot[8] == 1 and one_hot.sum() == 1
    blend = biggan.class_vector({"African elephant": 0.6, "pickup truck": 2.0, 8: -0.5})
    assert blend[386] == pytest.approx(0.6) and blend[717] == 2.0 and blend[8] == -0.5
    assert np.count_nonzero(blend) == 3


def test_blend_is_a_scaled_sum_of_class_vectors(biggan):
    weights = {"African elephant": 0.6, "pickup truck": 2.0}
    images = biggan.blend(weights, num=3, truncation=0.4, seed=2)
    class_vector = np.zeros(1000, np.float32)
    class_vector[386], class_vector[717] = 0.6, 2.0
    expected = biggan.generate(
        np.tile(class_vector, (3, 1)), truncated_noise(3, biggan.latent_dim, 0.4, 2), 0.4
    )
    np.testing.assert_array_equal(images, expected)
    pure = biggan.sample("African elephant", num=3, truncation=0.4, seed=2)
    assert not np.array_equal(images, pure)


def test_blend_with_one_class_at_weight_one_is_that_class(biggan):
    np.testing.assert_array_equal(
        biggan.blend({"hen": 1.0}, num=2, seed=4), biggan.sample("hen", num=2, seed=4)
    )


def test_blend_errors(biggan):
    with pytest.raises(ValueError, match="'elephant' matches 2 ImageNet classes: 385"):
        biggan.blend({"elephant": 0.6, "truck": 2.0})
    with pytest.raises(ValueError, match="'truck' matches 5 ImageNet classes: 555"):
        biggan.blend({"African elephant": 0.6, "truck": 2.0})
    with pytest.raises(ValueError, match="at least one class"):
        biggan.blend({})
    with pytest.raises(ValueError, match="weight of 'hen' must be a number"):
        biggan.blend({"hen": "lots"})
    with pytest.raises(ValueError, match="must be finite"):
        biggan.blend({"hen": float("inf")})


# --- Interpolation ----------------------------------------------------------------------------


def test_interpolation_functions():
    # BigGAN walks with kerasgan.snapshots.sampling's lerp and slerp: a list of fractions, a point each.
    start, end = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    np.testing.assert_allclose(lerp(start, end, [0.25])[0], [0.75, 0.25])
    middle = slerp(start, end, [0.5])[0]
    np.testing.assert_allclose(middle, [np.sqrt(0.5), np.sqrt(0.5)])  # stays on the circle
    np.testing.assert_allclose(slerp(start, end, [0.0])[0], start, atol=1e-12)
    np.testing.assert_allclose(slerp(start, end, [1.0])[0], end, atol=1e-12)
    np.testing.assert_allclose(slerp(start, 2 * start, [0.5])[0], 1.5 * start)  # parallel: lerp


def test_slerp_between_a_blend_and_its_opposite_takes_the_straight_line(biggan):
    # No great circle joins two vectors that point exactly away from each other.
    walk = biggan.interpolate({"hen": 1.0}, {"hen": -1.0}, steps=5, method="slerp", seed=4)
    hen = biggan.class_vector("hen")
    fractions = np.linspace(0.0, 1.0, 5)
    start_noise, end_noise = truncated_noise(2, biggan.latent_dim, 0.4, seed=4)
    expected = biggan.generate(lerp(hen, -hen, fractions), slerp(start_noise, end_noise, fractions))
    np.testing.assert_array_equal(walk, expected)


@pytest.mark.parametrize("method", ["lerp", "slerp"])
def test_walk_both_starts_and_ends_at_the_two_classes(biggan, method):
    frames = biggan.interpolate("golden retriever", "hen", steps=5, method=method, seed=9)
    assert frames.shape == (5, biggan.resolution, biggan.resolution, 3)
    start_noise, end_noise = truncated_noise(2, biggan.latent_dim, 0.4, seed=9)
    ends = biggan.generate(
        np.stack([biggan.class_vector("golden retriever"), biggan.class_vector("hen")]),
        np.stack([start_noise, end_noise]),
    )
    np.testing.assert_array_equal(frames[[0, -1]], ends)
    assert len({frame.tobytes() for frame in frames}) == 5  # every frame is new


def test_walk_in_class_space_keeps_the_noise(biggan):
    frames = biggan.interpolate("golden retriever", "hen", steps=3, space="class", seed=9)
    start_noise, _ = truncated_noise(2, biggan.latent_dim, 0.4, seed=9)
    middle_class = 0.5 * biggan.class_vector("golden retriever") + 0.5 * biggan.class_vector("hen")
    expected = biggan.generate(middle_class[np.newaxis], start_noise[np.newaxis])
    np.testing.assert_array_equal(frames[1], expected[0])


def test_walk_in_z_space_keeps_the_class(biggan):
    frames = biggan.interpolate("hen", steps=4, space="z", method="slerp", seed=2)
    start_noise, end_noise = truncated_noise(2, biggan.latent_dim, 0.4, seed=2)
    hen = np.tile(biggan.class_vector("hen"), (2, 1))
    np.testing.assert_array_equal(
        frames[[0, -1]], biggan.generate(hen, np.stack([start_noise, end_noise]))
    )


def test_walk_errors(biggan):
    with pytest.raises(ValueError, match="leave the end class out"):
        biggan.interpolate("hen", "tusker", space="z")
    with pytest.raises(ValueError, match="give the end class too"):
        biggan.interpolate("hen", space="class")
    with pytest.raises(ValueError, match="space must be one of"):
        biggan.interpolate("hen", "tusker", space="y")
    with pytest.raises(ValueError, match="method must be"):
        biggan.interpolate("hen", "tusker", method="cubic")
    with pytest.raises(ValueError, match="steps must be a whole number of at least 2"):
        biggan.interpolate("hen", "tusker", steps=1)
