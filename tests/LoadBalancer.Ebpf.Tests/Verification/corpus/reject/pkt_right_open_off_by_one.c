// ptr + 14 < data_end proves 15 bytes; reading byte 16 is one too far
// EXPECT: invalid access to packet
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 14 < data_end) {
		__u64 v;
		asm volatile("%0 = *(u16 *)(%1 + 14)" : "=r"(v) : "r"(data));
		return v;
	}
	return XDP_DROP;
}
