"""UI strings by locale.

Strings live in `bot/ui/locales/<lang>/<namespace>.yaml` (one file per feature, so features do
not edit each other's files); a key is `<namespace>.<key>`, e.g. `core.greeting`. Finnish is
the fallback for a missing key or an unsupported locale. Knowledge content is not here: it
stays Finnish in `knowledge/`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

import yaml

LANGUAGES: Final = ("fi", "sv", "en")
DEFAULT_LANGUAGE: Final = "fi"
LOCALES_DIR: Final = Path(__file__).parent / "locales"


def language_of(locale: str | None) -> str:
    """Map an activity's `locale` (`fi-FI`, `sv-SE`, `en-US`, ...) to a supported language."""
    if not locale:
        return DEFAULT_LANGUAGE
    lang = locale.replace("_", "-").split("-", 1)[0].lower()
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it: the same documents, parsed about ten
times faster (the locales are a tenth of a second of every start in pure Python)."""


class Strings:
    """Immutable table of UI strings, loaded once at start-up."""

    def __init__(self, table: Mapping[str, Mapping[str, str]]) -> None:
        self._table = {lang: dict(entries) for lang, entries in table.items()}

    @classmethod
    def load(cls, directory: Path = LOCALES_DIR) -> Strings:
        table: dict[str, dict[str, str]] = {}
        for lang in LANGUAGES:
            entries: dict[str, str] = {}
            for path in sorted((directory / lang).glob("*.yaml")):
                data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}  # noqa: S506 (a safe loader)
                if not isinstance(data, dict):
                    raise ValueError(f"{path}: expected a mapping of keys to strings")
                for key, value in _flatten(data):
                    entries[f"{path.stem}.{key}"] = value
            table[lang] = entries
        return cls(table)

    def get(self, key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
        """The string for `key` in `lang`, falling back to Finnish, formatted with `params`.

        A missing key returns the key itself, so a gap shows up in the UI and in tests
        instead of crashing a turn.
        """
        text = self._table.get(lang, {}).get(key) or self._table[DEFAULT_LANGUAGE].get(key) or key
        return text.format(**params) if params else text

    def keys(self, lang: str) -> frozenset[str]:
        return frozenset(self._table.get(lang, {}))


def _flatten(data: Mapping[str, object], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.extend(_flatten(value, f"{full}."))
        else:
            out.append((full, str(value)))
    return out
