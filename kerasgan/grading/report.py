"""The Markdown report a teacher (or a student) reads: score table, each check's message, samples.

`report.md` is written next to a PNG grid of the samples the submission's
generator drew after the short training run (`report-samples.png`), linked
from the report, so a teacher sees at a glance what the numbers mean. What
the submission printed is shown at the end, fenced and labelled: it is never
read by the grader, and a fake "Score: 100/100" there changes nothing.

Example:

```python
write_report(graded, "reports/alice.md")   # also writes reports/alice-samples.png
```
"""

from pathlib import Path

from kerasgan import files, images


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
        lines += [
            f"### {number}. {result.title} ({result.score:g} / {result.max_score:g}, {mark})",
            "",
            "```text",
            result.output.replace("```", "'''"),
            "```",
            "",
        ]
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
    if graded.child_output.strip():
        lines += [
            "## What the submission printed (last lines; shown, never read by the grader)",
            "",
            "```text",
            graded.child_output.strip().replace("```", "'''"),
            "```",
            "",
        ]
    return "\n".join(lines)


def _cell(text):
    return _one_line(text).replace("|", "\\|").replace("`", "'")


def _one_line(text):
    return " ".join(str(text).split())
