"""`kerasgan export`: a generator snapshot as a TensorFlow SavedModel or a TFLite file.

For TensorFlow Serving, TensorFlow.js, a phone or a Raspberry Pi: programs that run a
generator without Python or kerasgan. The command checks its own work: it runs a few
inputs through the Keras model and through each exported file and prints the largest
difference (float32 round-off, around 1e-6; TFLite's kernels differ a little more).
A generator trained under mixed precision is exported computing in float32 (TFLite
converts no bfloat16), with the same weights. A StyleGAN2 generator is exported with its
sampling choices built in: constant noise, and the truncation `--trunc` asks for.
"""

SUMMARY = "Export a generator snapshot as a TensorFlow SavedModel or a TFLite file."

EXAMPLES = """\
examples:
  kerasgan export --generator results/00000-dcgan-mnist/generator-000010.keras --format savedmodel --out exported
  kerasgan export --generator results/00001-cgan-cifar10/generator-000040.keras --format tflite --out phone
  kerasgan export --generator results/00002-pix2pix-bikes/generator-000040.keras --format tflite --out exported
  kerasgan export --generator results/00003-stylegan2-faces/generator-000100.keras --format tflite --trunc 0.7 --out faces

The folder gets saved_model/ or generator.tflite, and generator.json: the input names,
shapes and types (z of shape (batch, latent_dim) from a standard normal, an int32 label
for a conditional generator, or an image in [-1, 1] for pix2pix) and the output's.
A StyleGAN2 export is z [+ label] -> image too: --trunc PSI (0 to 1) pulls every w toward
the average w by PSI (on the first --trunc-cutoff ws only, if given), and the noise is the
snapshot's constant noise, so one z always gives one image; generator.json says both.
"""

# A difference above this means the export is wrong, not rounded.
LARGEST_ACCEPTED_DIFFERENCE = 1e-3


def add_arguments(parser):
    parser.add_argument(
        "--generator", required=True,
        help="generator snapshot (.keras) from a run folder, an NVIDIA StyleGAN2 .pkl, or a "
        "named NVIDIA network (kerasgan convert --list)",
    )
    parser.add_argument(
        "--format", choices=("savedmodel", "tflite"), default="savedmodel",
        help="savedmodel (TensorFlow Serving, TensorFlow.js) or tflite (phones, microcontrollers, "
        "browsers) (default: %(default)s)",
    )
    parser.add_argument("--out", required=True, help="output folder (created; its export files are replaced)")
    parser.add_argument(
        "--trunc", type=float, metavar="PSI",
        help="StyleGAN2: truncation psi built into the export, 0 (the average image) to 1 "
        "(none) (default: the snapshot's own, 1)",
    )
    parser.add_argument(
        "--trunc-cutoff", type=int, metavar="N",
        help="StyleGAN2: truncate only the first N ws (the coarse styles) (default: all)",
    )


def run(args):
    # TensorFlow loads here, not at import: `kerasgan --help` stays fast.
    import contextlib

    from kerasgan import files, quiet
    from kerasgan import snapshots
    from kerasgan.errors import KerasganError
    from kerasgan.snapshots.export import (
        check_export_folder,
        export_generator,
        exportable_generator,
        largest_differences,
    )

    # Before the snapshot loads: an empty --out, a folder under a file, or a saved_model/
    # holding someone's own files is refused before anything is read or written.
    check_export_folder(args.out, saved_model=args.format == "savedmodel")
    files.check_output_folder(args.out, "--out")
    generator, _ = snapshots.load(args.generator)
    # Checked before anything is written: the family refuses a flag it does not take, and a
    # --trunc the generator cannot take is one sentence.
    exported = exportable_generator(generator, args.trunc, args.trunc_cutoff, path=args.generator)
    paths = export_generator(
        exported, args.out, tflite=args.format == "tflite", saved_model=args.format == "savedmodel"
    )
    written = paths["saved_model"] if args.format == "savedmodel" else paths["tflite"]
    # Against what was exported: a mixed precision generator is exported computing in float32,
    # a StyleGAN2 generator with its truncation and constant noise.
    # TFLite's interpreter logs a line of its own when it starts: hidden with TensorFlow's.
    with quiet.stderr_without_tensorflow_logs() if quiet.is_active() else contextlib.nullcontext():
        differences = largest_differences(exported, paths)
    for key, difference in differences.items():
        if difference > LARGEST_ACCEPTED_DIFFERENCE:
            raise KerasganError(
                f"The exported {key} differs from the Keras model by up to {difference:.3g} on the "
                f"same inputs: the export is wrong; please report it with the snapshot {args.generator}."
            )
    print(f"Exported:  {written}")
    print(f"Described: {paths['info']}")
    built_in = files.read_json(paths["info"]).get("built_in")
    if built_in:
        print(f"Built in:  {built_in}")
    print(f"Checked:   largest difference from the Keras model {max(differences.values()):.2g}")
    return 0
