// Four levels of bpf-to-bpf calls, each with its own stack buffer.
#include "common.h"

static __attribute__((noinline)) __u32 level3(__u32 x)
{
	volatile __u32 b[4] = { x, x + 1, x + 2, x + 3 };
	return b[x & 3];
}

static __attribute__((noinline)) __u32 level2(__u32 x)
{
	volatile __u32 b[4] = { x, 2, 3, 4 };
	return level3(b[0] + b[3]);
}

static __attribute__((noinline)) __u32 level1(__u32 x)
{
	volatile __u64 b[2] = { x, 7 };
	return level2(b[0] ^ b[1]);
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	return level1(ctx->rx_queue_index) & 3;
}
