// reads metadata without comparing with data
// EXPECT: invalid access to packet
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u32 *meta = (void *)(long)ctx->data_meta;
	return *meta;
}
