"""The pix2pix family: picture -> picture, run live on a webcam or a video, exported.

Its generator's first layer (`InputModeTag`) records how an input is made from a
frame (edges, grayscale, ...), so `kerasgan live` needs nothing but the snapshot. It
has no latent space: `kerasgan generate` and `kerasgan project` refuse it in one
sentence, and `kerasgan evaluate` too (its held-out L1 and PSNR are in the run's
stats.jsonl).
"""

from kerasgan.snapshots.interface import SnapshotFamily


class ImageToImageFamily(SnapshotFamily):
    """A picture -> picture family: live and export, no latent space."""

    kind = "image-to-image"

    def live_translator(self, generator, path):
        from kerasgan.data.input_modes import InputMode
        from kerasgan.models.layers import generator_input_mode

        mode = generator_input_mode(generator)
        return generator, (InputMode.from_config(mode) if mode else None)

    def evaluate(self, generator, dataset, snapshot_path, **options):
        self.refuse(
            "be scored by sampling it (it translates pictures, it does not draw them)", snapshot_path,
            "its held-out L1 and PSNR are in its run folder's stats.jsonl",
        )


class Pix2PixFamily(ImageToImageFamily):
    name = "pix2pix"
    title = "pix2pix"


FAMILY = Pix2PixFamily()
