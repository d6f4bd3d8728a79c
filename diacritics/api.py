"""Public API of restoration: ``restore(text)`` and ``load_restorer()``.

>>> r = restore("Ke hoach trien khai")          # doctest: +SKIP
>>> r.text, [c.after for c in r.changes]        # doctest: +SKIP
('Kế hoạch triển khai', ['Kế', 'hoạch', 'triển'])
"""

from __future__ import annotations

import threading
from pathlib import Path

from diacritics.changes import Restoration
from diacritics.corpus import default_corpus_dir, ensure_built
from diacritics.restorer import RestoreConfig, Restorer

__all__ = ["RestoreConfig", "Restorer", "load_restorer", "restore"]

_lock = threading.Lock()
_loaded: dict[tuple[str, RestoreConfig], Restorer] = {}


def load_restorer(corpus_dir: Path | None = None, config: RestoreConfig | None = None) -> Restorer:
    """A reusable restorer over the built corpus (cached per corpus directory and config).

    Raises :class:`pipeline.errors.MissingDependencyError` when the corpus is not built.
    """
    corpus_dir = Path(corpus_dir) if corpus_dir else default_corpus_dir()
    config = config or RestoreConfig()
    key = (str(corpus_dir.resolve()), config)
    with _lock:
        r = _loaded.get(key)
        if r is None:
            build = ensure_built(corpus_dir)
            # Another configuration over the same built corpus shares its loaded tables.
            same = next(
                (x for (d, _c), x in _loaded.items() if d == key[0] and x._build == build), None
            )
            r = _loaded[key] = same.with_config(config) if same else Restorer(build, config)
        return r


def restore(
    text: str, *, corpus_dir: Path | None = None, config: RestoreConfig | None = None
) -> Restoration:
    """Restore the diacritics of ``text``; same number of lines, every change explained."""
    return load_restorer(corpus_dir, config).restore(text)
