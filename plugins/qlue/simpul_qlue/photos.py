"""The photo a citizen took of each report: a small street scene, drawn deterministically from
the simulator's seed and the report, with a hint of its category (rubbish, water, a pothole...)."""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 480, 360
HORIZON = 150
QUALITY = 82
Colour = tuple[int, int, int]
Scene = Callable[[ImageDraw.ImageDraw, random.Random], None]


@lru_cache(maxsize=512)
def report_photo(seed: int, report_id: str, category: str) -> bytes:
    """The JPEG of report ``report_id``: the same bytes for the same seed, report and category."""
    rng = random.Random(f"{seed}/{report_id}")
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    _sky(draw, rng)
    _buildings(draw, rng)
    _street(draw, rng)
    SCENES.get(category, _passers_by)(draw, rng)
    _caption(draw, report_id)
    output = BytesIO()
    image.save(output, "JPEG", quality=QUALITY)
    return output.getvalue()


def _shade(colour: Colour, rng: random.Random, spread: int = 20) -> Colour:
    return tuple(max(0, min(255, part + rng.randint(-spread, spread))) for part in colour)


def _sky(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    top = _shade((95, 150, 215), rng, 25)
    bottom = _shade((200, 220, 235), rng, 15)
    for y in range(HORIZON):
        share = y / HORIZON
        colour = tuple(round(a + (b - a) * share) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (WIDTH, y)], fill=colour)


def _buildings(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    x = -rng.randint(0, 30)
    while x < WIDTH:
        width, height = rng.randint(40, 95), rng.randint(35, 120)
        wall = _shade(rng.choice([(210, 200, 180), (180, 170, 160), (230, 225, 210)]), rng)
        draw.rectangle([x, HORIZON - height, x + width, HORIZON + 10], fill=wall)
        for wy in range(HORIZON - height + 8, HORIZON - 5, 18):
            for wx in range(x + 6, x + width - 10, 16):
                draw.rectangle([wx, wy, wx + 8, wy + 9], fill=_shade((70, 90, 110), rng, 15))
        x += width + rng.randint(0, 8)


def _street(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle([0, HORIZON, WIDTH, HEIGHT], fill=_shade((150, 145, 135), rng, 10))
    middle = WIDTH // 2 + rng.randint(-40, 40)
    road = [(middle - 30, HORIZON), (middle + 30, HORIZON), (WIDTH + 80, HEIGHT), (-80, HEIGHT)]
    draw.polygon(road, fill=_shade((85, 85, 90), rng, 8))
    for step in range(6):
        top = HORIZON + 12 + step * 36
        draw.line([(middle, top), (middle, top + 16)], fill=(235, 235, 225), width=2 + step)


def _rubbish(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    for _ in range(rng.randint(25, 45)):
        x, y = rng.randint(10, WIDTH // 3), rng.randint(HORIZON + 70, HEIGHT - 20)
        size = rng.randint(8, 26)
        colour = rng.choice([(60, 110, 60), (30, 30, 30), (200, 200, 205), (120, 80, 40)])
        draw.ellipse([x, y, x + size, y + size * 0.7], fill=_shade(colour, rng))


def _flood(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    level = rng.randint(HORIZON + 40, HORIZON + 90)
    draw.rectangle([0, level, WIDTH, HEIGHT], fill=_shade((110, 95, 60), rng, 10))
    for _ in range(30):
        x, y = rng.randint(0, WIDTH), rng.randint(level + 5, HEIGHT - 5)
        draw.line([(x, y), (x + rng.randint(15, 40), y)], fill=(150, 135, 100), width=2)


def _potholes(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    for _ in range(rng.randint(2, 5)):
        x, y = rng.randint(WIDTH // 4, WIDTH * 3 // 4), rng.randint(HORIZON + 60, HEIGHT - 40)
        width = rng.randint(30, 80)
        draw.ellipse([x, y, x + width, y + width // 3], fill=(45, 40, 38), outline=(110, 105, 95))


def _fallen_tree(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    y = rng.randint(HORIZON + 70, HEIGHT - 70)
    draw.line([(20, y + 30), (WIDTH - 60, y)], fill=(95, 65, 35), width=16)
    for _ in range(18):
        x = rng.randint(WIDTH // 2, WIDTH - 20)
        top = y - 40 + rng.randint(-30, 30)
        size = rng.randint(30, 60)
        draw.ellipse([x, top, x + size, top + size], fill=_shade((55, 120, 50), rng))


def _fire(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    x = rng.randint(60, WIDTH - 160)
    for _ in range(12):
        left = x + rng.randint(0, 80)
        draw.ellipse(
            [left - 40, 10 + rng.randint(0, 60), left + 40, 90 + rng.randint(0, 60)],
            fill=_shade((90, 90, 95), rng),
        )
    for _ in range(9):
        left = x + rng.randint(0, 90)
        flame = [(left, HORIZON + 10), (left + 25, HORIZON + 10), (left + 12, HORIZON - 70)]
        draw.polygon(flame, fill=rng.choice([(240, 120, 20), (250, 190, 40), (220, 60, 20)]))


def _street_lights(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    for _ in range(3):
        x = rng.randint(20, WIDTH - 20)
        lean = rng.randint(-25, 25)
        draw.line([(x, HEIGHT - 30), (x + lean, HORIZON - 60)], fill=(60, 60, 65), width=6)
        lamp = [x + lean - 12, HORIZON - 68, x + lean + 12, HORIZON - 58]
        draw.rectangle(lamp, fill=(40, 40, 40))


def _parked_cars(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    for step in range(rng.randint(3, 5)):
        x, y = 10 + step * 70 + rng.randint(0, 20), HORIZON + 80 + rng.randint(0, 60)
        paint = rng.choice([(180, 20, 30), (230, 230, 230), (30, 60, 140), (20, 20, 20)])
        body = _shade(paint, rng)
        draw.rounded_rectangle([x, y, x + 90, y + 40], radius=8, fill=body)
        for wheel in (x + 15, x + 60):
            draw.ellipse([wheel, y + 30, wheel + 18, y + 48], fill=(15, 15, 15))


def _stalls(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    for step in range(rng.randint(3, 5)):
        x, y = 5 + step * 95, HORIZON + 40 + rng.randint(0, 30)
        roof = rng.choice([(30, 90, 200), (210, 40, 40), (240, 180, 30)])
        draw.polygon([(x, y), (x + 80, y), (x + 90, y + 18), (x - 10, y + 18)], fill=roof)
        draw.rectangle([x, y + 18, x + 80, y + 70], fill=_shade((160, 120, 80), rng))


def _passers_by(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    for _ in range(rng.randint(4, 9)):
        x, y = rng.randint(10, WIDTH - 30), rng.randint(HORIZON + 20, HEIGHT - 70)
        scale = 0.5 + (y - HORIZON) / (HEIGHT - HORIZON)
        clothes = _shade(rng.choice([(200, 60, 60), (60, 60, 160), (240, 240, 240)]), rng, 30)
        draw.ellipse([x, y, x + 12 * scale, y + 12 * scale], fill=(150, 105, 70))
        torso = [x - 2 * scale, y + 12 * scale, x + 14 * scale, y + 45 * scale]
        draw.rectangle(torso, fill=clothes)


def _caption(draw: ImageDraw.ImageDraw, report_id: str) -> None:
    draw.rectangle([0, HEIGHT - 18, WIDTH, HEIGHT], fill=(0, 0, 0))
    draw.text((6, HEIGHT - 15), f"Qlue {report_id}", fill=(255, 255, 255))


SCENES: dict[str, Scene] = {
    "Sampah": _rubbish,
    "Banjir": _flood,
    "Jalan rusak": _potholes,
    "Pohon tumbang": _fallen_tree,
    "Kebakaran": _fire,
    "Lampu jalan rusak (PJU)": _street_lights,
    "Parkir liar": _parked_cars,
    "Kemacetan": _parked_cars,
    "PKL liar": _stalls,
}
"""What each category's photo shows over the street; the others show people passing by."""
