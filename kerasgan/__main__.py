"""`python -m kerasgan` runs the same command line as `kerasgan`."""

from kerasgan.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
