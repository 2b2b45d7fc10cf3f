# Writes config/example.pcap: a few client packets toward the VIPs of config/replay-example.yaml.
import struct, sys
def csum(b):
    if len(b) % 2: b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b)//2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff
def ip4(src, dst, proto, payload):
    a = bytes(map(int, src.split('.'))); b = bytes(map(int, dst.split('.')))
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20+len(payload), 1, 0x4000, 64, proto, 0, a, b)
    h = h[:10] + struct.pack('!H', csum(h)) + h[12:]
    return h, a, b
def tcp(src, dst, sport, dport, flags, data=b''):
    t = struct.pack('!HHIIBBHHH', sport, dport, 1000, 0 if flags == 0x02 else 1, 0x50, flags, 65535, 0, 0) + data
    h, a, b = ip4(src, dst, 6, t)
    c = csum(a + b + struct.pack('!BBH', 0, 6, len(t)) + t)
    t = t[:16] + struct.pack('!H', c) + t[18:]
    return h + t
def icmp_echo(src, dst):
    i = struct.pack('!BBHHH', 8, 0, 0, 7, 1) + b'ping'
    i = i[:2] + struct.pack('!H', csum(i)) + i[4:]
    h, _, _ = ip4(src, dst, 1, i)
    return h + i
def eth(payload, ethertype=0x0800):
    return bytes.fromhex('020000000001') + bytes.fromhex('020000000002') + struct.pack('!H', ethertype) + payload
pkts = [
    eth(tcp('198.51.100.7', '10.0.0.10', 40001, 80, 0x02)),
    eth(tcp('198.51.100.7', '10.0.0.10', 40001, 80, 0x10, b'GET / HTTP/1.0\r\n\r\n')),
    eth(tcp('198.51.100.8', '10.0.0.10', 40002, 80, 0x02)),
    eth(tcp('198.51.100.9', '10.0.0.10', 40003, 80, 0x02)),
    eth(icmp_echo('198.51.100.7', '10.0.0.10')),
    eth(tcp('198.51.100.7', '10.0.0.99', 40004, 22, 0x02)),
    eth(bytes.fromhex('4500')),
]
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, p in enumerate(pkts):
        f.write(struct.pack('<IIII', 1700000000 + i, 0, len(p), len(p)) + p)
