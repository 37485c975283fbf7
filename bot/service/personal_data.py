"""Whether an incoming activity carries personal data the worker should be reminded about.

The text and every string of a card submit (an input field a worker typed into) are read
with `domain.privacy`, the one module that decides what an identity code looks like.
"""

from __future__ import annotations

from botbuilder.schema import Activity

from domain.privacy import contains_identity_code


def carries_identity_code(activity: Activity) -> bool:
    return any(contains_identity_code(text) for text in _strings(activity.text, activity.value))


def _strings(*items: object) -> list[str]:
    found: list[str] = []
    stack = list(items)
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found
