"""The schemathesis command of the README, run as written against `sgw-conformance serve`: the
exported OpenAPI document raises no false alarm on a conformant endpoint."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conformance.protocol.credentials import EXAMPLE_CREDENTIALS

REPO = Path(__file__).resolve().parent.parent
MARKER = "<!-- schemathesis-command:"
README_HOST = "127.0.0.1:8465"


def readme_command() -> str:
    text = (REPO / "README.md").read_text("utf-8")
    after = text[text.index(MARKER):]
    block = re.search(r"```sh\n(.*?)```", after, re.S)
    assert block is not None
    return block.group(1)


@pytest.mark.slow
def test_the_readmes_schemathesis_command_finds_no_issue_on_serve(tmp_path: Path) -> None:
    pytest.importorskip("schemathesis")
    bindir = Path(sys.executable).parent
    if not (bindir / "st").exists() or not (bindir / "sgw-conformance").exists():
        pytest.skip("the st and sgw-conformance commands are not installed beside this Python")
    serve = subprocess.Popen([sys.executable, "-m", "conformance", "serve", "--port", "0"], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert serve.stdout is not None
        host = ""
        for line in serve.stdout:
            found = re.search(r"http://(127\.0\.0\.1:\d+)", line)
            if found:
                host = found.group(1)
                break
        threading.Thread(target=serve.stdout.read, daemon=True).start()
        command = readme_command().replace(README_HOST, host).replace("PYTHONPATH=bench",
                                                                      f"PYTHONPATH={REPO / 'bench'}")
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
               "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
               "AWS_ACCESS_KEY_ID": EXAMPLE_CREDENTIALS.access_key,
               "AWS_SECRET_ACCESS_KEY": EXAMPLE_CREDENTIALS.secret_key}
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
    finally:
        serve.kill()
        serve.wait()
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert "No issues found" in done.stdout
