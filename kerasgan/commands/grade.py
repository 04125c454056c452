"""`kerasgan grade`: starter files, grading one submission or a folder, the Gradescope autograder."""

SUMMARY = "Grade GAN assignments: starter files, one submission, a folder, a Gradescope zip."

EXAMPLES = """\
examples:
  kerasgan grade starter dcgan-mnist > dcgan_mnist.py
  kerasgan grade run dcgan-mnist alice.py --out results.json --report report.md
  kerasgan grade run dcgan-mnist bob.ipynb --data ../shared/data/mnist_subset.npz
  kerasgan grade batch dcgan-mnist submissions/ --gradebook grades.csv --workers 2
  kerasgan grade make-autograder dcgan-mnist -o autograder.zip --data mnist_subset.npz

Each submission runs in a sandbox (bubblewrap where installed: its own processes,
files and no network) with a time and a memory limit; top-level training code,
notebook magics and shell escapes are not run.
"""

from kerasgan import files


def _examples():
    """The examples, then every assignment of the table with its title."""
    from kerasgan.grading.assignments import assignment_names, get_assignment

    listed = "\n".join(
        f"  {name:16s}{get_assignment(name).title}" for name in assignment_names()
    )
    return f"{EXAMPLES}\nassignments:\n{listed}\n"

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


def add_arguments(parser):
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")

    starter = verbs.add_parser(
        "starter",
        help="print an assignment's starter file",
        description="Print the starter file " "students fill in.",
        epilog=_examples(),
        formatter_class=parser.formatter_class,
    )
    starter.add_argument("assignment", help="assignment name, e.g. dcgan-mnist")
    starter.set_defaults(_run=run_starter)

    run = verbs.add_parser(
        "run",
        help="grade one .py or .ipynb submission",
        description="Grade one submission.",
        epilog=_examples(),
        formatter_class=parser.formatter_class,
    )
    run.add_argument("assignment", help="assignment name, e.g. dcgan-mnist")
    run.add_argument("submission", help="the student's .py or .ipynb file")
    run.add_argument(
        "--out", default="results.json", help="Gradescope results file (default results.json)"
    )
    run.add_argument(
        "--report", help="also write a Markdown report (and a PNG of samples next to it)"
    )
    _add_grading_options(run)
    run.set_defaults(_run=run_one)

    batch = verbs.add_parser(
        "batch",
        help="grade a folder of submissions into a gradebook CSV",
        description="Grade every .py/.ipynb in a folder (or one per sub-folder), in parallel.",
        epilog=_examples(),
        formatter_class=parser.formatter_class,
    )
    batch.add_argument("assignment", help="assignment name, e.g. dcgan-mnist")
    batch.add_argument("folder", help="folder of submissions")
    batch.add_argument(
        "--gradebook", required=True, help="CSV file to write: one row per submission"
    )
    batch.add_argument(
        "--reports",
        help="folder for each submission's results and report (default: reports/ by the gradebook)",
    )
    batch.add_argument(
        "--workers", type=int, help="submissions graded at once (default: one per core)"
    )
    _add_grading_options(batch)
    batch.set_defaults(_run=run_batch)

    package = verbs.add_parser(
        "make-autograder",
        help="write the Gradescope autograder zip",
        description="Write a Gradescope autograder zip (setup.sh + run_autograder).",
        epilog=_examples(),
        formatter_class=parser.formatter_class,
    )
    package.add_argument("assignment", help="assignment name, e.g. dcgan-mnist")
    package.add_argument(
        "-o", "--out", default="autograder.zip", help="zip to write (default autograder.zip)"
    )
    package.add_argument("--data", help="real-data .npz to bundle, so Gradescope needs no download")
    package.add_argument("--time-limit", type=float, help="seconds per submission")
    package.add_argument("--memory-limit", type=float, help="GB of address space per submission")
    package.add_argument(
        "--visibility", default="visible", choices=VISIBILITIES, help="of the test results"
    )
    package.set_defaults(_run=run_make_autograder)

    parser.set_defaults(_run=_missing_verb(parser))


def _add_grading_options(parser):
    parser.add_argument(
        "--data", help=".npz with x_train, y_train, x_test, y_test (default: kerasgan's loaders)"
    )
    parser.add_argument(
        "--time-limit", type=float, help="seconds per submission (default: the assignment's, 600)"
    )
    parser.add_argument(
        "--memory-limit", type=float, help="GB of address space per submission (default 8)"
    )


def _missing_verb(parser):
    def run(args):
        parser.print_help()
        return 2

    return run


def run_starter(args):
    from kerasgan.grading.assignments import get_assignment

    print(get_assignment(args.assignment).starter_text(), end="")
    return 0


def run_one(args):
    from kerasgan.grading import sandbox
    from kerasgan.grading.grader import default_limits, grade_submission, write_results
    from kerasgan.grading.assignments import get_assignment

    assignment = get_assignment(args.assignment)
    # Checked before grading, which can take minutes: a path that cannot be written loses it all.
    files.check_output_file(args.out, "--out")
    if args.report:
        files.check_output_file(args.report, "--report")
    limits = default_limits(assignment, args.time_limit, args.memory_limit, threads=_cores())
    # SIGTERM or Ctrl-C while grading ends the sandbox and removes its folder first.
    with sandbox.stop_sandboxes_on_signals():
        graded = grade_submission(assignment, args.submission, data_path=args.data, limits=limits)
        write_results(graded, args.out, report_path=args.report)
    for number, result in enumerate(graded.results, start=1):
        mark = "passed" if result.passed else "FAILED"
        print(f"{number:2d}. {result.score:4g} / {result.max_score:<4g} {mark:6s}  {result.title}")
    for problem in graded.problems:
        print(f"    note: {problem.splitlines()[0]}")
    print(
        f"Score: {graded.score:g} / {graded.max_score:g} in {graded.seconds:.0f} s; "
        f"wrote {args.out}" + (f" and {args.report}" if args.report else "")
    )
    return 0


def run_batch(args):
    from kerasgan.grading import sandbox
    from kerasgan.grading.batch import grade_batch

    files.check_output_file(args.gradebook, "--gradebook")
    if args.reports:
        files.check_output_folder(args.reports, "--reports")
    with sandbox.stop_sandboxes_on_signals():
        outcomes = grade_batch(
            args.assignment,
            args.folder,
            args.gradebook,
            reports_folder=args.reports,
            data_path=args.data,
            workers=args.workers,
            seconds=args.time_limit,
            memory_gb=args.memory_limit,
        )
    graded = [outcome for outcome in outcomes if outcome[1] is not None]
    print(f"Graded {len(graded)} of {len(outcomes)} submissions; wrote {args.gradebook}")
    return 0 if len(graded) == len(outcomes) else 1


def run_make_autograder(args):
    from kerasgan.grading.gradescope_autograder import make_autograder

    files.check_output_file(args.out, "--out")
    path = make_autograder(
        args.assignment,
        args.out,
        data_path=args.data,
        seconds=args.time_limit,
        memory_gb=args.memory_limit,
        visibility=args.visibility,
    )
    print(f"Wrote {path}: upload it as the assignment's autograder on Gradescope.")
    return 0


def _cores():
    from kerasgan.grading.batch import usable_cores

    return usable_cores()
