"""Every shell block of ``docs/how-to/run-a-mediation.md`` runs, in order, against a real
server (``accord serve`` on a free loopback port, SQLite in a temporary folder).

The blocks are joined into one bash script (``set -euo pipefail``; ``curl -f`` fails on any
HTTP error), so a command, a variable or an example the server refuses breaks the test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from accord.store.throwaway import free_port

ROOT = Path(__file__).resolve().parents[2]
HOWTO = ROOT / "docs" / "how-to" / "run-a-mediation.md"


def shell_blocks() -> list[str]:
    """The ```sh blocks, in order."""
    return re.findall(r"```sh\n(.*?)```", HOWTO.read_text(encoding="utf-8"), re.S)


@pytest.mark.long
def test_every_shell_block_of_the_how_to_runs(tmp_path: Path) -> None:
    for tool in ("curl", "jq", "bash"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is needed to run the how-to (scripts/system-deps.sh)")
    port = str(free_port())
    script = "\n".join(shell_blocks()).replace("8000", port)
    trap = "trap 'if [ -n \"${SERVER:-}\" ]; then kill $SERVER 2>/dev/null || true; fi' EXIT\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    done = subprocess.run(["bash", "-c", "set -euo pipefail\n" + trap + script],
                          cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-4000:]
    assert '"ratified"' in done.stdout, out[-4000:]
    ru = (tmp_path / "member-RU.json").read_text(encoding="utf-8")
    ru_id = re.search(r'"id":\s*"(mb_[0-9a-f]+)"', ru)
    assert ru_id is not None and done.stdout.count(ru_id.group(1)) >= 2, out[-4000:]
    assert stat_mode(tmp_path / "backup.json") == 0o600


def stat_mode(path: Path) -> int:
    """Permission bits of a file."""
    return path.stat().st_mode & 0o777
