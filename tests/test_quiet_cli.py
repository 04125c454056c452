"""A quiet command line: no TensorFlow C++ log lines and no library warnings on a CPU machine."""

import os
import re
import subprocess
import sys
import warnings

from kerasgan.quiet import is_tensorflow_log_line, quiet_command_line, stderr_without_tensorflow_logs

# What a student saw on every command before (TF 2.21, CPU only).
NOISE = re.compile(
    r"^[IWEF]\d{4} .*\.cc:\d+\]"  # absl's C++ log line shape
    r"|absl::InitializeLog|oneDNN custom operations|cuda drivers|cuInit|cpu_feature_guard"
    r"|remapper failed|rebuild TensorFlow"
    r"|Warning:|WARNING:|shuffle=True"  # Python warnings and library log records
)


def test_training_prints_no_tensorflow_log_lines_and_no_library_warnings(tmp_path):
    environment = dict(os.environ)
    environment.pop("TF_CPP_MIN_LOG_LEVEL", None)  # as a user's shell has it (conftest sets it)
    environment.pop("PYTHONWARNINGS", None)
    result = subprocess.run(
        [sys.executable, "-m", "kerasgan", "train", "dcgan", "--dataset", "mnist", "--kimg", "2",
         "--outdir", str(tmp_path / "results")],
        capture_output=True, text=True, timeout=600, env=environment, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # It trained and wrote its run folder (so the silence is not a crash's).
    assert list((tmp_path / "results").glob("00000-dcgan-mnist/generator-*.keras"))
    lines = (result.stdout + "\n" + result.stderr).replace("\r", "\n").splitlines()
    noise = [line for line in lines if NOISE.search(line)]
    assert noise == [], "\n".join(noise)
    # kerasgan's own sentences still reach stderr: only TensorFlow's lines were taken out.
    assert "offline copy" in result.stderr or "MNIST:" in result.stdout


def test_tensorflow_log_lines_are_told_from_everything_else():
    seen = [
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
        "I0000 00:00:1796457875.862290    6890 port.cc:153] oneDNN custom operations are on.\n",
        "E0000 00:00:1796457882.132919    6890 cuda_platform.cc:52] failed call to cuInit: INTERNAL\n",
        "W0000 00:00:1.5 12 tensorflow/core/framework/op_kernel.cc:1857] OP_REQUIRES failed\n",
        "To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild ...\n",
        "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n",
    ]
    kept = [
        "Traceback (most recent call last):\n",
        "ModuleNotFoundError: No module named 'tensorflow'\n",
        "kerasgan: error: There is no snapshot at G.keras.\n",
        "I0000 is how a user might start a sentence\n",
    ]
    assert all(is_tensorflow_log_line(line) for line in seen)
    assert not any(is_tensorflow_log_line(line) for line in kept)


def test_the_import_filter_passes_on_everything_but_tensorflow_log_lines(capfd):
    with stderr_without_tensorflow_logs():
        os.write(2, b"I0000 00:00:1.0 7 port.cc:153] oneDNN custom operations are on.\n")
        os.write(2, b"a line from C that is not a log line\n")
        print("and one from Python", file=sys.stderr)
    # (Under pytest, Python's sys.stderr is captured apart from descriptor 2: order aside.)
    assert sorted(capfd.readouterr().err.splitlines()) == [
        "a line from C that is not a log line", "and one from Python"
    ]


def test_verbose_2_or_the_users_own_level_hides_nothing(monkeypatch):
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")  # the user asked for every line
    with quiet_command_line(verbose=1):
        assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0"
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL")
    with quiet_command_line(verbose=2):
        assert "TF_CPP_MIN_LOG_LEVEL" not in os.environ
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.warn_explicit("from keras", UserWarning, "trainer.py", 1, module="keras.src.trainer")
        assert [str(warning.message) for warning in caught] == ["from keras"]
    with quiet_command_line(verbose=1):
        assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"
        with warnings.catch_warnings(record=True) as caught:
            warnings.warn_explicit("from keras", UserWarning, "trainer.py", 1, module="keras.src.trainer")
            warnings.warn_explicit("from kerasgan", UserWarning, "sources.py", 1, module="kerasgan.data")
        assert [str(warning.message) for warning in caught] == ["from kerasgan"]
