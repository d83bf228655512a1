#!/usr/bin/env python3
"""A development set of pages we did not make: public texts, other typefaces, and
degradation models written by others.

The public corpus (`../shared/corpus`) is typeset in Liberation Serif and degraded by
its own generator, which our preprocessing has seen. This set takes the same public
texts (`public/sources/*.clean.txt`, laid out by the corpus's own layout code, so the
truths are exact) in other typefaces with full Vietnamese coverage, and degrades each
page with one profile of one of two third-party models of printing and scanning:

- ``augraphy`` (augraphy 8.2.6, MIT): its default pipeline and its eleven "archetype"
  pipelines, each as its authors wrote it. Pen scribbles take their letters from a
  local font folder instead of a download.
- ``albumentations`` (albumentations 2.0.8, MIT): three compositions of its
  transforms with their documented default ranges (a tired office scanner, a phone
  photo, a worn photocopy): the composition is ours, the damage models are theirs.

We tune on the ``augraphy`` half and check on the ``albumentations`` half (a page
belongs to one half only); nobody tunes to single pages. Deterministic for a seed:
the same fonts and library versions give the same pages. Only the truths and the
manifest are kept in the repo (`bench/devset/truth`, `manifest.json`); the images are
made again into ``--out`` (``make devset``).

Run in the set's own virtualenv (`bench/devset/requirements.lock`), which keeps
these heavy libraries out of the service's:

    .venv-devset/bin/python bench/devset/make_devset.py [--corpus ../shared/corpus] [--out bench/out/devset]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import random
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

# augraphy's compiled loops draw random numbers on numba's threads, each with a state
# of its own: one thread keeps the draws in a seeded order.
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent

#: Typefaces with every Vietnamese glyph, none of them the corpus's Liberation Serif.
TYPEFACES = {
    "dejavu-serif": ("/usr/share/fonts/truetype/dejavu", {
        "regular": "DejaVuSerif.ttf", "bold": "DejaVuSerif-Bold.ttf",
        "italic": "DejaVuSerif-Italic.ttf", "bolditalic": "DejaVuSerif-BoldItalic.ttf",
        "seal": "DejaVuSans-Bold.ttf"}),
    "freeserif": ("/usr/share/fonts/truetype/freefont", {
        "regular": "FreeSerif.ttf", "bold": "FreeSerifBold.ttf",
        "italic": "FreeSerifItalic.ttf", "bolditalic": "FreeSerifBoldItalic.ttf",
        "seal": "FreeSansBold.ttf"}),
}
AUGRAPHY_PROFILES = ["default"] + [f"archetype{n}" for n in range(1, 12)]
ALBUMENTATIONS_PROFILES = ["office-scan", "phone-photo", "worn-copy"]
MODELS = {"augraphy": AUGRAPHY_PROFILES, "albumentations": ALBUMENTATIONS_PROFILES}


def load_corpus_generator(corpus: Path) -> Any:
    """The public corpus's own generator, for its text cleaning, layout and rendering."""
    spec = importlib.util.spec_from_file_location("make_corpus", corpus / "make_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_corpus"] = module
    spec.loader.exec_module(module)
    return module


def seed_for(*keys: object) -> int:
    return int.from_bytes(hashlib.sha256("/".join(map(str, keys)).encode()).digest()[:4], "big") & 0x7FFFFFFF


# -- the two models ----------------------------------------------------------------

def augraphy_pipeline(profile: str) -> Any:
    """One of augraphy's own pipelines; scribbles write with a local font."""
    import matplotlib.font_manager  # noqa: F401  (augraphy needs it imported first)
    from augraphy import default
    from augraphy.augmentations import geometric, scribbles

    class LocalScribbles(scribbles.Scribbles):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["scribbles_text_font"] = "/usr/share/fonts/truetype/dejavu"
            super().__init__(*args, **kwargs)

    class GreyPadding(geometric.Geometric):  # type: ignore[misc]
        """archetype8 gives a grey level where 8.2.6 indexes a colour: one grey, three times."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            if isinstance(kwargs.get("padding_value"), int):
                kwargs["padding_value"] = (kwargs["padding_value"],) * 3
            super().__init__(*args, **kwargs)

    default.pipeline.Scribbles = LocalScribbles
    default.pipeline.Geometric = GreyPadding
    if profile == "default":
        return default.pipeline.default_augraphy_pipeline()
    return getattr(default.pipeline, f"pipeline_{profile}")()


def albumentations_pipeline(profile: str) -> Any:
    """A composition of albumentations' transforms at their documented default ranges."""
    import albumentations as A
    import cv2

    # What lies around the sheet: white for a scanner's lid, a desk for a photo (BGR).
    white = {"fill": (255, 255, 255)}
    desk = {"fill": (60, 90, 120)}
    if profile == "office-scan":
        steps = [
            A.Affine(rotate=(-2, 2), p=0.7, border_mode=cv2.BORDER_CONSTANT, **white),
            A.Morphological(operation="dilation", p=0.5),
            A.Downscale(scale_range=(0.5, 0.75), p=0.7),
            A.GaussianBlur(p=0.5),
            A.GaussNoise(std_range=(0.02, 0.1), p=0.7),
            A.RandomBrightnessContrast(p=0.7),
            A.ImageCompression(quality_range=(40, 85), p=1.0),
        ]
    elif profile == "phone-photo":
        steps = [
            # fit_output: the whole sheet stays in the photo, as a person takes it.
            A.Perspective(p=1.0, fit_output=True, border_mode=cv2.BORDER_CONSTANT, **desk),
            A.Illumination(p=0.8),
            A.RandomShadow(p=0.5),
            A.MotionBlur(blur_limit=(3, 5), p=0.5),
            A.ISONoise(p=0.7),
            A.RandomToneCurve(p=0.5),
            A.ImageCompression(quality_range=(50, 90), p=1.0),
        ]
    elif profile == "worn-copy":
        steps = [
            A.GridDistortion(distort_limit=(-0.1, 0.1), p=0.7, border_mode=cv2.BORDER_CONSTANT, **white),
            A.Morphological(operation="erosion", p=0.5),
            A.PlasmaShadow(p=0.5),
            A.SaltAndPepper(amount=(0.001, 0.01), p=0.7),
            A.RandomBrightnessContrast(p=0.7),
            A.ToGray(p=1.0),
            A.ImageCompression(quality_range=(40, 80), p=1.0),
        ]
    else:
        raise ValueError(profile)
    return A.Compose(steps, seed=None)


def _seed_numba(seed: int) -> None:
    """Seed the random state of numba's compiled functions (augraphy draws inside them),
    which is its own and not numpy's."""
    from numba import njit

    @njit(cache=False)  # type: ignore[misc]
    def seed_inside(value: int) -> None:
        np.random.seed(value)
        random.seed(value)

    seed_inside(seed)


def degrade(model: str, profile: str, page: Image.Image, seed: int) -> Image.Image:
    random.seed(seed)
    np.random.seed(seed)
    import cv2

    cv2.setRNGSeed(seed)
    bgr = cv2.cvtColor(np.asarray(page.convert("L")), cv2.COLOR_GRAY2BGR)
    if model == "augraphy":
        _seed_numba(seed)
        out = augraphy_pipeline(profile)(bgr)
    else:
        pipeline = albumentations_pipeline(profile)
        pipeline.set_random_seed(seed)
        out = pipeline(image=bgr)["image"]
    if out.ndim == 2:
        return Image.fromarray(out)
    return Image.fromarray(cv2.cvtColor(out, cv2.COLOR_BGR2RGB))


# -- the set -------------------------------------------------------------------------

def plan(corpus: Path, seed: int) -> list[dict[str, Any]]:
    """Every page of every text in every typeface, each given one model, profile and dpi.

    A text page goes to one model only in one typeface and the other model in the
    other, so the two halves share texts but no page image."""
    mc = load_corpus_generator(corpus)
    sources = sorted((corpus / "public" / "sources").glob("*.clean.txt"))
    rng = random.Random(seed)
    pages: list[dict[str, Any]] = []
    for typeface_index, (typeface, (folder, files)) in enumerate(TYPEFACES.items()):
        fonts = mc.Fonts({k: os.path.join(folder, v) for k, v in files.items()})
        for source in sources:
            doc = source.name.split(".")[0]
            lines = source.read_text(encoding="utf-8").splitlines()
            header, body = mc.split_header(lines)
            size = 13.0 if (seed_for(seed, doc, typeface) % 2) else 14.0
            for page in mc.Layout(fonts, size).layout(doc, header, mc.classify(body)):
                model = list(MODELS)[(page.number + typeface_index) % 2]
                profile = rng.choice(MODELS[model])
                pages.append({
                    "id": f"{doc}_p{page.number:02d}_{typeface}",
                    "doc": doc, "page": page.number, "typeface": typeface, "size_pt": size,
                    "model": model, "profile": profile, "dpi": rng.choice([200, 300, 300]),
                    "truth": mc.page_truth(page), "_page": page, "_fonts": files, "_folder": folder,
                })
    return pages


def make_page(corpus: Path, entry: dict[str, Any], out: Path, seed: int) -> str:
    mc = load_corpus_generator(corpus)
    fonts = mc.Fonts({k: os.path.join(entry["_folder"], v) for k, v in entry["_fonts"].items()})
    clean = mc.render_page(entry["_page"], fonts, entry["dpi"])
    # augraphy keeps recent pages in ./augraphy_cache and shows through (bleed-through,
    # page borders) whichever it finds there: each page gets a folder of its own so
    # that a page never depends on which pages a worker made before it.
    with tempfile.TemporaryDirectory(prefix="devset-") as work:
        os.chdir(work)
        # augraphy 8.2.6 has a bug or two on some draws (Geometric's padding indexes an
        # int as a colour): such a draw is made again with the next seed, the same way
        # on every run.
        for attempt in range(5):
            try:
                image = degrade(entry["model"], entry["profile"], clean,
                                seed_for(seed, entry["id"], attempt))
                break
            except (TypeError, ValueError, IndexError) as error:
                print(f"{entry['id']}: {entry['model']} failed on draw {attempt} ({error}); "
                      "next draw", file=sys.stderr)
        else:
            raise RuntimeError(f"{entry['id']}: every draw failed")
        os.chdir(HERE)
    path = out / "images" / f"{entry['id']}.jpg"
    image.save(path, "JPEG", quality=85, dpi=(entry["dpi"], entry["dpi"]))
    return entry["id"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent.parent / "shared" / "corpus")
    parser.add_argument("--out", type=Path, default=HERE.parent / "out" / "devset")
    parser.add_argument("--seed", type=int, default=26)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", help="comma-separated page ids (to look at a few)")
    args = parser.parse_args(argv)
    args.corpus, args.out = args.corpus.resolve(), args.out.resolve()
    if not (args.corpus / "make_corpus.py").is_file():
        print(f"no public corpus at {args.corpus}", file=sys.stderr)
        return 2
    entries = plan(args.corpus, args.seed)
    if args.only:
        wanted = set(args.only.split(","))
        entries = [e for e in entries if e["id"] in wanted]
    (args.out / "images").mkdir(parents=True, exist_ok=True)
    truth_dir = HERE / "truth"
    truth_dir.mkdir(exist_ok=True)
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(make_page, args.corpus, e, args.out, args.seed) for e in entries]
        for future in futures:
            print(future.result(), file=sys.stderr)
    for e in entries:
        (truth_dir / f"{e['id']}.txt").write_text(e["truth"], encoding="utf-8")
    manifest = {
        "seed": args.seed,
        "models": {"augraphy": "8.2.6 (MIT): default + archetype1..11 pipelines",
                   "albumentations": "2.0.8 (MIT): office-scan, phone-photo, worn-copy compositions"},
        "split": {"tune": "augraphy", "check": "albumentations"},
        "pages": [{k: v for k, v in e.items() if not k.startswith("_") and k != "truth"}
                  for e in entries],
    }
    if not args.only:
        (HERE / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n",
                                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
