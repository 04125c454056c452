"""Gradescope's results.json: building it from checks, and validating it against the spec.

Gradescope reads `/autograder/results/results.json` after `run_autograder`
ends. Its fields are listed in the autograder specification
(https://gradescope-autograders.readthedocs.io/en/latest/specs/):

top level: score, execution_time, output, output_format, test_output_format,
test_name_format, visibility, stdout_visibility, extra_data, tests, leaderboard;
per test: score, max_score, status, name, name_format, number, output,
output_format, tags, visibility, extra_data.

`validate` checks a dict against that list (unknown keys, types, allowed
values), so a typo never reaches Gradescope, where it would show as a failed
autograder with no score.

Example:

```python
results = results_json(graded)
validate(results)          # raises ValueError naming the first problem
```
"""

import math

from kerasgan.grading import sandbox

TOP_LEVEL_FIELDS = {
    "score": (int, float),
    "execution_time": (int, float),
    "output": (str,),
    "output_format": (str,),
    "test_output_format": (str,),
    "test_name_format": (str,),
    "visibility": (str,),
    "stdout_visibility": (str,),
    "extra_data": (dict,),
    "tests": (list,),
    "leaderboard": (list,),
}

TEST_FIELDS = {
    "score": (int, float),
    "max_score": (int, float),
    "status": (str,),
    "name": (str,),
    "name_format": (str,),
    "number": (str,),
    "output": (str,),
    "output_format": (str,),
    "tags": (list,),
    "visibility": (str,),
    "extra_data": (dict,),
}

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
STATUSES = ("passed", "failed")
FORMATS = ("text", "html", "simple_format", "md", "ansi")

# Gradescope shows long outputs poorly; the full text is in the Markdown report.
MAXIMUM_OUTPUT_CHARACTERS = 8000


def results_json(graded, visibility="visible"):
    """The results.json dict for a `GradedSubmission`.

    Args:
        graded: the `GradedSubmission`.
        visibility: of every test: "visible" (default), "hidden", "after_due_date"
            or "after_published".
    """
    if visibility not in VISIBILITIES:
        raise ValueError(
            f"visibility must be one of {', '.join(VISIBILITIES)}; got {visibility!r}."
        )
    tests = []
    for number, result in enumerate(graded.results, start=1):
        tests.append(
            {
                "name": result.title,
                "number": str(number),
                "score": round(result.score, 4),
                "max_score": round(result.max_score, 4),
                "status": "passed" if result.passed else "failed",
                "output": _trimmed(result.output),
                "output_format": "text",
                "tags": [result.name],
                "visibility": visibility,
            }
        )
    lines = [
        f"{graded.assignment.title}: {graded.score:g} / {graded.max_score:g} points "
        f"(graded in {graded.seconds:.0f} s)."
    ]
    lines += graded.problems
    note = sandbox.WEAKER_ISOLATION_NOTES.get(graded.isolation)
    if note:
        lines.append(f"Graded without a full sandbox: {note}.")
    if graded.not_run:
        lines.append(
            "Not run (top-level code, magics and shell escapes are skipped when grading): "
            + "; ".join(graded.not_run[:20])
            + (" ..." if len(graded.not_run) > 20 else "")
        )
    return {
        "score": round(graded.score, 4),
        "execution_time": int(math.ceil(graded.seconds)),
        "output": _trimmed("\n".join(lines)),
        "output_format": "text",
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def validate(results):
    """Raises ValueError if `results` does not follow Gradescope's results.json field list.

    Args:
        results: the dict that will be written as results.json.
    """
    if not isinstance(results, dict):
        raise ValueError(f"results.json must hold a JSON object; got {type(results).__name__}.")
    _check_fields(results, TOP_LEVEL_FIELDS, "results.json")
    tests = results.get("tests", [])
    if "score" not in results and not all(isinstance(t, dict) and "score" in t for t in tests):
        raise ValueError("results.json needs a top-level score, or a score on every test.")
    _check_choice(results, "visibility", VISIBILITIES, "results.json")
    _check_choice(results, "stdout_visibility", VISIBILITIES, "results.json")
    for key in ("output_format", "test_output_format", "test_name_format"):
        _check_choice(results, key, FORMATS, "results.json")
    for index, test in enumerate(tests):
        where = f"tests[{index}]"
        if not isinstance(test, dict):
            raise ValueError(f"{where} must be a JSON object; got {type(test).__name__}.")
        _check_fields(test, TEST_FIELDS, where)
        _check_choice(test, "status", STATUSES, where)
        _check_choice(test, "visibility", VISIBILITIES, where)
        _check_choice(test, "output_format", FORMATS, where)
        _check_choice(test, "name_format", FORMATS, where)
        if "tags" in test and not all(isinstance(tag, str) for tag in test["tags"]):
            raise ValueError(f"{where}.tags must be a list of strings.")
    return results


def _check_fields(value, fields, where):
    for key, item in value.items():
        if key not in fields:
            raise ValueError(
                f"{where} has the field {key!r}, which Gradescope does not know: remove it."
            )
        allowed = fields[key]
        if isinstance(item, bool) or not isinstance(item, allowed):
            names = " or ".join(kind.__name__ for kind in allowed)
            raise ValueError(f"{where}.{key} must be {names}; got {type(item).__name__}.")
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"{where}.{key} must be a finite number; got {item}.")


def _check_choice(value, key, choices, where):
    if key in value and value[key] not in choices:
        raise ValueError(f"{where}.{key} must be one of {', '.join(choices)}; got {value[key]!r}.")


def _trimmed(text):
    if len(text) <= MAXIMUM_OUTPUT_CHARACTERS:
        return text
    return text[: MAXIMUM_OUTPUT_CHARACTERS - 60] + "\n... (cut; the full text is in the report)"
