// exits before setting r0
// EXPECT: R0 !read_ok
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	register __u32 q asm("r2") = ctx->rx_queue_index;
	asm volatile("if %0 != 7 goto +1; exit" :: "r"(q));
	return XDP_PASS;
}
