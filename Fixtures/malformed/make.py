#!/usr/bin/env python3
"""Regenerates the malformed-ISO corpus from one small genisoimage image (Rock Ridge, El Torito).

usage: python3 Fixtures/malformed/make.py   (needs genisoimage; run from anywhere)
Each output damages exactly one structure; README.md says which and what the reader must report.
"""
import os
import shutil
import struct
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
B = 2048


def base_image():
    work = tempfile.mkdtemp()
    tree = os.path.join(work, "tree")
    os.makedirs(os.path.join(tree, "dir", "sub"))
    with open(os.path.join(tree, "dir", "sub", "file.txt"), "wb") as f:
        f.write(b"hello\n")
    with open(os.path.join(tree, "boot.img"), "wb") as f:
        f.write(b"\0" * B)
    out = os.path.join(work, "base.iso")
    subprocess.run(["genisoimage", "-quiet", "-no-pad", "-R", "-b", "boot.img", "-c", "boot.cat", "-no-emul-boot",
                    "-boot-load-size", "4", "-o", out, tree], check=True)
    data = bytearray(open(out, "rb").read())
    shutil.rmtree(work)
    return data


def records(data, extent, length):
    """(offset, record bytes) of every directory record in a directory extent."""
    out, pos, end = [], extent * B, extent * B + length
    while pos < end:
        n = data[pos]
        if n == 0:
            pos = (pos // B + 1) * B
            continue
        out.append((pos, bytes(data[pos:pos + n])))
        pos += n
    return out


def find(data, extent, length, name):
    for pos, rec in records(data, extent, length):
        ident = rec[33:33 + rec[32]]
        if ident == name:
            return pos, rec
    raise KeyError(name)


def both32(value):
    return struct.pack("<I", value) + struct.pack(">I", value)


def main():
    base = base_image()
    root_extent, root_len = struct.unpack_from("<I", base, 16 * B + 158)[0], struct.unpack_from("<I", base, 16 * B + 166)[0]
    dir_pos, dir_rec = find(base, root_extent, root_len, b"DIR")
    dir_extent, dir_len = struct.unpack_from("<I", dir_rec, 2)[0], struct.unpack_from("<I", dir_rec, 10)[0]
    sub_pos, sub_rec = find(base, dir_extent, dir_len, b"SUB")
    sub_extent, sub_len = struct.unpack_from("<I", sub_rec, 2)[0], struct.unpack_from("<I", sub_rec, 10)[0]
    file_pos, _ = find(base, sub_extent, sub_len, b"FILE.TXT;1")
    catalog = struct.unpack_from("<I", base, 17 * B + 71)[0]
    outputs = {}

    outputs["truncated-descriptors.iso"] = bytes(base[:16 * B + 1000])
    outputs["truncated-directory.iso"] = bytes(base[:root_extent * B + 100])
    outputs["not-an-iso.iso"] = b"This is not an ISO image, only text padded to 40 KiB.\n".ljust(40 * 1024, b"\0")

    loop = bytearray(base)  # /DIR/SUB points back at /DIR
    loop[sub_pos + 2:sub_pos + 10] = both32(dir_extent)
    outputs["directory-loop.iso"] = bytes(loop)

    past = bytearray(base)  # /DIR's extent lies far beyond the image end
    past[dir_pos + 2:dir_pos + 10] = both32(0x00FFFF00)
    outputs["directory-extent-past-end.iso"] = bytes(past)

    file_past = bytearray(base)  # FILE.TXT's data lies beyond the image and the volume
    file_past[file_pos + 2:file_pos + 10] = both32(0x00FFFF00)
    outputs["file-extent-past-end.iso"] = bytes(file_past)

    checksum = bytearray(base)  # validation entry checksum off by one
    checksum[catalog * B + 28] ^= 0x01
    outputs["bad-catalog-checksum.iso"] = bytes(checksum)

    absurd = bytearray(base)  # the root directory claims 4 GiB - 1 bytes
    absurd[16 * B + 166:16 * B + 174] = both32(0xFFFFFFFF)
    outputs["absurd-root-size.iso"] = bytes(absurd)

    absurd_pt = bytearray(base)  # the path table claims 2 GiB
    absurd_pt[16 * B + 132:16 * B + 140] = both32(0x7FFFFFFF)
    outputs["absurd-path-table-size.iso"] = bytes(absurd_pt)

    crossing = bytearray(base)  # the root directory is declared to end inside /DIR's record
    short = dir_pos - root_extent * B + 10
    crossing[16 * B + 166:16 * B + 174] = both32(short)
    outputs["record-past-directory-end.iso"] = bytes(crossing)

    unterminated = bytearray(base)  # the set terminator is overwritten: the set never ends properly
    term = next(s for s in range(17, 32) if base[s * B] == 255 and base[s * B + 1:s * B + 6] == b"CD001")
    unterminated[term * B:term * B + 7] = b"\x00GARBAG"
    outputs["unterminated-descriptor-set.iso"] = bytes(unterminated)

    ce_loop = bytearray(base)  # the root's continuation area (ER) is replaced by a CE pointing at itself
    ce = bytes(base[root_extent * B:root_extent * B + 255])
    ce_at = ce.find(b"CE\x1c\x01")
    block = struct.unpack_from("<I", ce, ce_at + 4)[0]
    offset = struct.unpack_from("<I", ce, ce_at + 12)[0]
    ce_loop[block * B + offset:block * B + offset + 28] = b"CE\x1c\x01" + both32(block) + both32(offset) + both32(28)
    at = root_extent * B + ce_at
    ce_loop[at + 20:at + 28] = both32(28)  # the root's CE now names exactly that 28-byte area
    outputs["continuation-area-loop.iso"] = bytes(ce_loop)

    for name, content in outputs.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(content)
        print(name, len(content))


if __name__ == "__main__":
    main()
