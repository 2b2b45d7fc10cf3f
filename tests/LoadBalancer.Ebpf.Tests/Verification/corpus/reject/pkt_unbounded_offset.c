// adds a full 64-bit number to a packet pointer
// EXPECT: unbounded min value
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 8 > data_end)
		return XDP_DROP;
	__u64 off = *(__u64 *)data;
	__u8 *p = data + off;
	if ((void *)(p + 1) > data_end)
		return XDP_DROP;
	return *p;
}
