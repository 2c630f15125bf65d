"""Fuzzing from the contract: Schemathesis generates requests from the served OpenAPI
document and sends them to a real server. No answer may be a 5xx, and every answer must
match what the document says (status, content type, headers, body schema).

CI runs a bounded pass; the documented long run (README, "Fuzzing the API") raises
BRIEFING_FUZZ_EXAMPLES.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from briefing.models import User

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("BRIEFING_FUZZ_EXAMPLES", "8"))
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    ]
)
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


def test_generated_requests_get_no_5xx_and_keep_to_the_document(
    server: tuple[str, int],
    admin: User,
    make_token: Callable[[User], str],
    briefing: Any,
    make_update: Callable[..., Any],
    tmp_path: Path,
) -> None:
    for n in range(3):
        make_update(briefing, body=f"Seed update {n}.", sources=["reuters"])
    host, port = server
    token = make_token(admin)  # the widest rights reach the most code
    run = subprocess.run(
        [str(SCHEMATHESIS), "run", f"http://{host}:{port}/api/v1/openapi.json"]
        + ["-H", f"Authorization: Bearer {token}", "--checks", CHECKS]
        + ["--max-examples", str(EXAMPLES), "--phases", "examples,coverage,fuzzing"]
        + ["--workers", "1", "--request-timeout", "10", "--no-color"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    counted = re.search(r"(\d+) generated, (\d+) passed", output)
    assert counted, output[-3000:]
    generated, passed = int(counted[1]), int(counted[2])
    assert generated == passed
    # Every operation in the document was reached.
    selected = re.search(r"Selected: (\d+)/(\d+)", output)
    tested = re.search(r"Tested: (\d+)", output)
    assert selected and tested and int(tested[1]) == int(selected[2]) > 10, output[-3000:]
    print(f"schemathesis: {generated} generated requests, all passed")  # the documented figure
