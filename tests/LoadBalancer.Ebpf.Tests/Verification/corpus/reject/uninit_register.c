// uninit register
// EXPECT: R5 !read_ok
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	register __u32 q asm("r2") = ctx->rx_queue_index;
	asm volatile("if %0 != 7 goto +2; r0 = r5; exit" :: "r"(q) : "r0");
	return XDP_PASS;
}
