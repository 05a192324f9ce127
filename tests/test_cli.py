"""The `stepgrad` command line."""

import subprocess
import sys

from stepgrad.cli import main


def test_help_lists_usage(capsys):
    assert main([]) == 0
    assert "usage: stepgrad" in capsys.readouterr().out


def test_console_script_help():
    result = subprocess.run(
        [sys.executable, "-m", "stepgrad", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "usage: stepgrad" in result.stdout
