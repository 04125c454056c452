"""A Markdown report of an evaluation, with pictures beside it.

`kerasgan evaluate --report report.md` and `evaluate_generator(..., report=...)`
write three files:

    report.md            the scores, explained, the health warnings, the class counts
    report-samples.png   a grid of generated samples (one row per class for a conditional GAN)
    report-nearest.png   samples next to their nearest training images (memorisation)

The Markdown links the pictures by relative path, so the folder can be zipped,
handed in, or opened on GitHub as it is.
"""

from pathlib import Path

import numpy as np

from kerasgan import files
from kerasgan import images as image_tools
from kerasgan.metrics import memorisation
from kerasgan.metrics.arrays import as_float_images
from kerasgan.metrics.memorisation import enlarge

# Samples shown in the sample grid, and per class for a conditional generator.
GRID_SAMPLES = 64
GRID_SAMPLES_PER_CLASS = 10
# Samples shown with their nearest training images.
NEAREST_SAMPLES = 8
NEAREST_NEIGHBOURS = 4

# (key, label, how to read it) for the score table, in order.
SCORE_ROWS = (
    (
        "fid",
        "FID (Frechet distance)",
        "distance between real and generated feature statistics; lower is better",
    ),
    (
        "kid",
        "KID",
        "unbiased kernel distance, reliable with few images; lower is better, about 0 for "
        "real images",
    ),
    ("precision", "Precision", "share of samples that look like some real image; higher is better"),
    (
        "recall",
        "Recall",
        "share of real images the samples come close to (coverage); higher is better",
    ),
    (
        "classifier_score",
        "Classifier score",
        "confident and varied classes, 1 to the number of classes; higher is better",
    ),
    (
        "recognised_share",
        "Recognised",
        "share of samples the classifier is confident about; higher is better",
    ),
    (
        "requested_class_share",
        "Recognised as requested class",
        "conditional GANs: share recognised as the class asked for",
    ),
    (
        "diversity",
        "Diversity",
        "spread of samples relative to real images; below 0.5 is mode collapse",
    ),
    (
        "copy_rate",
        "Copy rate",
        "share of samples suspiciously close to a training image; about 5% for new images",
    ),
)


# Scores that are shares of images, shown as percentages.
PERCENT_KEYS = ("recognised_share", "requested_class_share", "copy_rate")


def _format(value, key=None):
    if key in PERCENT_KEYS:
        return f"{value:.1%}"
    if isinstance(value, float):
        # A spread of 1e-15 is rounding, not information (KID over one repeated subset).
        return "0" if abs(value) < 1e-9 else f"{value:.4g}"
    return str(value)


def _score_value(scores, key):
    """One score as text, with what belongs beside it: KID's spread, the real images' score."""
    value = _format(scores[key], key)
    if key == "kid":
        spread = scores["kid_std"]
        # Two significant digits: the spread says how far to trust the mean, no more.
        value += " +- " + ("0" if abs(spread) < 1e-9 else f"{spread:.2g}")
    if key == "classifier_score" and "real_classifier_score" in scores:
        value += f" (real images: {_format(scores['real_classifier_score'])})"
    return value


def format_scores(scores):
    """The scores as aligned plain-text lines, for the terminal."""
    lines = [f"extractor: {scores['extractor']}"]
    if "extractor_test_accuracy" in scores:
        lines[0] += f" (domain classifier, {scores['extractor_test_accuracy']:.1%} test accuracy)"
    for key, label, _ in SCORE_ROWS:
        if scores.get(key) is None:
            continue
        value = _score_value(scores, key)
        if key == "recognised_share" and "class_counts" in scores:
            value += f" ({scores['classes_recognised']} of {len(scores['class_counts'])} classes)"
        lines.append(f"  {label:<31} {value}")
    if scores.get("precision") is not None and scores.get("recall") is not None:
        lines.append(f"reading: {precision_recall_reading(scores['precision'], scores['recall'])}")
    lines += [f"warning: {message}" for message in scores.get("warnings", [])]
    if scores.get("advice"):
        lines.append(f"try: {scores['advice']}")
    return "\n".join(lines)


def precision_recall_reading(precision, recall, high=0.5, low=0.2):
    """What a precision and a recall say together about this run, in one sentence.

    Either figure alone misleads: precision 0.90 beside recall 0 is not a good generator.
    """
    said = (
        f"precision {precision:.2f} is the share of samples that look like some real image, "
        f"recall {recall:.2f} the share of real images that some sample looks like"
    )
    if precision >= high and recall < low:
        meaning = (
            "the samples look real but cover little of the data's variety (too few kinds of "
            "image, or all alike); look at the sample grid before trusting the precision"
        )
    elif precision < low and recall < low:
        meaning = "few samples look real yet, and they cover little of the data: train longer"
    elif precision < high and recall >= high:
        meaning = "the samples spread over the data's variety, but many do not look real yet"
    elif precision >= high and recall >= high:
        meaning = "the samples look real and cover much of the data's variety"
    else:
        meaning = "the samples are part way on both: train longer and compare again"
    return f"{said}: {meaning}."


def sample_grid(samples, requested_labels=None, class_names=()):
    """A uint8 grid of samples: one row per class when labels were requested."""
    samples = as_float_images(samples, "samples")
    if requested_labels is None:
        return image_tools.make_grid(enlarge(samples[:GRID_SAMPLES]), columns=8)
    rows, names = [], []
    for label in np.unique(requested_labels):
        chosen = samples[requested_labels == label][:GRID_SAMPLES_PER_CLASS]
        if len(chosen) < GRID_SAMPLES_PER_CLASS:
            padding = np.full((GRID_SAMPLES_PER_CLASS - len(chosen),) + samples.shape[1:], -1.0)
            chosen = np.concatenate([chosen, padding.astype(samples.dtype)])
        rows.append(chosen)
        names.append(class_names[label] if label < len(class_names) else str(label))
    return image_tools.make_grid(
        enlarge(np.concatenate(rows)), columns=GRID_SAMPLES_PER_CLASS, row_labels=names
    )


def write_report(path, scores, samples, reference, requested_labels=None, title=None):
    """Writes the Markdown report and its two pictures; returns the report's path.

    Args:
        path: the .md file to write; the pictures go beside it.
        scores: the dict from `evaluate_images` / `evaluate_generator`.
        samples: the generated images, float in [-1, 1].
        reference: the `ReferenceData` the samples were compared with.
        requested_labels: the labels asked of a conditional generator, or None.
        title: the report's heading.
    """
    path = Path(path)
    if path.suffix.lower() != ".md":
        raise ValueError(f"The report is Markdown: give it a .md name, not {path.name}.")
    samples_path = path.with_name(f"{path.stem}-samples.png")
    nearest_path = path.with_name(f"{path.stem}-nearest.png")
    class_names = tuple(scores.get("class_names") or reference.class_names)
    image_tools.save_image(samples_path, sample_grid(samples, requested_labels, class_names))
    memorisation.save_nearest_neighbour_grid(
        nearest_path, samples[:NEAREST_SAMPLES], reference.x_train, k=NEAREST_NEIGHBOURS
    )

    lines = [f"# {title or 'Evaluation of a generator'}", ""]
    lines.append(
        f"{scores['num_images']:,} generated images compared with "
        f"{scores['num_reference_images']:,} real training images of **{reference.name}** "
        f"({reference.origin})."
    )
    extractor = f"Features and classes from **{scores['extractor']}**"
    if "extractor_test_accuracy" in scores:
        extractor += (
            f", a small CNN trained on the dataset's real images "
            f"({scores['extractor_test_accuracy']:.1%} test accuracy). Its numbers compare with "
            "other numbers from the same classifier, not with published FIDs (those use "
            "InceptionV3)."
        )
    else:
        extractor += "."
    lines += ["", extractor, "", "## Health", ""]
    warnings = scores.get("warnings") or []
    lines += [f"- **Warning:** {message}" for message in warnings]
    if scores.get("advice"):
        lines.append(f"- **Try:** {scores['advice']}")
    healthy = [check["message"] for check in scores.get("health", []) if check["healthy"]]
    lines += [f"- {message}" for message in healthy]
    lines += ["", "## Samples", "", f"![generated samples]({samples_path.name})", ""]

    lines += ["## Scores", "", "| score | value | how to read it |", "| --- | --- | --- |"]
    for key, label, meaning in SCORE_ROWS:
        if scores.get(key) is None:
            continue
        lines.append(f"| {label} | {_score_value(scores, key)} | {meaning} |")
    lines.append("")

    if "class_counts" in scores:
        lines += [
            "## Classes",
            "",
            f"Samples recognised (top probability above {scores['threshold']:g}) per class:",
            "",
            "| class | recognised samples |",
            "| --- | ---: |",
        ]
        for name, count in zip(class_names, scores["class_counts"]):
            lines.append(f"| {name} | {count} |")
        lines.append("")

    lines += ["## Memorisation", ""]
    if "copy_rate" in scores:
        lines.append(
            f"Copy rate {scores['copy_rate']:.1%}: the share of samples closer to a training "
            f"image (pixel distance below {scores['copy_threshold']:.2f}) than "
            f"{1 - scores['quantile']:.0%} of real test images are. A generator that makes new "
            f"images scores about {scores['quantile']:.0%}."
        )
        lines.append("")
    lines += [
        f"Each row: a generated sample, then its {NEAREST_NEIGHBOURS} nearest training images "
        "(d: pixel distance to the nearest). Near-identical pairs would be copies.",
        "",
        f"![nearest training images]({nearest_path.name})",
        "",
    ]
    files.write_text(path, "\n".join(lines))
    return path
