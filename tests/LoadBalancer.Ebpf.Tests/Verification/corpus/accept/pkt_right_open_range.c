// ptr + 14 < data_end proves 15 bytes (Linux 6.18); the program reads 14.
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
