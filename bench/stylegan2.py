"""Benchmark: what StyleGAN2 costs on this machine, and what it buys.

Five parts, each printing ratios against a reference measured in the same run:

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
5. "converted": images per second of NVIDIA-layout generators converted into kerasgan, at
   256 px (the `paper256` widths) and 1024 px (config-f, `stylegan2`), random weights,
   against NVIDIA's own code on the same CPU with the same batch and z (stylegan2-ada-pytorch
   in a PyTorch environment, run in a subprocess through tools/nvidia_reference.py, which
   also hands over its weights). Both in float32, noise mode const; the largest difference
   of the two sets of images is printed too. Without a PyTorch environment or NVIDIA's
   checkout only kerasgan's figures are printed. Measured on a CPU only: no GPU here.

Run by hand (never part of the test suite):

    python bench/stylegan2.py                      # all four, about 20 minutes on 2 cores
    python bench/stylegan2.py --parts modconv,fused
    python bench/stylegan2.py --parts quality --cpu-seconds 600
    python bench/stylegan2.py --parts converted --batch 2 --converted-repeats 2 \
        --torch-python /work/venv-torch/bin/python --nvidia-repo /tmp/nvidia
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
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


# ------------------------------------------------------------------ 5. converted generators


def nvidia_generator(name, batch, repeats, args, folder):
    """NVIDIA's figures and weights for one generator, or (None, None) where it cannot run."""
    if not (Path(args.torch_python).exists() and Path(args.nvidia_repo).is_dir()):
        return None, None
    state = Path(folder) / f"{name}.npz"
    command = [args.torch_python, str(Path(__file__).resolve().parents[1] / "tools"
                                      / "nvidia_reference.py"),
               "--nvidia-repo", args.nvidia_repo, "--out", str(state), "--time-generator", name,
               "--batch", str(batch), "--repeats", str(repeats)]
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode:
        print(f"  NVIDIA's code did not run: {finished.stderr.strip().splitlines()[-1:]}")
        return None, None
    return json.loads(finished.stdout.strip().splitlines()[-1]), np.load(state)


def converted_generator(arrays, kwargs):
    """kerasgan's generator from NVIDIA-layout weights, built the way a pickle converts."""
    from kerasgan.nvidia.convert import convert_generator
    from kerasgan.nvidia.writer import generator_module, in_memory

    tensors = {key[2:]: arrays[key] for key in arrays.files if key.startswith("G/")}
    return convert_generator(in_memory(generator_module(kwargs, tensors)), noise_mode="const")


def kerasgan_generator(kwargs):
    """kerasgan's generator of the same widths with its own random weights (no PyTorch)."""
    from kerasgan.models.stylegan2_networks import stylegan2_generator

    synthesis = kwargs["synthesis_kwargs"]
    return stylegan2_generator(kwargs["img_resolution"], 3, latent_dim=kwargs["z_dim"],
                               w_dim=kwargs["w_dim"], channel_base=synthesis["channel_base"],
                               channel_max=synthesis["channel_max"], noise_mode="const",
                               conv_clamp=synthesis.get("conv_clamp"), clamp_float32=True)


def bench_converted(args):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    from nvidia_reference import FULL_GENERATORS

    print(f"\n5. Converted generators: images per second, kerasgan vs NVIDIA's code "
          f"(stylegan2-ada-pytorch), same CPU, batch {args.batch}, float32, noise const; "
          f"GPU: {gpu_available()} (CPU figures only)")
    with tempfile.TemporaryDirectory() as folder:
        for name in ("paper256", "stylegan2"):
            kwargs = FULL_GENERATORS[name]
            size = kwargs["img_resolution"]
            nvidia, arrays = nvidia_generator(name, args.batch, args.converted_repeats, args,
                                              folder)
            if arrays is None:
                print(f"  {name} {size} px: NVIDIA's code is not at hand "
                      f"({args.torch_python}, {args.nvidia_repo}); kerasgan only")
                generator = kerasgan_generator(kwargs)
                z = np.random.default_rng(0).standard_normal((args.batch, 512)).astype("float32")
            else:
                generator = converted_generator(arrays, kwargs)
                z = arrays["z"]
            draw = tf.function(lambda latents: generator(latents, training=False))
            images = draw(tf.constant(z))
            cpu, wall = timed(lambda: draw(tf.constant(z)), args.converted_repeats)
            ours_cpu, ours_wall = args.batch / cpu, args.batch / wall
            line = (f"  {name:9s} {size:4d} px  kerasgan {ours_cpu:7.3f} img/CPU s "
                    f"{ours_wall:7.3f} img/wall s")
            if nvidia is not None:
                difference = float(np.abs(np.asarray(images) - arrays["images"]).max())
                line += (f"  NVIDIA {nvidia['images_per_cpu_second']:7.3f} img/CPU s "
                         f"{nvidia['images_per_wall_second']:7.3f} img/wall s  ratio "
                         f"{ours_cpu / nvidia['images_per_cpu_second']:.2f}x (CPU) "
                         f"{ours_wall / nvidia['images_per_wall_second']:.2f}x (wall); "
                         f"images differ by {difference:.1e}")
            print(line, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="step,modconv,fused,quality,converted")
    parser.add_argument("--steps", type=int, default=16, help="training steps per config")
    parser.add_argument("--auto-batch", type=int, default=8,
                        help="batch for the auto config (its own, 32, is minutes per step here)")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--cpu-seconds", type=float, default=300.0)
    parser.add_argument("--chunk", type=int, default=50, help="steps between two CPU-time checks")
    parser.add_argument("--cifar", default=str(SHARED_CIFAR))
    parser.add_argument("--batch", type=int, default=2, help="images per call (converted)")
    parser.add_argument("--converted-repeats", type=int, default=2,
                        help="timed calls per generator (converted)")
    parser.add_argument("--torch-python", default="/work/venv-torch/bin/python",
                        help="a Python with PyTorch, for NVIDIA's side of 'converted'")
    parser.add_argument("--nvidia-repo", default="/tmp/nvidia",
                        help="a stylegan2-ada-pytorch checkout, for 'converted'")
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
    if "converted" in parts:
        bench_converted(args)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f} (other work on the machine "
          "inflates wall time; CPU time less so)")


if __name__ == "__main__":
    main()
