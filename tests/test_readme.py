"""The README stays true: every setting Herald reads is documented there."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READ = re.compile(r"""\benv(?:_int|_bool)?\(\s*["']([A-Z0-9_]+)["']""")


def settings_read() -> set[str]:
    return {f"HERALD_{name}" for path in (ROOT / "app").rglob("*.py")
            for name in READ.findall(path.read_text())}


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    assert settings_read() - set(re.findall(r"HERALD_[A-Z0-9_]+", readme)) == set()


def test_the_readme_names_both_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
