// ptr + 14 < data_end proves only 13 bytes in the kernel model
// EXPECT: invalid access to packet
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 14 < data_end) {
		struct ethhdr *eth = data;
		return eth->h_proto == 8 ? XDP_PASS : XDP_DROP;
	}
	return XDP_DROP;
}
