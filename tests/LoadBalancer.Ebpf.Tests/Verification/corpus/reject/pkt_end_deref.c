// dereferences data_end
// EXPECT: invalid mem access 'pkt_end'
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u8 *end = (void *)(long)ctx->data_end;
	asm volatile("r0 = *(u8 *)(%0 - 1)" :: "r"(end) : "r0");
	return XDP_PASS;
}
