// stores through a stack pointer with a variable offset (root may: the bytes become unknown)
// EXPECT: variable stack access
// STRICT
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 1 > data_end)
		return XDP_DROP;
	__u64 i = *(__u8 *)data & 7;
	asm volatile("r2 = r10; r2 += -64; r2 += %0; r1 = 0; *(u8 *)(r2 + 0) = r1" :: "r"(i) : "r1", "r2");
	return XDP_PASS;
}
