// ALU-only loop: an LCG feeding a rotate/xor mix, 1000 rounds seeded from the first 8 bytes of
// the buffer (r1), so nothing folds at compile time. Measures pure instruction dispatch.
typedef unsigned long long u64;

u64 alu_loop(const u64 *data, u64 len)
{
    u64 x = data[0];
    u64 y = len;
    for (int i = 0; i < 1000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        y ^= x >> 33;
        y = (y << 7) | (y >> 57);
        y += i;
    }
    return x ^ y;
}
