"""Adaptive Cards (schema 1.5, what Teams renders) and their plain-text fallbacks."""
