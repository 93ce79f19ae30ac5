"""Baked badges (Open Badges 2.0 §Baking, PNG): the badge image with the hosted assertion's
URL in an iTXt chunk keyed "openbadges", so the image alone leads back to the credential."""

import hashlib
import io

from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

KEYWORD = "openbadges"


def emblem_png(*, title: str, issuer_slug: str, size: int = 256) -> Image.Image:
    """The same emblem the catalog draws as SVG: a hexagon in the issuer's colour, initials."""
    hue = int(hashlib.sha256(issuer_slug.encode()).hexdigest()[:4], 16) % 360
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    s = size / 200
    outer = [(100, 8), (180, 54), (180, 146), (100, 192), (20, 146), (20, 54)]
    draw.polygon([(x * s, y * s) for x, y in outer], fill=f"hsl({hue}, 45%, 32%)")
    initials = "".join(w[0] for w in title.split() if w[:1].isalpha())[:3].upper()
    font = ImageFont.load_default(size=int(46 * s))
    draw.text((size / 2, size / 2), initials, fill="white", font=font, anchor="mm")
    return image


def bake(image: Image.Image, assertion_url: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_itxt(KEYWORD, assertion_url)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def baked_url(png: bytes) -> str | None:
    """The assertion URL baked into a PNG, if any."""
    image = Image.open(io.BytesIO(png))
    value = image.text.get(KEYWORD) if hasattr(image, "text") else None  # type: ignore[attr-defined]
    return str(value) if value is not None else None
