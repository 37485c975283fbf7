"""The UI layer: Adaptive Cards, their text rendering, UI strings."""
