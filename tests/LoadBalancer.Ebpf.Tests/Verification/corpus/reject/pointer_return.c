// pointer return
// EXPECT: leaks addr as return value
// STRICT
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	register __u32 q asm("r2") = ctx->rx_queue_index;
	asm volatile("if %0 != 7 goto +2; r0 = %1; exit" :: "r"(q), "r"(ctx) : "r0");
	return XDP_PASS;
}
