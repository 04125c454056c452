"""Autograding GAN assignments: starter files, checks, an isolated runner and Gradescope results.

A teacher hands out an assignment (`dcgan-mnist`, ...), students fill in the
starter file, and `kerasgan grade run` or `kerasgan grade batch` grades what
they hand in. The submission never runs in the grader's process:

1. `source.py` reads the .py or .ipynb file and keeps only its definitions
   (imports, functions, classes, constants): top-level training code, shell
   escapes and notebook magics are not run.
2. `sandbox.py` starts a child Python process in a sandbox (bubblewrap: its own
   PID, network and mount namespaces, so it sees only its own folder, its own
   processes and a read-only Python; everything it starts dies with it) with a
   clean environment, a time limit, a memory limit and no access to kerasgan.
   The child (`child/harness.py`) imports the submission, calls the student's
   functions on inputs the grader chose and writes back raw arrays only; a
   function that fails is replaced by a working stand-in for the probes after
   it, so it costs only its own checks.
3. After the sandbox is gone, the grader computes every reference value and
   every verdict itself (`checks.py` and one module per assignment), then
   writes a Markdown report with a sample grid (`report.py`) and a Gradescope
   `results.json` (`gradescope.py`), the results file last and atomically.

Modules, one idea each:

- `assignments.py`: the registry of assignments and what an assignment defines;
  `dcgan_mnist.py`, `conditional_gan.py` (cgan-mnist, cgan-cifar10) and
  `pix2pix.py` define them; `starters/` holds the files students fill in;
- `source.py`: notebook conversion and the "definitions only" filter;
- `sandbox.py`: the sandbox, its limits, its clean environment, ending it on a signal;
- `runner.py`: what goes into the child's folder and reading back its arrays;
- `child/`: the harness, the probes and the stand-ins that run inside the child;
- `context.py`, `gan_inputs.py`: data, inputs and classifier shared by a session;
- `checks.py`, `gan_checks.py`: verdicts and the checks the assignments share;
- `grader.py`: grading one submission; `batch.py`: a folder, in parallel;
- `gradescope.py`: results.json and its validation; `report.py`: the Markdown report;
- `gradescope_autograder.py` and `autograder/`: the Gradescope zip and its scripts.

Example:

```python
from kerasgan.grading.grader import grade_submission

graded = grade_submission("dcgan-mnist", "student.py", data_path="mnist_subset.npz")
print(graded.score, "/", graded.max_score)
```
"""
