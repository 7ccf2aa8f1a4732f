import asyncio
import json

import pytest

from {{ cookiecutter.package_name }}.logs import FLUSH_SECONDS, MAX_BATCH_LINES, StdoutLines


def test_batched_lines_wait_for_the_flush_and_keep_their_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = StdoutLines()
    lines.batching = True

    async def serve() -> str:
        lines.write_later(lambda n: json.dumps({"n": n}) + "\n", 1)
        lines.write(json.dumps({"n": 2}) + "\n")
        held = capsys.readouterr().out
        lines.flush()  # what the logging handler does after each record
        return held

    assert asyncio.run(serve()) == ""
    assert [json.loads(line)["n"] for line in capsys.readouterr().out.splitlines()] == [1, 2]


def test_a_full_batch_goes_out_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    lines = StdoutLines()
    lines.batching = True

    async def serve() -> tuple[str, str]:
        for n in range(MAX_BATCH_LINES - 1):
            lines.write(f"{n}\n")
        before = capsys.readouterr().out
        lines.write("last\n")
        return before, capsys.readouterr().out

    before, after = asyncio.run(serve())
    assert before == ""
    assert len(after.splitlines()) == MAX_BATCH_LINES
    assert after.splitlines()[-1] == "last"


def test_a_lone_line_goes_out_after_the_flush_interval(capsys: pytest.CaptureFixture[str]) -> None:
    lines = StdoutLines()
    lines.batching = True

    async def serve() -> str:
        lines.write("alone\n")
        await asyncio.sleep(FLUSH_SECONDS * 3)
        return capsys.readouterr().out

    assert asyncio.run(serve()) == "alone\n"
