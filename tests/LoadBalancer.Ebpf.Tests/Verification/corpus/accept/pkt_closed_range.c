// data + 14 <= data_end proves 14 bytes (the closed form of the check).
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 14 <= data_end) {
		struct ethhdr *eth = data;
		return eth->h_proto == bpf_htons(ETH_P_ARP) ? XDP_DROP : XDP_PASS;
	}
	return XDP_ABORTED;
}
