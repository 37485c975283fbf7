"""Draw the Teams app icons (color.png 192x192, outline.png 32x32) without any imaging library.

Run from the repository root when the design changes: `python deploy/teams/icons.py`. The
PNGs are committed; the package command only copies them. The mark is a compass: a ring
with a needle, white on the accent colour (color) or white on transparent (outline), as
Teams asks.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ACCENT = (0x1F, 0x6F, 0x8B)
WHITE = (255, 255, 255)
SAMPLES = 4  # per axis, for smooth edges


def png(width: int, height: int, rgba: list[tuple[int, int, int, int]]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(v for pixel in rgba[y * width : (y + 1) * width] for v in pixel) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def compass(x: float, y: float) -> bool:
    """The mark in unit coordinates (-1..1): a ring and a diamond needle pointing north-east."""
    r = math.hypot(x, y)
    if 0.62 <= r <= 0.82:
        return True
    # Needle: a diamond along the NE-SW diagonal.
    u, v = (x - y) / math.sqrt(2), (x + y) / math.sqrt(2)
    return abs(u) / 0.48 + abs(v) / 0.14 <= 1.0


def draw(size: int, inside: Callable[[float, float], bool], background: tuple[int, int, int] | None) -> bytes:
    pixels: list[tuple[int, int, int, int]] = []
    for py in range(size):
        for px in range(size):
            hits = sum(
                inside((px + (sx + 0.5) / SAMPLES) / size * 2 - 1, (py + (sy + 0.5) / SAMPLES) / size * 2 - 1) for sx in range(SAMPLES) for sy in range(SAMPLES)
            )
            cover = hits / SAMPLES**2
            if background is None:
                pixels.append((*WHITE, round(255 * cover)))
            else:
                pixels.append((*tuple(round(b + (w - b) * cover) for b, w in zip(background, WHITE, strict=False)), 255))  # type: ignore[arg-type]
    return png(size, size, pixels)


def main() -> None:
    (HERE / "color.png").write_bytes(draw(192, lambda x, y: compass(x / 0.8, y / 0.8), ACCENT))
    (HERE / "outline.png").write_bytes(draw(32, compass, None))


if __name__ == "__main__":
    main()
