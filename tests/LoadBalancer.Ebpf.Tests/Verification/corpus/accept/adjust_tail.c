// Trims the packet to 64 bytes, then checks the new bounds.
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	int len = data_end - data;
	if (len > 64 && bpf_xdp_adjust_tail(ctx, 64 - len))
		return XDP_DROP;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + 1 > data_end)
		return XDP_DROP;
	return *(__u8 *)data & 1 ? XDP_TX : XDP_PASS;
}
