// Bob Jenkins' lookup3 hash (the kernel's jhash) over the buffer in 12-byte blocks:
// r1 = data, r2 = length in bytes.
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned char u8;

#define rol32(x, k) (((x) << (k)) | ((x) >> (32 - (k))))

#define jhash_mix(a, b, c)                \
    {                                     \
        a -= c; a ^= rol32(c, 4);  c += b; \
        b -= a; b ^= rol32(a, 6);  a += c; \
        c -= b; c ^= rol32(b, 8);  b += a; \
        a -= c; a ^= rol32(c, 16); c += b; \
        b -= a; b ^= rol32(a, 19); a += c; \
        c -= b; c ^= rol32(b, 4);  b += a; \
    }

#define jhash_final(a, b, c)               \
    {                                      \
        c ^= b; c -= rol32(b, 14);         \
        a ^= c; a -= rol32(c, 11);         \
        b ^= a; b -= rol32(a, 25);         \
        c ^= b; c -= rol32(b, 16);         \
        a ^= c; a -= rol32(c, 4);          \
        b ^= a; b -= rol32(a, 14);         \
        c ^= b; c -= rol32(b, 24);         \
    }

static inline __attribute__((always_inline)) u32 load32(const u8 *p)
{
    return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

u64 jhash(const u8 *data, u64 len)
{
    u32 a, b, c;
    a = b = c = 0xdeadbeef + (u32)len;
    u64 i = 0;
    for (; i + 12 < len && i < 65536; i += 12) {
        a += load32(data + i);
        b += load32(data + i + 4);
        c += load32(data + i + 8);
        jhash_mix(a, b, c);
    }
    u64 rest = len - i;
    if (rest > 12) rest = 12;
    for (u64 k = 0; k < rest; k++) {
        u32 v = (u32)data[i + k] << ((k & 3) * 8);
        if (k < 4)
            a += v;
        else if (k < 8)
            b += v;
        else
            c += v;
    }
    jhash_final(a, b, c);
    return c;
}
