// the bound is checked after the read
// EXPECT: invalid access to packet
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 proto;
	asm volatile("%0 = *(u8 *)(%1 + 23)" : "=r"(proto) : "r"(data));
	if (data + 34 > data_end)
		return XDP_DROP;
	return proto;
}
