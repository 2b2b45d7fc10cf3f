// return stack pointer
// EXPECT: cannot return stack pointer
#include "common.h"

static __attribute__((noinline)) long leak(long x)
{
	volatile long local = x;
	long r;
	asm volatile("%0 = r10; %0 += -8" : "=r"(r));
	return r;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	return leak(ctx->rx_queue_index) & 3;
}
