"""Files only Herald's own user may read: the SQLite database and the keys it makes.

Each is created with its final mode, never written first and narrowed after (which
leaves a moment when anyone can read it), and start-up narrows the mode of files and
directories an earlier version made readable to others.
"""

import contextlib
import os
import stat
import tempfile
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
# SQLite's companions of a database file; it gives them the database file's mode.
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def make_private_dir(path: Path) -> None:
    """Create the directory `path` for this user only, if it is missing."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)


def restrict(path: Path, mode: int = PRIVATE_FILE) -> None:
    """Take from an existing file or directory of ours every permission beyond `mode`."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    current = stat.S_IMODE(info.st_mode)
    if current & ~mode and info.st_uid == os.getuid():  # another user's file is theirs
        os.chmod(path, current & mode)


def write_private(path: Path, data: bytes, replace: bool = True) -> bool:
    """Write `data` as a 0600 file that appears at `path` whole; return whether it did.

    With replace=False a file already at `path` wins: processes that start together and
    each make a key all end up using the same one.
    """
    make_private_dir(path.parent)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")  # 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        if replace:
            os.replace(temporary, path)
            return True
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def prepare_sqlite_file(filename: str) -> None:
    """Create a SQLite database file 0600 before SQLite would (0644), and narrow old ones.

    An empty file is an empty database to SQLite; its -wal and -shm files, made later,
    take this file's mode.
    """
    if filename in ("", ":memory:"):
        return
    path = Path(filename)
    make_private_dir(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    for suffix in SQLITE_SUFFIXES:
        restrict(path.with_name(path.name + suffix))
