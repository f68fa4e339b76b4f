#!/usr/bin/python3
"""A figure file is what its name says and has content: a PNG (signature, IHDR at least
200x100 pixels) or an SVG (well-formed XML whose root is <svg>), of at least MIN_BYTES.
An SVG must also show each TEXT given (tools/plot keeps text as <text> elements), as a
whole text or its first words: a label, a legend entry, a count that the caller worked
out from the results itself.

usage: check_figure.py FILE.png|FILE.svg [MIN_BYTES [TEXT...]]
"""
import struct
import sys
import xml.etree.ElementTree as ET

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(root):
    """The text of every <text> element, whitespace-trimmed."""
    return [" ".join("".join(e.itertext()).split()) for e in root.iter(SVG + "text")]


def check(path, min_bytes, wanted=()):
    data = open(path, "rb").read()
    if len(data) < min_bytes:
        return f"{path}: {len(data)} bytes, expected at least {min_bytes}"
    if path.endswith(".png"):
        if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
            return f"{path}: not a PNG"
        width, height = struct.unpack(">II", data[16:24])
        if width < 200 or height < 100:
            return f"{path}: {width}x{height} pixels, too small for a figure"
    elif path.endswith(".svg"):
        try:
            root = ET.fromstring(data)
        except ET.ParseError as e:
            return f"{path}: not well-formed XML ({e})"
        if root.tag != SVG + "svg":
            return f"{path}: the root element is {root.tag}, not svg"
        texts = svg_texts(root)
        missing = [w for w in wanted if not any(t == w or t.startswith(w + " ") for t in texts)]
        if missing:
            return f"{path}: no text shows {missing}; its texts are {texts}"
    else:
        return f"{path}: neither .png nor .svg"
    return None


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    problem = check(sys.argv[1], int(sys.argv[2]) if len(sys.argv) >= 3 else 5000, sys.argv[3:])
    if problem:
        print(problem, file=sys.stderr)
        sys.exit(1)
