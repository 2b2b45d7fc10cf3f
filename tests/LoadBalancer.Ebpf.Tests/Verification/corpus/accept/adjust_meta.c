// Reserves 4 bytes of metadata and writes it after checking against data.
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	if (bpf_xdp_adjust_meta(ctx, -4))
		return XDP_PASS;
	void *data = (void *)(long)ctx->data;
	__u32 *meta = (void *)(long)ctx->data_meta;
	if ((void *)(meta + 1) > data)
		return XDP_PASS;
	*meta = 0xfeed;
	return XDP_PASS;
}
