"""Draws the app icons (assets/icons/*.png) from the shapes of assets/favicon.svg.

Run once by hand when the favicon changes; the PNGs are committed, so a build needs
nothing but Trunk. Python's standard library only (zlib + struct): each pixel is the
average of 4x4 samples of the rounded rectangles, so edges are smooth.

    python3 scripts/make_icons.py
"""

import struct
import zlib
from pathlib import Path

BLUE = (0x23, 0x50, 0xC8)
WHITE = (0xFF, 0xFF, 0xFF)
# The favicon's 32-unit drawing: (x, y, width, height, corner radius, opacity of white).
BARS = [(5, 7, 6, 18, 2, 1.0), (13, 7, 6, 12, 2, 0.85), (21, 7, 6, 7, 2, 0.7)]
SAMPLES = 4


def in_rounded_rect(px, py, x, y, w, h, r):
    if px < x or px > x + w or py < y or py > y + h:
        return False
    cx = min(max(px, x + r), x + w - r)
    cy = min(max(py, y + r), y + h - r)
    return (px - cx) ** 2 + (py - cy) ** 2 <= r * r


def colour_at(u, v, maskable):
    """RGBA (floats 0..1 alpha) at a point of the 32-unit drawing."""
    if maskable:
        # Full-bleed background; the bars shrunk about the centre into the safe zone
        # (a circle of 40 % of the size): their farthest corner is at 0.36.
        inside = True
        u, v = 16 + (u - 16) / 0.8, 16 + (v - 16) / 0.8
    else:
        inside = in_rounded_rect(u, v, 0, 0, 32, 32, 6)
    if not inside:
        return (0, 0, 0, 0.0)
    colour = BLUE
    for x, y, w, h, r, opacity in BARS:
        if in_rounded_rect(u, v, x, y, w, h, r):
            colour = tuple(round(b + (wh - b) * opacity) for b, wh in zip(BLUE, WHITE))
    return (*colour, 1.0)


def render(size, maskable):
    rows = []
    step = 32 / size
    for j in range(size):
        row = bytearray([0])  # filter: none
        for i in range(size):
            acc = [0.0, 0.0, 0.0, 0.0]
            for sj in range(SAMPLES):
                for si in range(SAMPLES):
                    u = (i + (si + 0.5) / SAMPLES) * step
                    v = (j + (sj + 0.5) / SAMPLES) * step
                    r, g, b, a = colour_at(u, v, maskable)
                    acc[0] += r * a
                    acc[1] += g * a
                    acc[2] += b * a
                    acc[3] += a
            n = SAMPLES * SAMPLES
            alpha = acc[3] / n
            if alpha > 0:
                rgb = [round(c / acc[3]) for c in acc[:3]]
            else:
                rgb = [0, 0, 0]
            row += bytes([*rgb, round(alpha * 255)])
        rows.append(bytes(row))
    return png(size, size, b"".join(rows))


def png(width, height, raw):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def main():
    out = Path(__file__).resolve().parent.parent / "assets" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in [
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
    ]:
        (out / name).write_bytes(render(size, maskable))
        print(f"wrote {out / name}")


if __name__ == "__main__":
    main()
