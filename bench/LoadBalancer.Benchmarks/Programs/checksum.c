// Internet checksum (RFC 1071) over the whole buffer: r1 = data, r2 = length in bytes.
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

u64 checksum(const u8 *data, u64 len)
{
    u64 sum = 0;
    u64 i = 0;
    for (; i + 1 < len && i < 65536; i += 2) {
        sum += (u32)data[i] << 8 | data[i + 1];
    }
    if (i < len) {
        sum += (u32)data[i] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (u16)~sum;
}
