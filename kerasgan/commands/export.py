"""`kerasgan export`: a generator snapshot as a TensorFlow SavedModel or a TFLite file.

For TensorFlow Serving, TensorFlow.js, a phone or a Raspberry Pi: programs that run a
generator without Python or kerasgan. The command checks its own work: it runs a few
inputs through the Keras model and through each exported file and prints the largest
difference (float32 round-off, around 1e-6; TFLite's kernels differ a little more).
A generator trained under mixed precision is exported computing in float32 (TFLite
converts no bfloat16), with the same weights.
"""

SUMMARY = "Export a generator snapshot as a TensorFlow SavedModel or a TFLite file."

EXAMPLES = """\
examples:
  kerasgan export --generator results/00000-dcgan-mnist/generator-000010.keras --format savedmodel --out exported
  kerasgan export --generator results/00001-cgan-cifar10/generator-000040.keras --format tflite --out phone
  kerasgan export --generator results/00002-pix2pix-bikes/generator-000040.keras --format tflite --out exported

The folder gets saved_model/ or generator.tflite, and generator.json: the input names,
shapes and types (z of shape (batch, latent_dim) from a standard normal, an int32 label
for a conditional generator, or an image in [-1, 1] for pix2pix) and the output's.
"""

# A difference above this means the export is wrong, not rounded.
LARGEST_ACCEPTED_DIFFERENCE = 1e-3


def add_arguments(parser):
    parser.add_argument("--generator", required=True, help="generator snapshot (.keras) from a run folder")
    parser.add_argument(
        "--format", choices=("savedmodel", "tflite"), default="savedmodel",
        help="savedmodel (TensorFlow Serving, TensorFlow.js) or tflite (phones, microcontrollers, "
        "browsers) (default: %(default)s)",
    )
    parser.add_argument("--out", required=True, help="output folder (created; its export files are replaced)")


def run(args):
    # TensorFlow loads here, not at import: `kerasgan --help` stays fast.
    import contextlib

    from kerasgan import quiet
    from kerasgan.errors import KerasganError
    from kerasgan.export import (
        export_generator,
        float32_copy,
        largest_differences,
        load_exportable_generator,
    )

    generator = load_exportable_generator(args.generator)
    paths = export_generator(
        generator, args.out, tflite=args.format == "tflite", saved_model=args.format == "savedmodel"
    )
    written = paths["saved_model"] if args.format == "savedmodel" else paths["tflite"]
    # Against what was exported: a mixed precision generator is exported computing in float32.
    # TFLite's interpreter logs a line of its own when it starts: hidden with TensorFlow's.
    with quiet.stderr_without_tensorflow_logs() if quiet.is_active() else contextlib.nullcontext():
        differences = largest_differences(float32_copy(generator), paths)
    for key, difference in differences.items():
        if difference > LARGEST_ACCEPTED_DIFFERENCE:
            raise KerasganError(
                f"The exported {key} differs from the Keras model by up to {difference:.3g} on the "
                f"same inputs: the export is wrong; please report it with the snapshot {args.generator}."
            )
    print(f"Exported:  {written}")
    print(f"Described: {paths['info']}")
    print(f"Checked:   largest difference from the Keras model {max(differences.values()):.2g}")
    return 0
