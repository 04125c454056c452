"""The AI-mediated class photo: every student's selfie aligned and projected into one face network.

For a folder of selfies and a StyleGAN2 snapshot trained on aligned faces (FFHQ's, or
your own), `make_class_photo` writes into its output folder:

    students/NAME/aligned.png       the selfie, FFHQ-aligned at the network's size
    students/NAME/projected.png     the network's closest face
    students/NAME/projected_w.npy   (num_ws, w_dim): `kerasgan generate --projected-w` draws it
    students/NAME/projection.json   the distance, the PSNR and the settings
    class_photo.png                 the projected faces in a grid, one cell per student
    average_face.png, average_w.npy the face of the mean of every student's ws
    morph.mp4                       a walk in W through every student's face, back to the first
    class.json                      who is in it, who was skipped (no face found) and the settings

Each projection is saved the moment it finishes, `projected_w.npy` last: a rerun after
a Colab disconnect or a Ctrl-C keeps every finished student and projects only the rest.
The class pictures are made from the saved ws at the end of every run.

This module uses a saved generator (kerasgan.snapshots) and the faces' alignment; the
`kerasgan class-photo` command is its front end.
"""

import dataclasses
import math
from pathlib import Path

import numpy as np

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
MORPH_NAME = "morph.mp4"


@dataclasses.dataclass(frozen=True)
class ClassPhotoSettings:
    """How every face is projected; a rerun into the same folder must use the same ones.

    Args:
        snapshot: the generator's path, as given (recorded, and compared on a rerun).
        space: "w" or "w+" (see `kerasgan.snapshots.stylegan2_projection`).
        steps: Adam steps per face.
        perceptual: "multiscale", "vgg" or "none".
        seed: the search's noise.
        steps_between: morph frames from one face to the next.
        fps: the morph's frames per second.
    """

    snapshot: str
    space: str = "w+"
    steps: int = 1000
    perceptual: str = "multiscale"
    seed: int = 0
    steps_between: int = 24
    fps: int = 24

    def projection_settings(self):
        """The settings a finished projection depends on (the morph's may change on a rerun)."""
        return {
            "snapshot": self.snapshot, "space": self.space, "steps": self.steps,
            "perceptual": self.perceptual, "seed": self.seed,
        }


def find_selfies(folder):
    """The photos in `folder` (PNG and JPEG), sorted by name, each name used once."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"There is no folder {folder}: pass the folder of selfies.")
    photos = sorted(
        path for path in folder.iterdir()
        if path.suffix.lower() in PHOTO_SUFFIXES and not path.name.startswith(".")
    )
    if not photos:
        raise ValueError(
            f"{folder} holds no PNG or JPEG photos: put the students' selfies in it."
        )
    stems = [path.stem for path in photos]
    repeated = sorted({stem for stem in stems if stems.count(stem) > 1})
    if repeated:
        raise ValueError(
            f"Several photos in {folder} are named {', '.join(repeated)}: each student's "
            "folder is named after the photo, so rename them apart."
        )
    return photos


def make_class_photo(generator, selfies, out, settings, log=print):
    """Aligns and projects every selfie not yet projected, then writes the class pictures.

    Args:
        generator: a loaded StyleGAN2 generator.
        selfies: photo paths (see `find_selfies`).
        out: the output folder (see the module docstring).
        settings: a `ClassPhotoSettings`.
        log: where the progress sentences go.

    Returns:
        The dict written to class.json.
    """
    from kerasgan import files
    from kerasgan.faces import alignment

    out = Path(out)
    _check_same_settings(out, settings)
    files.remove_stale_temporaries(out)
    size = int(generator.outputs[0].shape[1])
    students, skipped = [], []
    for number, photo in enumerate(selfies, start=1):
        folder = out / "students" / photo.stem
        if (folder / "projected_w.npy").is_file():
            log(f"[{number}/{len(selfies)}] {photo.name}: already projected, kept.")
            students.append(photo)
            continue
        try:
            aligned = alignment.align_photo(photo, size=size, largest=True)
        except alignment.NoFaceError as error:
            log(f"[{number}/{len(selfies)}] Skipped {photo.name}: {error}")
            skipped.append({"photo": photo.name, "reason": str(error)})
            continue
        log(f"[{number}/{len(selfies)}] {photo.name}: aligned, projecting "
            f"{settings.steps} steps in {settings.space.upper()}...")
        _project_student(generator, aligned.aligned[0], folder, settings, log)
        students.append(photo)
    if not students:
        raise ValueError(
            f"Found no face in any of the {len(selfies)} photos: pass selfies where a face "
            "is seen from the front."
        )
    return _write_class_pictures(generator, students, skipped, out, settings, log)


def _check_same_settings(out, settings):
    """Refuses to mix projections made with other settings into one class photo."""
    from kerasgan import files

    record = out / "class.json"
    if not record.is_file():
        return
    earlier = files.read_json(record).get("projection", {})
    wanted = settings.projection_settings()
    changed = [key for key in wanted if key in earlier and earlier[key] != wanted[key]]
    if changed:
        differences = ", ".join(f"{key} {earlier[key]} then, {wanted[key]} now" for key in changed)
        raise ValueError(
            f"{out} holds a class photo projected with other settings ({differences}): "
            "pass the same settings to continue it, or another --out to start a new one."
        )


def _project_student(generator, aligned, folder, settings, log):
    """Projects one aligned face and saves its folder, projected_w.npy last (the finished mark)."""
    from kerasgan import files, images
    from kerasgan.snapshots import projection, stylegan2_projection

    target = aligned.astype("float32") / 127.5 - 1.0
    every = max(1, settings.steps // 4)

    def progress(step, distance):
        if step % every == 0:
            log(f"    step {step}/{settings.steps}: distance {distance:.5f}")

    result = stylegan2_projection.project_stylegan2(
        generator, target, space=settings.space, steps=settings.steps,
        perceptual=settings.perceptual, seed=settings.seed,
        frame_every=settings.steps, progress=progress,
    )
    images.save_image(folder / "aligned.png", aligned)
    images.save_image(folder / "projected.png", result.image)
    files.write_json(folder / "projection.json", {
        **settings.projection_settings(),
        "distance": result.distance, "pixel_mse": result.pixel_mse, "psnr_db": result.psnr,
    })
    projection.save_array(folder / "projected_w.npy", result.ws)
    log(f"    done: PSNR {result.psnr:.1f} dB")


def _write_class_pictures(generator, students, skipped, out, settings, log):
    """The grid, the average face and the morph, from every finished student's saved ws."""
    from kerasgan import files, images
    from kerasgan.snapshots import projection, stylegan2_sampling

    names = [photo.stem for photo in students]
    ws = np.stack([
        stylegan2_sampling.load_projected_ws(out / "students" / name / "projected_w.npy",
                                             generator)[0]
        for name in names
    ])
    faces = stylegan2_sampling.synthesize(generator, ws)
    columns = math.ceil(math.sqrt(len(faces)))
    images.save_grid(out / "class_photo.png", faces, columns=columns, padding=2, background=255)

    # The class's average face: the mean of everyone's ws (per layer, for W+).
    average_w = ws.mean(axis=0)
    projection.save_array(out / "average_w.npy", average_w)
    average_face = stylegan2_sampling.synthesize(generator, average_w[np.newaxis])[0]
    images.save_image(out / "average_face.png", average_face)

    morph_frames = 0
    if len(ws) > 1:
        # Straight lines in W from each face to the next, and from the last back to the first.
        path = stylegan2_sampling.walk_in_w(ws, settings.steps_between, method="lerp", loop=True)
        images.save_video(out / MORPH_NAME, stylegan2_sampling.synthesize(generator, path),
                          fps=settings.fps)
        morph_frames = len(path)
    else:
        log("One face only: no morph to make.")

    record = {
        "projection": settings.projection_settings(),
        "students": names,
        "skipped": skipped,
        "grid_columns": columns,
        "morph": {"file": MORPH_NAME if morph_frames else None, "frames": morph_frames,
                  "steps_between": settings.steps_between, "fps": settings.fps},
    }
    files.write_json(out / "class.json", record)
    log(f"Class photo of {len(names)} face(s) ({len(skipped)} photo(s) skipped): wrote "
        f"class_photo.png, average_face.png, average_w.npy"
        + (f", {MORPH_NAME} ({morph_frames} frames)" if morph_frames else "")
        + f" and class.json to {out}")
    return record


