// checks 13 bytes, reads byte 12-13 of a 14-byte header
// EXPECT: invalid access to packet
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 13 > data_end)
		return XDP_DROP;
	struct ethhdr *eth = data;
	return eth->h_proto == 8 ? XDP_PASS : XDP_DROP;
}
