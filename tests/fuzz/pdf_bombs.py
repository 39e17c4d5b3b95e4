#!/usr/bin/env python3
"""Crafted PDFs that try to exhaust the certificate reader (issue 12, E1).

    pdf_bombs.py DIR      writes DIR/<name>.pdf for every bomb below

Each file is at most 4 MB and is laid out like a kesu certificate (catalog,
EmbeddedFiles name tree, file specifications), so that the reader gets as
far as it can before the trap:

  objstm      240 object streams, each inflating to 16 MiB of white space,
              and a catalog that lives in none of them (4.2 GB of RAM and
              19 s before the reader decoded lazily)
  objstm-big  one object stream of 256 MiB
  payload     the payload attachment inflating to 256 MiB
  length      a stream /Length of 10^15
  xref        20,000 cross-reference sections chained by /Prev
  objects     as many "N 0 obj" as fit in 4 MB
  nesting     a catalog nested 1,000,000 arrays deep
  comments    4,000 referenced objects, each followed by the same 4 MB of
              comment lines, so each object's parse scans to the end
  names       a name tree of 64 nodes, each naming 4,096 attachments
  strings     4,000 referenced file specifications whose names nest to
              the end of the file
"""
import sys
import zlib

OUT = sys.argv[1]
LIMIT = 4 * 1024 * 1024


def pdf(objs, trailer_extra=b"", tail=b"", root=1):
    """A PDF of {num: body}; body may end in a stream."""
    out = bytearray(b"%PDF-1.7\n%\xb7\xbe\xad\xaa\n")
    offsets = {}
    for n in sorted(objs):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n"
    out += tail
    xref = len(out)
    size = max(objs) + 1
    out += b"xref\n0 1\n0000000000 65535 f\r\n"
    out += b"trailer\n<< /Root %d 0 R /Size %d %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        root, size, trailer_extra, xref)
    return bytes(out)


def stream(dictionary, data):
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def deflate_zeros(n, byte=b" "):
    z = zlib.compressobj(9)
    chunk = byte * (1 << 20)
    out = b""
    for _ in range(n >> 20):
        out += z.compress(chunk)
    return out + z.flush()


CATALOG = b"<< /Type /Catalog /Pages 2 0 R /Names 3 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def kesu_like(extra, names=b"<< /EmbeddedFiles 4 0 R >>",
              tree=b"<< /Names [(kesu-payload.json) 5 0 R (kesu-payload.json.sig) 7 0 R] >>",
              payload_stream=None):
    objs = {1: CATALOG, 2: PAGES, 3: names, 4: tree,
            5: b"<< /Type /Filespec /F (kesu-payload.json) /EF << /F 6 0 R >> >>",
            6: payload_stream or stream(b"/Type /EmbeddedFile", b"{}"),
            7: b"<< /Type /Filespec /F (kesu-payload.json.sig) /EF << /F 8 0 R >> >>",
            8: stream(b"/Type /EmbeddedFile", b"untrusted comment: x\nRWQ=\n")}
    objs.update(extra)
    return objs


def objstm():
    blob = deflate_zeros(16 << 20)
    objs = {1: CATALOG.replace(b"3 0 R", b"9999 0 R"), 2: PAGES}
    for i in range(240):
        objs[10 + i] = stream(b"/Type /ObjStm /N 1 /First 10 /Filter /FlateDecode",
                              b"" + blob)
    return pdf(objs)


def objstm_big():
    blob = deflate_zeros(256 << 20)
    objs = {1: CATALOG.replace(b"3 0 R", b"9999 0 R"), 2: PAGES,
            10: stream(b"/Type /ObjStm /N 1 /First 10 /Filter /FlateDecode", blob)}
    return pdf(objs)


def payload():
    blob = deflate_zeros(256 << 20, b"{")
    return pdf(kesu_like({}, payload_stream=stream(
        b"/Type /EmbeddedFile /Filter /FlateDecode", blob)))


def length():
    s = b"<< /Type /EmbeddedFile /Length 1000000000000000 >>\nstream\n{}\nendstream"
    return pdf(kesu_like({}, payload_stream=s))


def xref():
    objs = kesu_like({})
    body = bytearray(pdf(objs))
    body = body[:body.rindex(b"xref\n")]
    prev = None
    for i in range(20000):
        at = len(body)
        body += b"xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Root 1 0 R /Size 9 "
        if prev is not None:
            body += b"/Prev %d " % prev
        body += b">>\n"
        prev = at
    body += b"startxref\n%d\n%%%%EOF\n" % prev
    return bytes(body)


def objects():
    objs = kesu_like({})
    head = pdf(objs)
    head = head[:head.rindex(b"xref\n")]
    filler = bytearray()
    n = 10
    while len(head) + len(filler) < LIMIT - 200:
        filler += b"%d 0 obj null endobj\n" % n
        n += 1
    return pdf(objs, tail=bytes(filler))


def nesting():
    depth = 1000000
    return pdf({1: b"[" * depth + b"]" * depth, 2: PAGES})


def refs_tree(count, first):
    """A name tree naming count attachments, objects first, first+1, ..."""
    names = b" ".join(b"(a%d) %d 0 R" % (i, first + i) for i in range(count))
    return b"<< /Names [" + names + b"] >>"


def comments():
    count = 4000
    objs = kesu_like({}, tree=refs_tree(count, 100))
    head = pdf(objs)
    head = head[:head.rindex(b"xref\n")]
    # each "% N 0 obj" line defines object N; its value is the next
    # non-comment token, which lies at the end of the file
    lines = bytearray()
    for i in range(count):
        lines += b"%% pad %d 0 obj\n" % (100 + i)
    pad = LIMIT - len(head) - len(lines) - 300
    lines += (b"% " + b"x" * 78 + b"\n") * (pad // 81)
    return pdf(objs, tail=bytes(lines) + b"<< >>\n")


def names():
    kids = b" ".join(b"%d 0 R" % (1000 + i) for i in range(64))
    objs = kesu_like({}, tree=b"<< /Kids [" + kids + b"] >>")
    refs = b" ".join(b"(a) 5 0 R" for _ in range(4096))
    for i in range(64):
        objs[1000 + i] = b"<< /Names [" + refs + b"] >>"
    return pdf(objs)


def strings():
    count = 4000
    objs = kesu_like({}, tree=refs_tree(count, 100))
    head = pdf(objs)
    head = head[:head.rindex(b"xref\n")]
    # "N 0 obj << /F (" nests one more parenthesis per object; each
    # string closes at the end, and its dictionary right after it
    body = bytearray()
    for i in range(count):
        body += b" %d 0 obj << /F (" % (100 + i)
    pad = LIMIT - len(head) - len(body) - 3 * count - 300
    body += b"x" * pad + b")>>" * count + b"\n"
    return pdf(objs, tail=bytes(body))


BOMBS = {"objstm": objstm, "objstm-big": objstm_big, "payload": payload, "length": length,
         "xref": xref, "objects": objects, "nesting": nesting, "comments": comments,
         "names": names, "strings": strings}

if __name__ == "__main__":
    only = sys.argv[2:] or list(BOMBS)
    for name in only:
        data = BOMBS[name]()
        assert len(data) <= LIMIT, (name, len(data))
        with open("%s/%s.pdf" % (OUT, name), "wb") as f:
            f.write(data)
