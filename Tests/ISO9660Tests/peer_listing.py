"""Lists an image's primary tree the way independent readers see it, for comparing names with vmedia.

usage: peer_listing.py IMAGE ISOINFO_LISTING [rr]
Prints {"pycdlib": [[path, is_dir], ...], "isoinfo": [[path, is_dir], ...]}. pycdlib's records are walked
directly (its own path helpers decode strictly as UTF-8 and stop at a name that is not); isoinfo's `-l`
output (written to ISOINFO_LISTING by the caller, `-R` added for rr) keeps the raw name bytes. Both are
decoded with Python's own UTF-8 decoder and `backslashreplace`, so bytes that are not UTF-8 show as \\xnn.
ISO 9660 names lose ";version" and the trailing "." of an extension-less name, as Linux shows them.
"""
import json
import re
import sys

import pycdlib


def iso_name(raw):
    name = raw
    match = re.match(rb"^(.*);\d+$", name)
    if match:
        name = match.group(1)
    if name.endswith(b".") and len(name) > 1:
        name = name[:-1]
    return name


def decode(raw):
    return raw.decode("utf-8", "backslashreplace")


def pycdlib_listing(image, rr):
    iso = pycdlib.PyCdlib()
    iso.open(image)
    out = []

    def walk(record, path):
        for child in record.children:
            if child is None or child.is_dot() or child.is_dotdot():
                continue
            if rr and child.rock_ridge is not None and child.rock_ridge.name():
                name = child.rock_ridge.name()
            else:
                name = iso_name(child.file_identifier())
            child_path = path + b"/" + name
            out.append([decode(child_path), child.is_dir()])
            if child.is_dir():
                walk(child, child_path)

    walk(iso.get_record(iso_path="/"), b"")
    iso.close()
    return out


def isoinfo_listing(listing_path, rr):
    out = []
    directory = None
    with open(listing_path, "rb") as f:
        for line in f.read().split(b"\n"):
            header = re.match(rb"^Directory listing of (.*)$", line)
            if header:
                directory = header.group(1).rstrip(b"/")
                continue
            row = re.match(rb"^([d-])\S+\s.*\]  (.*) $", line)
            if not row or directory is None:
                continue
            name = row.group(2)
            if name in (b".", b".."):
                continue
            if not rr:
                name = iso_name(name)
            out.append([decode(directory + b"/" + name), row.group(1) == b"d"])
    return out


def main():
    image, listing = sys.argv[1], sys.argv[2]
    rr = len(sys.argv) > 3 and sys.argv[3] == "rr"
    print(json.dumps({"pycdlib": sorted(pycdlib_listing(image, rr)), "isoinfo": sorted(isoinfo_listing(listing, rr))}))


if __name__ == "__main__":
    main()
