// uses a packet pointer after bpf_xdp_adjust_head moved the packet
// EXPECT: invalid mem access 'scalar'
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_DROP;
	if (bpf_xdp_adjust_head(ctx, -4))
		return XDP_DROP;
	asm volatile("r0 = *(u16 *)(%0 + 12)" :: "r"(eth) : "r0");
	return XDP_PASS;
}
