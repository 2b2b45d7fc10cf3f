// A switch on a packet byte with many cases (a branch tree) and shared exits.
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u8 *data = (void *)(long)ctx->data;
	__u8 *data_end = (void *)(long)ctx->data_end;
	if (data + 2 > data_end)
		return XDP_ABORTED;
	switch (data[0]) {
	case 1: return XDP_DROP;
	case 2: return XDP_PASS;
	case 3: return XDP_TX;
	case 7: return data[1] ? XDP_DROP : XDP_PASS;
	case 11: case 12: case 13: return XDP_REDIRECT;
	case 200: return data[1] > 9 ? XDP_TX : XDP_DROP;
	default: return XDP_PASS;
	}
}
