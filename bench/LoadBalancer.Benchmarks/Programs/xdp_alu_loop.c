// alu_loop.c as XDP: seeded from the first 8 packet bytes and the packet length.
#include "xdp_workloads.h"

SEC("xdp") int xdp_alu_loop(struct xdp_md *ctx)
{
    u8 *data = (u8 *)(long)ctx->data;
    u8 *end = (u8 *)(long)ctx->data_end;
    if (data + 8 > end)
        return 0;
    u64 x = *(u64 *)data;
    u64 y = end - data;
    for (int i = 0; i < 1000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        y ^= x >> 33;
        y = (y << 7) | (y >> 57);
        y += i;
    }
    return (u32)(x ^ y);
}
