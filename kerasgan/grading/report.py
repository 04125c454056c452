"""The Markdown report a teacher (or a student) reads: score table, each check's message, samples.

`report.md` is written next to a PNG grid of the samples the submission's
generator drew after the short training run (`report-samples.png`), linked
from the report, so a teacher sees at a glance what the numbers mean. Each
check starts with one sentence ("discriminator_loss is still a TODO"); the
rest of its message (a table of values, the student's own traceback frames)
is folded under it. What the submission printed is shown at the end, fenced
and labelled: it is never read by the grader, and a fake "Score: 100/100"
there changes nothing. TensorFlow's own start-up lines (its C++ log, such as
"failed call to cuInit" on a machine without a GPU) are not the student's:
they go to a folded "environment" note.

Example:

```python
write_report(graded, "reports/alice.md")   # also writes reports/alice-samples.png
```
"""

import re
from pathlib import Path

from kerasgan import files, images
from kerasgan.grading import sandbox

# Lines TensorFlow and its libraries print when they start, whatever the student wrote:
# absl's C++ log ("E0000 00:00:1796644433.791 2 cuda_platform.cc:52] ...": before absl is set
# up, the seconds field holds the whole Unix time), and its notes.
FRAMEWORK_LINE = re.compile(
    r"^(?:[IWEF]\d{4} \d+:\d+:[\d.]+\s+\d+ \S+:\d+\]"
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|To enable the following instructions: .* rebuild TensorFlow"
    r"|WARNING:tensorflow:"
    r"|Fontconfig error:)"
)


def split_framework_lines(text):
    """(what the student's code printed, the framework's start-up lines) from a child's output."""
    own, framework = [], []
    for line in str(text).splitlines():
        (framework if FRAMEWORK_LINE.match(line) else own).append(line)
    return "\n".join(own), "\n".join(framework)


def folded(summary, text):
    """A Markdown block closed by default: `summary`, and `text` fenced inside."""
    return [
        "<details>",
        f"<summary>{summary}</summary>",
        "",
        "```text",
        text.replace("```", "'''"),
        "```",
        "",
        "</details>",
        "",
    ]


def write_report(graded, path):
    """Writes the report (and its sample grid) for a `GradedSubmission`; returns its path."""
    path = Path(path)
    grid_name = None
    if graded.samples is not None:
        grid_name = f"{path.stem}-samples.png"
        images.save_grid(path.parent / grid_name, graded.samples, columns=8)
    files.write_text(path, report_markdown(graded, grid_name))
    return path


def report_markdown(graded, grid_name=None):
    """The report's Markdown text."""
    assignment = graded.assignment
    lines = [
        f"# {assignment.title}: {graded.path.name}",
        "",
        f"**Score: {graded.score:g} / {graded.max_score:g}** "
        f"(graded in {graded.seconds:.0f} s by `kerasgan grade run {assignment.name}`)",
        "",
        "| # | check | points | result |",
        "|---|-------|--------|--------|",
    ]
    for number, result in enumerate(graded.results, start=1):
        mark = "passed" if result.passed else "**failed**"
        points = f"{result.score:g} / {result.max_score:g}"
        lines.append(f"| {number} | {_cell(result.title)} | {points} | {mark} |")
    lines.append("")
    if graded.problems:
        lines += ["## About the submission", ""]
        lines += [f"- {_one_line(problem)}" for problem in graded.problems]
        lines.append("")
    if grid_name:
        lines += [
            "## Samples after the short training run",
            "",
            f"![samples]({grid_name})",
            "",
        ]
    lines += ["## Checks", ""]
    for number, result in enumerate(graded.results, start=1):
        mark = "passed" if result.passed else "failed"
        reason, _, details = result.output.strip().partition("\n")
        lines += [
            f"### {number}. {result.title} ({result.score:g} / {result.max_score:g}, {mark})",
            "",
            _escaped(reason),
            "",
        ]
        if details.strip():
            lines += folded("Details", details.strip())
    if graded.not_run:
        lines += [
            "## Not run",
            "",
            "Top-level statements that are not definitions, notebook magics and shell escapes "
            "are skipped when grading:",
            "",
        ]
        lines += [f"- `{_cell(item)}`" for item in graded.not_run]
        lines.append("")
    printed, framework = split_framework_lines(graded.child_output)
    if printed.strip():
        lines += [
            "## What the submission printed (last lines; shown, never read by the grader)",
            "",
            "```text",
            printed.strip().replace("```", "'''"),
            "```",
            "",
        ]
    note = sandbox.WEAKER_ISOLATION_NOTES.get(graded.isolation)
    if framework.strip() or note:
        lines += ["## Environment", ""]
        if note:
            lines += [f"Graded without a full sandbox: {note}.", ""]
        if framework.strip():
            lines += folded(
                "TensorFlow's start-up lines (not the submission's)", framework.strip()
            )
    return "\n".join(lines)


def _escaped(text):
    """One line of a message as Markdown text (no accidental emphasis or HTML)."""
    return re.sub(r"([\\`*<>\[\]])", r"\\\1", _one_line(text))


def _cell(text):
    return _one_line(text).replace("|", "\\|").replace("`", "'")


def _one_line(text):
    return " ".join(str(text).split())
