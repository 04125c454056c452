"""`kerasgan align-face`: crop faces from photos the way FFHQ's faces were cropped.

For each photo the output folder gets:

    NAME.png             the aligned face (NAME-1.png, NAME-2.png, ... when there are several,
                         numbered largest first, as on the landmarks picture)
    NAME-landmarks.png   the photo with the five landmarks and each crop square drawn on it
    alignment.json       per photo: each face's confidence, landmarks and crop square

Every photo is searched before anything is written: a photo with no face stops the
command with a sentence naming it, and nothing is written.
"""

SUMMARY = "Align faces in photos as FFHQ's were (for projecting into a face network)."

EXAMPLES = """\
examples:
  kerasgan align-face selfie.jpg --out aligned
  kerasgan align-face photos/*.jpg --out aligned --size 256 --largest

then project the aligned face into a face network:
  kerasgan project --snapshot G.keras --target aligned/selfie.png --outdir projections/me
  (or in one step: kerasgan project --snapshot G.keras --target selfie.jpg --align)
"""


def add_arguments(parser):
    parser.add_argument("photos", nargs="+", metavar="PHOTO", help="PNG or JPEG photos")
    parser.add_argument("--out", default="aligned", help="output folder (default aligned)")
    parser.add_argument(
        "--size", type=int, default=1024,
        help="side of the aligned faces in pixels (default 1024, FFHQ's)",
    )
    parser.add_argument(
        "--largest", action="store_true",
        help="align only the largest face of each photo (default: every face)",
    )


def run(args):
    from pathlib import Path

    from kerasgan import files
    from kerasgan.faces import alignment

    if args.size < 8:
        raise ValueError(f"--size must be at least 8 pixels; got {args.size}.")
    out = Path(args.out)
    files.check_output_folder(out, "--out")
    names = [Path(photo).stem for photo in args.photos]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(
            f"Several photos are named {', '.join(repeated)}: their aligned faces would "
            "overwrite each other; rename them or align them into different folders."
        )
    print(f"Finding faces in {len(args.photos)} photo(s) (MTCNN landmarks)...")
    results = [alignment.align_photo(photo, args.size, args.largest) for photo in args.photos]
    summary = {}
    for photo, name, result in zip(args.photos, names, results):
        written = write_aligned_photo(out, name, result)
        summary[str(photo)] = describe(result, written)
        print(f"{photo}: {len(result.faces)} face(s) -> {', '.join(written)}")
    files.write_json(out / "alignment.json", {"size": args.size, "photos": summary})
    print(f"Wrote the aligned faces, the landmarks pictures and alignment.json to {out}")
    return 0


def write_aligned_photo(out, name, result):
    """Writes NAME.png (or NAME-1.png, ...) and NAME-landmarks.png; returns the faces' names."""
    from kerasgan import images
    from kerasgan.faces import alignment

    several = len(result.aligned) > 1
    written = []
    for number, aligned in enumerate(result.aligned, start=1):
        file_name = f"{name}-{number}.png" if several else f"{name}.png"
        images.save_image(out / file_name, aligned)
        written.append(file_name)
    images.save_image(
        out / f"{name}-landmarks.png", alignment.draw_landmarks(result.photo, result.faces)
    )
    return written


def describe(result, written):
    """What alignment.json records of one photo: per face its file, confidence and points."""
    from kerasgan.faces import alignment

    faces = []
    for file_name, face in zip(written, result.faces):
        quad = alignment.ffhq_quad(face)
        points = dict(zip(
            ("left_eye", "right_eye", "nose", "mouth_left", "mouth_right"),
            (point.round(2).tolist() for point in face.points()),
        ))
        faces.append({
            "file": file_name,
            "confidence": round(face.confidence, 4),
            "landmarks": points,
            "crop_corners": quad.corners.round(2).tolist(),
            "crop_side": round(quad.side, 2),
        })
    return faces
