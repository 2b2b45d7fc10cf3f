// two frames of 320 bytes each: together more than 512
// EXPECT: combined stack size
#include "common.h"

static __attribute__((noinline)) int inner(int x)
{
	asm volatile("r1 = 0; *(u64 *)(r10 - 320) = r1" ::: "r1");
	return x + 1;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("r1 = 0; *(u64 *)(r10 - 320) = r1" ::: "r1");
	return inner(ctx->rx_queue_index) & 3;
}
