// Grows the head, then re-reads data/data_end and checks again before writing the new header.
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	if (bpf_xdp_adjust_head(ctx, -(int)sizeof(struct ethhdr)))
		return XDP_DROP;
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *outer = data;
	struct ethhdr *inner = data + sizeof(*outer);
	if ((void *)(inner + 1) > data_end)
		return XDP_DROP;
	__builtin_memcpy(outer, inner, sizeof(*outer));
	outer->h_proto = bpf_htons(0x88b5);
	return XDP_TX;
}
