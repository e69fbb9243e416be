"""Set up and run Simpul from a fresh checkout, with nothing but Python 3.11+.

    python3 dev.py demo     # install what is needed, then run the whole hub with simulated apps
    python3 dev.py test     # install what is needed, then lint and run every test, one process
                            # per core; arguments go to pytest (-m "not slow" skips the slow ones)

The test command also makes sure a Chromium browser is there for the browser tests
(tests/test_live_browser.py and tests/test_pages_on_a_phone.py, driven by Playwright from the
test extra): as root on Debian or Ubuntu it installs the ``chromium`` package with apt-get;
elsewhere it says how, and those tests are skipped until then.

The first run makes a virtual environment in .venv and installs the hub and its plugins into it;
later runs reinstall only when a pyproject.toml changed.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / "simpul-installed"


def projects() -> list[Path]:
    return [ROOT, *sorted(p.parent for p in (ROOT / "plugins").glob("*/pyproject.toml"))]


def ensure_installed() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file may be run by an older Python
        sys.exit(f"Simpul needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    digest = hashlib.sha256(
        b"".join((p / "pyproject.toml").read_bytes() for p in projects())
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    if not (BIN / "python").exists():
        print("creating .venv", flush=True)
        venv.create(VENV, with_pip=True)
    editable = [arg for project in projects()[1:] for arg in ("-e", str(project))]
    print("installing Simpul and its plugins into .venv", flush=True)
    subprocess.run(
        [
            BIN / "python",
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-e",
            f"{ROOT}[demo,postgres,test]",
            *editable,
        ],
        check=True,
    )
    STAMP.write_text(digest)


def ensure_browser() -> None:
    """Chromium for the browser test: installed with apt-get where we may, else explained."""
    if shutil.which("chromium"):
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        print("installing chromium for the browser test: apt-get install chromium", flush=True)
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"]
        updated = subprocess.run(["apt-get", "update", "-qq"], env=environment).returncode == 0
        if updated and subprocess.run(install, env=environment).returncode == 0:
            return
    print(
        "no chromium on PATH: the browser test will be skipped. Install Chromium (Debian or"
        " Ubuntu: sudo apt-get install chromium; macOS: brew install --cask chromium) to run it.",
        flush=True,
    )


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command not in ("demo", "test"):
        sys.exit(__doc__)
    ensure_installed()
    os.chdir(ROOT)
    if command == "demo":
        os.execv(BIN / "simpul", [str(BIN / "simpul"), "demo", *sys.argv[2:]])
    ensure_browser()
    for step in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
        if subprocess.run([BIN / step[0], *step[1:]]).returncode:
            sys.exit(f"{' '.join(step)} found problems: fix them, then run the tests again")
    # One test process per core (pytest-xdist); "-n 0" after the command runs them in one.
    pytest = ["-m", "pytest", "-n", "auto", *sys.argv[2:]]
    os.execv(BIN / "python", [str(BIN / "python"), *pytest])


if __name__ == "__main__":
    main()
