// jhash.c as XDP: lookup3 over the packet in 12-byte blocks.
#include "xdp_workloads.h"

static inline __attribute__((always_inline)) u32 load32(const u8 *p)
{
    return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

SEC("xdp") int xdp_jhash(struct xdp_md *ctx)
{
    u8 *data = (u8 *)(long)ctx->data;
    u8 *end = (u8 *)(long)ctx->data_end;
    u32 a, b, c;
    a = b = c = 0xdeadbeef + (u32)(end - data);
    for (u32 i = 0; i < 1500; i += 12) {
        if (data + i + 12 > end)
            break;
        a += load32(data + i);
        b += load32(data + i + 4);
        c += load32(data + i + 8);
        a -= c; a ^= rol32(c, 4);  c += b;
        b -= a; b ^= rol32(a, 6);  a += c;
        c -= b; c ^= rol32(b, 8);  b += a;
        a -= c; a ^= rol32(c, 16); c += b;
        b -= a; b ^= rol32(a, 19); a += c;
        c -= b; c ^= rol32(b, 4);  b += a;
    }
    c ^= b; c -= rol32(b, 14);
    a ^= c; a -= rol32(c, 11);
    b ^= a; b -= rol32(a, 25);
    c ^= b; c -= rol32(b, 16);
    a ^= c; a -= rol32(c, 4);
    b ^= a; b -= rol32(a, 14);
    c ^= b; c -= rol32(b, 24);
    return c;
}
