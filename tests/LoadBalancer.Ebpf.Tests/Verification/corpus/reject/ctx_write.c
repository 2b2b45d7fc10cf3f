// xdp_md is read-only
// EXPECT: invalid bpf_context access
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	ctx->rx_queue_index = 1;
	return XDP_PASS;
}
