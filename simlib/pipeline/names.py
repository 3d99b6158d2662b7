"""Output folder names made from scenario names, safely.

A scenario's name is its file's name without ``.yaml`` (``params/qingzhen_2025.yaml`` →
``qingzhen_2025``), and its brief goes to ``outputs/<name>``.  A file name can be anything a
file system allows: ``...yaml`` has the stem ``..``, and ``outputs/..`` is the project folder.  So
the folder is :func:`folder_name` of the name, never the name itself:

- path separators (``/``, ``\\``), control and text-reordering characters become ``_``;
- a leading dot becomes ``_`` (no hidden folder, no ``.`` or ``..``, nothing a run's own
  ``.simlib-*`` temporaries could be mistaken for), as do trailing dots and spaces;
- a name longer than :data:`MAX_BYTES` bytes in UTF-8 (file systems allow 255; a hundred Chinese
  characters are about 300) is cut at a character boundary;
- a name that had to change (replaced characters or a cut) is given ``-`` and the first 8 hex
  digits of the SHA-256 of the whole name, so two names never share a folder (``a/b`` and ``a_b``,
  ``.x`` and ``_x``, two long names with one beginning) and the same name always gets the same one.

Chinese and other letters are kept: ``outputs/永昌_2024`` is what a user expects.
"""

from __future__ import annotations

import hashlib
import re

#: The most bytes (UTF-8) of a folder name made from a scenario name, suffix included; well under
#: the 255 of ext4, XFS, btrfs and tmpfs, leaving room for the temporary names made inside it.
MAX_BYTES = 120

_UNSAFE = re.compile(r"[/\\\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def folder_name(name: str, suffix: str = "") -> str:
    """A safe folder name (one path component) for scenario ``name``, ending with ``suffix``
    (``"-sweep"``; made of safe ASCII); the same name always gives the same folder."""
    safe = _UNSAFE.sub("_", name)
    safe = re.sub(r"^\.", "_", safe)
    safe = re.sub(r"[. ]+$", lambda m: "_" * len(m.group()), safe) or "_"
    if any("\ud800" <= ch <= "\udfff" for ch in safe):  # undecodable bytes of a file name
        safe = "".join("_" if "\ud800" <= ch <= "\udfff" else ch for ch in safe)
    if safe == name and len((safe + suffix).encode("utf-8")) <= MAX_BYTES:
        return safe + suffix
    tag = "-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    room = MAX_BYTES - len((tag + suffix).encode("utf-8"))
    cut = safe.encode("utf-8")[:room].decode("utf-8", "ignore")
    return cut + tag + suffix
