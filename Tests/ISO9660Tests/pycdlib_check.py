"""Reads an ISO with pycdlib (an independent, strict parser) and extracts every file through each name
space it offers, so the Swift tests can compare pycdlib's view with what the builder wrote.

usage: pycdlib_check.py IMAGE OUTDIR
Writes OUTDIR/<iso_path|joliet_path|rr_path>/<path> and prints a JSON summary on stdout:
{"iso_path": {path: size}, "joliet_path": {...}, "rr_path": {...}, "has_joliet": bool, "has_rock_ridge": bool,
 "eltorito": [{"platform": n, "lba": n, "sector_count": n}] }
"""
import io
import json
import os
import sys

import pycdlib


def main():
    image, outdir = sys.argv[1], sys.argv[2]
    iso = pycdlib.PyCdlib()
    iso.open(image)  # strict: checks L/M path tables, El Torito checksum, record padding
    summary = {"has_joliet": iso.has_joliet(), "has_rock_ridge": bool(iso.has_rock_ridge())}
    kinds = ["iso_path"]
    if iso.has_joliet():
        kinds.append("joliet_path")
    if iso.has_rock_ridge():
        kinds.append("rr_path")
    for kind in kinds:
        listing = {}
        for dirname, _dirs, files in iso.walk(**{kind: "/"}):
            for name in files:
                path = dirname.rstrip("/") + "/" + name
                buffer = io.BytesIO()
                iso.get_file_from_iso_fp(buffer, **{kind: path})
                data = buffer.getvalue()
                target = os.path.join(outdir, kind, path.lstrip("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(data)
                listing[path] = len(data)
        summary[kind] = listing
    entries = []
    catalog = getattr(iso, "eltorito_boot_catalog", None)
    if catalog is not None:
        entries.append({"platform": catalog.validation_entry.platform_id, "lba": catalog.initial_entry.load_rba,
                        "sector_count": catalog.initial_entry.sector_count})
        for section in catalog.sections:
            for entry in section.section_entries:
                entries.append({"platform": section.platform_id, "lba": entry.load_rba,
                                "sector_count": entry.sector_count})
    summary["eltorito"] = entries
    iso.close()
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
