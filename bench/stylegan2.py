"""Benchmark: what StyleGAN2 costs on this machine, and what it buys.

Four parts, each printing ratios against a reference measured in the same run:

1. "step": training images per second of the `small` and `auto` configs at 32 and 64 px
   (CPU seconds and wall seconds; on a shared machine trust the CPU figure more).
2. "modconv": the modulated convolution (unfused: style, shared conv, demodulation)
   against a plain `keras.layers.Conv2D` of the same shapes, forward and backward.
   Target: at least 0.7x the plain convolution's throughput.
3. "fused": the fused form (per-image kernels; grouped convolution where a GPU runs it,
   one convolution per image elsewhere) against the unfused one.
4. "quality": on the 5,000-image CIFAR-10 subset at 32 px, StyleGAN2-ADA (`small` widths,
   ADA on) and kerasgan's DCGAN trained for the same CPU seconds; the Frechet distance of
   1,000 samples to 1,000 real test images in the CIFAR-10 domain classifier's features
   (kerasgan.metrics.classifier), lower is better.

Run by hand (never part of the test suite):

    python bench/stylegan2.py                      # all four, about 20 minutes on 2 cores
    python bench/stylegan2.py --parts modconv,fused
    python bench/stylegan2.py --parts quality --cpu-seconds 600
"""

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from kerasgan.data import array_dataset, load_cifar10  # noqa: E402
from kerasgan.metrics.classifier import domain_classifier  # noqa: E402
from kerasgan.metrics.frechet import frechet_distance  # noqa: E402
from kerasgan.models.dcgan import DCGAN  # noqa: E402
from kerasgan.models.stylegan2 import StyleGAN2  # noqa: E402
from kerasgan.models.stylegan2_configs import model_options, stylegan2_config  # noqa: E402
from kerasgan.models.stylegan2_layers import gpu_available, modulated_conv2d  # noqa: E402

SHARED_CIFAR = Path(__file__).resolve().parents[2] / "shared" / "data" / "cifar10_subset.npz"


def clocks():
    return time.process_time(), time.perf_counter()


def timed(function, repeats):
    """(CPU seconds, wall seconds) per call, after one call to trace and warm up."""
    function()
    cpu, wall = clocks()
    for _ in range(repeats):
        function()
    cpu_end, wall_end = clocks()
    return (cpu_end - cpu) / repeats, (wall_end - wall) / repeats


# ------------------------------------------------------------------ 1. training steps


def step_throughput(config_name, image_size, steps, batch_size=None):
    config = stylegan2_config(config_name, image_size)
    batch = batch_size or config["batch_size"]
    options = model_options(config)
    options["num_fp16_res"] = 0  # float32 on a CPU
    options["mbstd_group_size"] = min(options["mbstd_group_size"], batch)
    gan = StyleGAN2(image_size, 3, seed=0, **options)
    gan.compile(learning_rate=config["learning_rate"])
    images = np.random.default_rng(0).uniform(-1, 1, (batch, image_size, image_size, 3))
    dataset = tf.data.Dataset.from_tensors(images.astype("float32")).repeat()
    # 16 steps hold one R1 step and four path length steps: the average lazy step.
    gan.fit(dataset, steps_per_epoch=1, epochs=1, verbose=0)
    cpu, wall = clocks()
    gan.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0)
    cpu_end, wall_end = clocks()
    images_done = steps * batch
    return images_done / (cpu_end - cpu), images_done / (wall_end - wall), batch


def bench_steps(args):
    print("\n1. Training images per second (the 'small' config at 32 px is the reference)")
    reference = None
    for name in ("small", "auto"):
        for size in (32, 64):
            steps = args.steps if name == "small" else max(2, args.steps // 8)
            batch = None if name == "small" else args.auto_batch
            per_cpu, per_wall, batch = step_throughput(name, size, steps, batch)
            reference = reference or per_cpu
            print(f"  {name:6s} {size:3d} px  batch {batch:3d}  {per_cpu:8.2f} img/CPU s  "
                  f"{per_wall:8.2f} img/wall s  ({per_cpu / reference:.3f}x small@32, CPU)",
                  flush=True)


# ------------------------------------------------------------------ 2. and 3. convolutions


def convolution_functions(batch, size, channels, kernel):
    random = np.random.default_rng(0)
    x = tf.constant(random.standard_normal((batch, size, size, channels)), tf.float32)
    weight = tf.Variable(random.standard_normal((kernel, kernel, channels, channels)), dtype=tf.float32)
    styles = tf.constant(random.uniform(0.5, 1.5, (batch, channels)), tf.float32)
    plain = keras.layers.Conv2D(channels, kernel, padding="same", use_bias=False)
    plain.build(x.shape)

    def make(forward):
        @tf.function
        def step():
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = forward()
                loss = tf.reduce_sum(y * y)
            return tape.gradient(loss, [x, *plain.trainable_variables, weight])

        return step

    return {
        "plain": make(lambda: plain(x)),
        "unfused": make(lambda: modulated_conv2d(x, weight, styles, True, fused=False)),
        "fused": make(lambda: modulated_conv2d(x, weight, styles, True, fused=True)),
    }


def bench_convolutions(args, parts):
    shapes = [(16, 32, 128, 3), (16, 64, 64, 3), (8, 16, 512, 3)]
    for batch, size, channels, kernel in shapes:
        functions = convolution_functions(batch, size, channels, kernel)
        label = f"batch {batch}, {size}x{size}x{channels}, {kernel}x{kernel}"
        plain_cpu, plain_wall = timed(functions["plain"], args.repeats)
        unfused_cpu, unfused_wall = timed(functions["unfused"], args.repeats)
        if "modconv" in parts:
            print(f"\n2. Modulated (unfused) vs plain Conv2D, forward + backward, {label}")
            print(f"  plain    {plain_cpu * 1e3:8.1f} ms CPU  {plain_wall * 1e3:8.1f} ms wall")
            print(f"  unfused  {unfused_cpu * 1e3:8.1f} ms CPU  {unfused_wall * 1e3:8.1f} ms wall  "
                  f"throughput {plain_cpu / unfused_cpu:.2f}x plain (CPU), "
                  f"{plain_wall / unfused_wall:.2f}x (wall); target >= 0.7x", flush=True)
        if "fused" in parts:
            fused_cpu, fused_wall = timed(functions["fused"], max(1, args.repeats // 2))
            form = "grouped convolution" if gpu_available() else "one convolution per image"
            print(f"\n3. Fused ({form}) vs unfused, forward + backward, {label}")
            print(f"  fused    {fused_cpu * 1e3:8.1f} ms CPU  {fused_wall * 1e3:8.1f} ms wall  "
                  f"throughput {unfused_cpu / fused_cpu:.2f}x unfused (CPU), "
                  f"{unfused_wall / fused_wall:.2f}x (wall)", flush=True)


# ------------------------------------------------------------------ 4. quality at equal CPU time


def train_for(model, dataset, cpu_budget, chunk):
    spent, steps = 0.0, 0
    while spent < cpu_budget:
        start = time.process_time()
        model.fit(dataset, steps_per_epoch=chunk, epochs=1, verbose=0)
        spent += time.process_time() - start
        steps += chunk
    return spent, steps


def bench_quality(args):
    print(f"\n4. CIFAR-10 subset, 32 px: Frechet distance after {args.cpu_seconds:.0f} CPU s each")
    (x_train, _), (x_test, _) = load_cifar10(path=args.cifar)
    classifier = domain_classifier("cifar10", path=args.cifar, verbose=False)
    real_features = classifier.features(x_test[:1000])
    batch = 32
    dataset = array_dataset(x_train, batch_size=batch, seed=0).repeat()
    keras.utils.set_random_seed(0)
    config = stylegan2_config("small", 32)
    stylegan = StyleGAN2(32, 3, augment="flip,translation,color", ada=True, seed=0,
                         **model_options(config))
    stylegan.compile(learning_rate=config["learning_rate"])
    dcgan = DCGAN((32, 32, 3), latent_dim=128, seed=0)  # its CIFAR-10 defaults
    dcgan.compile()
    results = {}
    for name, model, sampler in (
        ("StyleGAN2-ADA (small)", stylegan, lambda: stylegan.ema_generator),
        ("DCGAN", dcgan, lambda: dcgan.generator_for_sampling),
    ):
        spent, steps = train_for(model, dataset, args.cpu_seconds, args.chunk)
        latents = np.random.default_rng(1).standard_normal((1000, model.latent_dim))
        samples = np.clip(sampler().predict(latents.astype("float32"), batch_size=250, verbose=0),
                          -1, 1)
        results[name] = frechet_distance(classifier.features(samples), real_features)
        print(f"  {name:22s} {steps:5d} steps  {spent:7.1f} CPU s  Frechet distance "
              f"{results[name]:8.2f}", flush=True)
    ratio = results["StyleGAN2-ADA (small)"] / results["DCGAN"]
    print(f"  StyleGAN2-ADA / DCGAN distance: {ratio:.2f} (below 1: StyleGAN2-ADA is closer)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="step,modconv,fused,quality")
    parser.add_argument("--steps", type=int, default=16, help="training steps per config")
    parser.add_argument("--auto-batch", type=int, default=8,
                        help="batch for the auto config (its own, 32, is minutes per step here)")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--cpu-seconds", type=float, default=300.0)
    parser.add_argument("--chunk", type=int, default=50, help="steps between two CPU-time checks")
    parser.add_argument("--cifar", default=str(SHARED_CIFAR))
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    print(f"TensorFlow {tf.__version__}, GPU: {gpu_available()}, CPU threads "
          f"{os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
    if "step" in parts:
        bench_steps(args)
    if parts & {"modconv", "fused"}:
        bench_convolutions(args, parts)
    if "quality" in parts:
        bench_quality(args)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f} (other work on the machine "
          "inflates wall time; CPU time less so)")


if __name__ == "__main__":
    main()
