#!/usr/bin/env python3
"""A portfolio with phone photos, to measure what processing them costs.

Copies the stranger fixture (tests/fixtures/stranger) to OUT and gives its
entries phone-size photos (4032x3024 JPEGs at quality 92, with sensor noise,
every third stored sideways with an EXIF orientation, as phones do), then
times cold builds of it, alternating the binaries given:

    pip install pillow numpy
    python3 scripts/photos.py OUT [--source BIG.jpg] [--photos 8] [--runs 2] BIN...

With --source the photos are crops of that picture, scaled up; without it
they are drawn (gradients and shapes). A cold build removes the output and
the cache beside it first. Prints the images phase, wall, CPU and peak memory
of each build.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def photo(rng, source, size=(4032, 3024)):
    from PIL import Image, ImageDraw
    import numpy as np

    if source is not None:
        w, h = source.size
        cw, ch = min(w, h * 4 // 3), min(h, w * 3 // 4)
        x = int(rng.integers(0, w - cw + 1))
        img = source.crop((x, 0, x + cw, ch)).resize(size, Image.BICUBIC)
    else:
        yy, xx = np.mgrid[0 : size[1], 0 : size[0]]
        base = np.stack(
            [
                90 + 80 * np.sin(xx / (300 + 200 * rng.random())),
                110 + 60 * np.cos(yy / (250 + 150 * rng.random())),
                140 + 50 * np.sin((xx + yy) / 700),
            ],
            axis=-1,
        )
        img = Image.fromarray(base.clip(0, 255).astype("uint8"))
        draw = ImageDraw.Draw(img)
        for _ in range(40):
            x, y = int(rng.integers(0, size[0])), int(rng.integers(0, size[1]))
            r = int(rng.integers(40, 400))
            colour = tuple(int(c) for c in rng.integers(0, 255, 3))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    pixels = np.asarray(img).astype("int16")
    pixels = pixels + rng.normal(0, 6, pixels.shape).astype("int16")
    return Image.fromarray(pixels.clip(0, 255).astype("uint8"))


def make(out, source_path, count):
    from PIL import Image
    import numpy as np

    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "tests/fixtures/stranger"), out)
    source = Image.open(source_path).convert("RGB") if source_path else None
    rng = np.random.default_rng(1)
    entries = sorted(
        os.path.join(d, f)
        for d, _, files in os.walk(os.path.join(out, "content"))
        for f in files
        if f.endswith(".md") and os.sep + "log" + os.sep in os.path.join(d, f)
    )
    made = 0
    for i, entry in enumerate(entries):
        if made == count:
            break
        text = open(entry, encoding="utf-8").read()
        head = re.match(r"\ufeff?\+\+\+\n(.*?)\n\+\+\+\n", text, re.S)
        if not head or "evidence" in head.group(1):
            continue
        name = f"IMG_{2041 + made}.jpg"
        exif = Image.Exif()
        if made % 3 == 0:
            exif[0x0112] = 6
        photo(rng, source).save(
            os.path.join(os.path.dirname(entry), name), quality=92, exif=exif.tobytes()
        )
        end = head.end(1)
        text = text[:end] + f'\nevidence = ["{name}"]' + text[end:]
        open(entry, "w", encoding="utf-8").write(text)
        made += 1
    return made


def build(binary, site):
    output = os.path.join(os.path.dirname(site.rstrip("/")), "photos-out")
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(os.path.join(os.path.dirname(output), ".skillfolio-cache"), ignore_errors=True)
    env = dict(os.environ, SKILLFOLIO_TIMINGS="1")
    run = subprocess.run(
        ["/usr/bin/time", "-f", "TIME %e s wall, %U+%S s CPU, %M KB peak",
         binary, "--root", site, "build", "--output", output],
        env=env, capture_output=True, text=True,
    )
    lines = run.stderr.splitlines()
    images = next((l for l in lines if l.startswith("timing: images")), "")
    took = next((l for l in lines if l.startswith("TIME")), "")
    if run.returncode != 0:
        sys.exit(f"{binary} failed:\n{run.stderr[-2000:]}")
    return f"{images.removeprefix('timing: ').split('peak')[0].strip()} | {took[5:]}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--source")
    parser.add_argument("--photos", type=int, default=8)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    made = make(args.out, args.source, args.photos)
    print(f"{made} photos of 4032x3024 added to a copy of the stranger fixture in {args.out}")
    for _ in range(args.runs):
        for binary in args.binaries:
            print(f"{binary}: {build(binary, args.out)}")


if __name__ == "__main__":
    main()
