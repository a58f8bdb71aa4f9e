"""Colour for the press: images to CMYK through the output profile (Pillow's ImageCms,
i.e. LittleCMS) under a total ink limit, and the layout's CSS colours as ``device-cmyk()``.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

import tinycss2
from PIL import Image as PILImage
from PIL import ImageCms, ImageMath

from epaper.files import write_atomic
from epaper.press.config import parse_cmyk

JPEG_QUALITY = 92


def profile_problem(path: Path) -> str | None:
    """Why ``path`` is not a usable CMYK output profile (None when it is)."""
    try:
        profile = ImageCms.getOpenProfile(str(path))
    except (ImageCms.PyCMSError, OSError) as exc:
        return f"not a readable ICC profile ({exc})"
    space = profile.profile.xcolor_space.strip()
    if space != "CMYK":
        return f"its colour space is {space}, not CMYK"
    if profile.profile.device_class.strip() != "prtr":
        return f"it is a '{profile.profile.device_class.strip()}' profile, not an output one"
    return None


def profile_name(path: Path) -> str:
    """The profile's description (what the output intent is called)."""
    profile = ImageCms.getOpenProfile(str(path)).profile
    return str(profile.model or profile.profile_description or path.name).strip()


class Separator:
    """Converts photos and ad images to CMYK JPEGs for one output profile and ink limit.
    ``cache``: a folder keeping each conversion, keyed by a hash of the image, the profile,
    the limit and the versions (a nightly rebuild converts only new images)."""

    def __init__(self, profile: Path, ink_limit: int, cache: Path | None = None) -> None:
        self.profile_path = profile
        self.ink_limit = ink_limit
        self.cache = cache
        self.converted: dict[Path, bytes] = {}
        self.limited: list[str] = []  # images whose ink the limit had to cut

    @cached_property
    def _profile_bytes(self) -> bytes:
        return self.profile_path.read_bytes()

    @cached_property
    def _profile(self) -> ImageCms.ImageCmsProfile:
        return ImageCms.getOpenProfile(str(self.profile_path))

    def _transform(self, source: ImageCms.ImageCmsProfile, mode: str) -> ImageCms.ImageCmsTransform:
        return ImageCms.buildTransform(source, self._profile, mode, "CMYK",
                                       renderingIntent=ImageCms.Intent.PERCEPTUAL)

    def __call__(self, path: Path, data: bytes) -> bytes | None:
        """CMYK JPEG bytes for an image file's ``data``, as the sandbox read them (None for
        anything that is not a raster image, e.g. a font)."""
        if path.suffix.lower() not in (".jpg", ".jpeg", ".png", ".gif", ".webp"):
            return None
        if path not in self.converted:
            self.converted[path] = self._cached(path, data)
        return self.converted[path]

    def _cached(self, path: Path, data: bytes) -> bytes:
        if self.cache is None:
            return self.convert(path.name, data)
        key = hashlib.sha256(b"\0".join((
            data, self._profile_bytes, str(self.ink_limit).encode(),
            str(JPEG_QUALITY).encode(), PILImage.__version__.encode(),
            ImageCms.core.littlecms_version.encode()))).hexdigest()
        stored = self.cache / f"{key}.jpg"
        if stored.is_file():
            return stored.read_bytes()
        converted = self.convert(path.name, data)
        write_atomic(stored, converted)
        return converted

    def convert(self, name: str, data: bytes) -> bytes:
        """The image (file ``name``, content ``data``) in CMYK through the profile, within
        the ink limit, as a JPEG of the same pixel size."""
        with PILImage.open(io.BytesIO(data)) as im:
            im.load()
            embedded = im.info.get("icc_profile")
            if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
                rgba = im.convert("RGBA")
                im = PILImage.new("RGB", rgba.size, "white")
                im.paste(rgba, mask=rgba.getchannel("A"))  # paper shows through
            if im.mode == "CMYK":
                cmyk = im
            else:
                if im.mode != "RGB":
                    im = im.convert("RGB")
                source = ImageCms.createProfile("sRGB")
                if embedded:
                    try:
                        candidate = ImageCms.ImageCmsProfile(io.BytesIO(embedded))
                        if candidate.profile.xcolor_space.strip() == "RGB":
                            source = candidate
                    except (ImageCms.PyCMSError, OSError):
                        pass  # a broken embedded profile: the image is taken as sRGB
                cmyk = ImageCms.applyTransform(im, self._transform(source, "RGB"))
            assert cmyk is not None
            dpi = im.info.get("dpi", (72, 72))
        ceiling = self.ink_limit * 255 / 100
        for _ in range(4):  # JPEG rounding may add a little ink: limit again, lower
            limited = self.limit(cmyk, name, ceiling)
            out = io.BytesIO()
            limited.save(out, "JPEG", quality=JPEG_QUALITY, dpi=dpi)
            over = max_ink(PILImage.open(out)) - self.ink_limit * 255 / 100
            if over <= 0:
                break
            ceiling -= over + 1
        return out.getvalue()

    def limit(self, cmyk: PILImage.Image, name: str, ceiling: float) -> PILImage.Image:
        """Cut cyan, magenta and yellow where the four inks add up to more than
        ``ceiling`` (of 4 × 255; black is kept: it carries the detail). The profile's
        separation keeps to its own limit already; this holds the layout's."""
        c, m, y, k = cmyk.split()
        if max_ink(cmyk) <= ceiling:
            return cmyk
        if name not in self.limited:
            self.limited.append(name)

        def scaled(channel: PILImage.Image) -> PILImage.Image:
            return ImageMath.lambda_eval(
                lambda a: a["convert"](a["min"](
                    a["float"](a["x"]),
                    a["float"](a["x"]) * a["max"](ceiling - a["float"](a["k"]), 0.0)
                    / a["max"](a["float"](a["cmy"]), 1.0)) - 0.5, "L"),
                x=channel, k=k, cmy=ImageMath.lambda_eval(
                    lambda a: a["c"] + a["m"] + a["y"], c=c, m=m, y=y))

        return PILImage.merge("CMYK", (scaled(c), scaled(m), scaled(y), k))


def max_ink(cmyk: PILImage.Image) -> float:
    """The highest sum of the four channels over all pixels (0 … 1020)."""
    c, m, y, k = cmyk.convert("CMYK").split()
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"],
                                  c=c, m=m, y=y, k=k)
    return float(total.getextrema()[1])  # type: ignore[arg-type, index]


def cmyk_css(value: str) -> str:
    """``"0 100 85 20"`` as CSS ``device-cmyk(0 1 0.85 0.2)``."""
    return "device-cmyk(" + " ".join(f"{n / 100:g}" for n in parse_cmyk(value)) + ")"


def press_css(css: str, colours: Mapping[str, str]) -> tuple[str, list[str]]:
    """The CSS with every ``#rgb``/``#rrggbb`` colour in its declarations replaced by its
    ``device-cmyk()`` from ``colours``; and the colours that have none (sorted)."""
    missing: set[str] = set()

    def walk(tokens: list) -> list:  # type: ignore[type-arg]
        out = []
        for token in tokens:
            if token.type == "hash" and len(token.value) in (3, 6) and all(
                    ch in "0123456789abcdefABCDEF" for ch in token.value):
                key = "#" + token.value.lower()
                if len(key) == 4:
                    key = "#" + "".join(ch * 2 for ch in key[1:])
                short = "#" + token.value.lower()
                cmyk = colours.get(key, colours.get(short))
                if cmyk is None:
                    missing.add(key)
                    out.append(token)
                else:
                    out.extend(tinycss2.parse_component_value_list(cmyk_css(cmyk)))
                continue
            for attr in ("content", "arguments"):
                inner = getattr(token, attr, None)
                if isinstance(inner, list):
                    setattr(token, attr, walk(inner))
            out.append(token)
        return out

    rules = tinycss2.parse_stylesheet(css)
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports", "layer"):
            if rule.content is not None:
                inner, more = press_css(tinycss2.serialize(rule.content), colours)
                missing.update(more)
                rule.content = tinycss2.parse_component_value_list(inner)
        elif getattr(rule, "content", None) is not None:
            rule.content = walk(rule.content)
    return tinycss2.serialize(rules), sorted(missing)


def suggested_cmyk(colour: str, profile: Path) -> str:
    """What the profile makes of an sRGB colour, as C M Y K percent (for error fixes)."""
    rgb = PILImage.new("RGB", (1, 1), colour)
    transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"),
                                        ImageCms.getOpenProfile(str(profile)), "RGB", "CMYK",
                                        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    out = ImageCms.applyTransform(rgb, transform)
    assert out is not None
    return " ".join(str(round(v * 100 / 255)) for v in out.getpixel((0, 0)))  # type: ignore[union-attr]
