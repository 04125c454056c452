"""CycleGAN: the builders, the pool of earlier fakes, the learning-rate decay, the loss terms,
config and .keras round trips."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from kerasgan.models.cyclegan import CycleGAN, LinearDecay, resnet_generator
from kerasgan.models.image_pool import FakeImagePool
from kerasgan.models.layers import ReflectionPadding2D

SIZE = 28


def tiny(**options):
    defaults = dict(image_size=SIZE, channels=1, generator_filters=4, residual_blocks=1,
                    discriminator_filters=4, seed=0)
    return CycleGAN(**{**defaults, **options})


def batches(count=4, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, (count, SIZE, SIZE, 1)).astype("float32") for _ in range(2)]


def test_the_resnet_generator_is_the_papers_network():
    generator = resnet_generator(256, residual_blocks=9)
    assert generator.output_shape == (None, 256, 256, 3)
    # The authors' 9-block ResNet generator for 256 pixels has 11.378 million weights; ours
    # has the same layers, with instance norm's scale and offset (keras GroupNormalization's).
    assert 11.3e6 < generator.count_params() < 11.45e6
    # Reflection padding, not zeros, before every 7x7 and 3x3 "valid" convolution.
    assert sum(isinstance(layer, ReflectionPadding2D) for layer in generator.layers) == 2 + 2 * 9
    norms = [layer for layer in generator.layers if isinstance(layer, keras.layers.GroupNormalization)]
    # Instance normalization: one group per channel (Keras turns groups=-1 into that).
    assert norms and all(layer.groups == layer.input.shape[-1] for layer in norms)


def test_reflection_padding_mirrors_the_border():
    image = np.arange(9, dtype="float32").reshape(1, 3, 3, 1)
    padded = np.asarray(ReflectionPadding2D(1)(image))[0, :, :, 0]
    assert padded.shape == (5, 5)
    np.testing.assert_array_equal(padded[0], [4, 3, 4, 5, 4])  # row 1 mirrored above row 0


def test_sizes_and_weights_that_do_not_fit_are_one_sentence():
    with pytest.raises(ValueError, match="multiple of 4.*got 30"):
        tiny(image_size=30)
    with pytest.raises(ValueError, match="cycle_weight and identity_weight must be 0 or more"):
        tiny(cycle_weight=-1)


def test_the_pool_returns_an_earlier_fake_half_of_the_time_once_full():
    pool = FakeImagePool((2, 2, 1), pool_size=50, seed=3)
    step = tf.function(pool)  # as inside the compiled training step

    def batch(first, count=4):
        return np.arange(first, first + count, dtype="float32")[:, None, None, None] * np.ones(
            (1, 2, 2, 1), "float32"
        )

    # Filling: the first 50 fakes go in and come back as they are.
    for start, count in [(start, 4) for start in range(0, 48, 4)] + [(48, 2)]:
        np.testing.assert_array_equal(step(batch(start, count)), batch(start, count))
    assert int(pool.count.numpy()) == 50

    shown_new, earlier = 0, []
    for start in range(1000, 3000, 4):  # 2,000 fakes once full
        fakes = batch(start)
        shown = np.asarray(step(fakes))
        is_new = shown[:, 0, 0, 0] == fakes[:, 0, 0, 0]
        shown_new += int(is_new.sum())
        earlier += shown[~is_new, 0, 0, 0].tolist()
    share_earlier = len(earlier) / 2000
    # Probability one half for each fake; with 2,000 draws the share is within 0.05 of it
    # with probability above 99.99% (this seed: 0.496).
    assert 0.45 < share_earlier < 0.55, share_earlier
    # An earlier fake leaves the pool when it is shown: none comes back twice, and each
    # is older than the fake that replaced it.
    assert len(set(earlier)) == len(earlier)
    assert all(value < 3000 for value in earlier)


def test_the_pool_off_shows_the_new_fakes():
    fakes = batches()[0]
    np.testing.assert_array_equal(FakeImagePool((SIZE, SIZE, 1), pool_size=0)(fakes), fakes)


def test_the_learning_rate_is_constant_then_falls_linearly_to_zero():
    schedule = LinearDecay(2e-4, total_steps=100)
    rates = {step: float(schedule(step)) for step in (0, 25, 50, 60, 75, 99, 100, 130)}
    assert rates[0] == rates[25] == rates[50] == pytest.approx(2e-4)
    assert rates[60] == pytest.approx(1.6e-4)
    assert rates[75] == pytest.approx(1e-4)
    assert rates[99] == pytest.approx(4e-6)
    assert rates[100] == rates[130] == 0.0
    assert LinearDecay.from_config(schedule.get_config()).get_config() == schedule.get_config()

    # compile() puts both optimizers on it; the rate follows their step count, which the
    # checkpoint keeps, so a resumed run is on the same line.
    model = tiny(total_steps=100)
    model.compile()
    for optimizer in (model.generator_optimizer, model.discriminator_optimizer):
        optimizer.iterations.assign(75)
        assert float(optimizer.learning_rate) == pytest.approx(1e-4)


@pytest.fixture(scope="module")
def trained():
    """A tiny model after two eager training steps, and the batch it trained on."""
    model = tiny(total_steps=8)
    model.compile(run_eagerly=True)
    images_a, images_b = batches()
    history = model.fit(tf.data.Dataset.from_tensors((images_a, images_b)), epochs=2, verbose=0)
    return model, history.history, images_a, images_b


def test_cycle_and_identity_terms_equal_hand_computed_l1():
    model = tiny(identity_weight=3.0)
    model.compile(run_eagerly=True)
    images_a, images_b = batches(seed=1)
    # By hand, with NumPy, from the weights before the step (the step reports its losses
    # from before its updates; instance norm acts the same in training and inference).
    g, f = (lambda x: np.asarray(model.generator_a2b(x))), (lambda x: np.asarray(model.generator_b2a(x)))
    cycle = np.mean(np.abs(f(g(images_a)) - images_a)) + np.mean(np.abs(g(f(images_b)) - images_b))
    identity = np.mean(np.abs(g(images_b) - images_b)) + np.mean(np.abs(f(images_a) - images_a))
    logs = model.fit(tf.data.Dataset.from_tensors((images_a, images_b)), verbose=0).history
    assert logs["cycle_loss"][0] == pytest.approx(cycle, rel=1e-5)
    assert logs["identity_loss"][0] == pytest.approx(identity, rel=1e-5)
    total = logs["g_gan_loss"][0] + 10.0 * cycle + 3.0 * identity
    assert logs["g_loss"][0] == pytest.approx(total, rel=1e-5)


def test_the_identity_weight_is_half_the_cycle_weight_by_default():
    assert tiny().identity_weight == 5.0
    assert tiny(cycle_weight=4.0).identity_weight == 2.0
    assert tiny(identity_weight=0.0).identity_weight == 0.0


def test_a_training_step_updates_all_four_networks(trained):
    model, history, _, _ = trained
    assert {"d_loss", "g_loss", "g_gan_loss", "cycle_loss", "identity_loss", "d_real_sign"} <= set(history)
    assert all(np.isfinite(value) for values in history.values() for value in values)
    assert int(model.generator_optimizer.iterations) == int(model.discriminator_optimizer.iterations) == 2
    # One optimizer per pair of networks: both generators', both discriminators' weights.
    assert len(model.generator_optimizer.variables) > 2 * len(model.generator_a2b.trainable_variables)
    assert int(model.pool_a.count.numpy()) == int(model.pool_b.count.numpy()) == 8  # 2 steps of 4


def test_config_json_round_trip(trained):
    model = trained[0]
    config = json.loads(json.dumps(model.get_config()))
    rebuilt = CycleGAN.from_config(config)
    networks = ("generator_a2b", "generator_b2a", "discriminator_a", "discriminator_b")
    settings = lambda m: {k: v for k, v in m.get_config().items() if k not in networks}
    assert settings(rebuilt) == settings(model)
    for name in networks:
        assert getattr(rebuilt, name).count_params() == getattr(model, name).count_params()
    assert rebuilt.total_steps == 8 and rebuilt.pool_size == 50 and rebuilt.loss_name == "lsgan"


def test_keras_save_and_load_give_equal_outputs(trained, tmp_path):
    model, _, images_a, images_b = trained
    model.save(tmp_path / "cyclegan.keras")
    loaded = keras.models.load_model(tmp_path / "cyclegan.keras")
    assert isinstance(loaded, CycleGAN)
    for name, images in (("generator_a2b", images_a), ("generator_b2a", images_b),
                         ("discriminator_a", images_a), ("discriminator_b", images_b)):
        np.testing.assert_allclose(getattr(loaded, name)(images), getattr(model, name)(images),
                                   atol=1e-6, err_msg=name)
    np.testing.assert_array_equal(loaded.pool_a.images.numpy(), model.pool_a.images.numpy())
    # A saved generator alone is a plain Keras model from images to images.
    model.generator_a2b.save(tmp_path / "generator_a2b.keras")
    generator = keras.models.load_model(tmp_path / "generator_a2b.keras")
    np.testing.assert_allclose(generator(images_a), model.generator_a2b(images_a), atol=1e-6)


@pytest.mark.parametrize("loss", ["bce", "hinge", "wgan-gp"])
def test_every_kerasgan_loss_trains(loss):
    model = tiny(loss=loss, pool_size=2)
    model.compile(run_eagerly=True)
    images_a, images_b = batches(count=2)
    history = model.fit(tf.data.Dataset.from_tensors((images_a, images_b)), verbose=0).history
    assert all(np.isfinite(values[0]) for values in history.values())


def test_a_step_under_mixed_precision_keeps_the_pool_and_the_outputs_in_float32():
    previous = keras.config.dtype_policy()
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = tiny(pool_size=4)
    finally:
        keras.mixed_precision.set_global_policy(previous)
    model.compile(run_eagerly=True)
    images_a, images_b = batches(count=2)
    history = model.fit(tf.data.Dataset.from_tensors((images_a, images_b)), verbose=0).history
    assert all(np.isfinite(values[0]) for values in history.values())
    assert model.generator_a2b(images_a).dtype == "float32"
    assert model.pool_a.images.dtype == "float32" and int(model.pool_a.count.numpy()) == 2
