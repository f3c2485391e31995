"""Runs the C unit tests (tests/unit/, built by meson) as part of the one
test command, one pytest case per test binary."""
import glob
import os
import subprocess

import pytest

from conftest import BIN

# Beside the binary under test: build/, or build-asan/ for the sanitizer run.
UNIT = sorted(p for p in glob.glob(os.path.join(os.path.dirname(BIN), "tests", "unit", "test_*"))
              if os.path.isfile(p) and os.access(p, os.X_OK))


def test_unit_binaries_were_built():
    assert len(UNIT) >= 6, "run scripts/build first"


@pytest.mark.parametrize("binary", UNIT, ids=[os.path.basename(p) for p in UNIT])
def test_unit(binary):
    r = subprocess.run([binary], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip().splitlines()[-1].endswith(" 0 failed"), r.stdout
