// reads the Ethernet header without comparing with data_end
// EXPECT: invalid access to packet
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	struct ethhdr *eth = (void *)(long)ctx->data;
	return eth->h_proto == 8 ? XDP_PASS : XDP_DROP;
}
