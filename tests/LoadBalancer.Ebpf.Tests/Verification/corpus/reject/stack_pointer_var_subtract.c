// stack pointer var subtract
// EXPECT: subtraction from stack pointer prohibited
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 1 > data_end)
		return XDP_DROP;
	__u64 i = *(__u8 *)data & 7;
	asm volatile("r2 = r10; r2 -= %0" :: "r"(i) : "r2");
	return XDP_PASS;
}
