#!/usr/bin/env python3
"""Independent reference of the Maglev table documented in src/LoadBalancer.Balancer/Maglev/README.md.

Written from the README alone (not from the C# code), using libxxhash's XXH64 through ctypes, so that the
golden checksums in MaglevTableGoldenTests come from a second implementation of the documented algorithm.

usage: maglev_reference.py SIZE ID=ADDRESS:PORT:WEIGHT ...   (IPv4 addresses)
prints: the SHA-256 (hex) of the table's slots as little-endian int32, then the first 16 slots.
"""
import ctypes
import hashlib
import ipaddress
import struct
import sys

OFFSET_SEED = 0x4D61676C65764F66  # "MaglevOf"
SKIP_SEED = 0x4D61676C6576536B    # "MaglevSk"

_xx = ctypes.CDLL("libxxhash.so.0")
_xx.XXH64.restype = ctypes.c_uint64
_xx.XXH64.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint64]


def xxh64(data: bytes, seed: int) -> int:
    return _xx.XXH64(data, len(data), seed)


def endpoint_identity(address: str, port: int) -> bytes:
    ip = ipaddress.ip_address(address)
    if ip.version == 4:
        ip = ipaddress.IPv6Address(b"\0" * 10 + b"\xff\xff" + ip.packed)
    return ip.packed + struct.pack(">H", port)


def build(size, backends):
    """backends: list of (id, identity bytes, weight)."""
    active = sorted((b for b in backends if b[2] > 0), key=lambda b: b[1])
    table = [-1] * size
    if not active:
        return table
    max_weight = max(b[2] for b in active)
    offset = [xxh64(b[1], OFFSET_SEED) % size for b in active]
    skip = [xxh64(b[1], SKIP_SEED) % (size - 1) + 1 for b in active]
    nxt = [0] * len(active)
    credit = [0] * len(active)
    filled = 0
    while True:
        for i, (ident, _, weight) in enumerate(active):
            credit[i] += weight
            if credit[i] < max_weight:
                continue
            credit[i] -= max_weight
            c = (offset[i] + nxt[i] * skip[i]) % size
            while table[c] >= 0:
                nxt[i] += 1
                c = (offset[i] + nxt[i] * skip[i]) % size
            table[c] = ident
            nxt[i] += 1
            filled += 1
            if filled == size:
                return table


def main(argv):
    size = int(argv[1])
    backends = []
    for spec in argv[2:]:
        ident, rest = spec.split("=")
        address, port, weight = rest.split(":")
        backends.append((int(ident), endpoint_identity(address, int(port)), int(weight)))
    table = build(size, backends)
    print(hashlib.sha256(struct.pack("<%di" % size, *table)).hexdigest())
    print(" ".join(str(s) for s in table[:16]))


if __name__ == "__main__":
    main(sys.argv)
