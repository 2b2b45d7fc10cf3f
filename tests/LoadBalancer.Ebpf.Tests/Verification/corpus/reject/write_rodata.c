// stores into a const volatile global
// EXPECT: write into map forbidden
#include "common.h"

const volatile __u32 limit = 10;

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("r2 = 5; *(u32 *)(%0 + 0) = r2" :: "r"(&limit) : "r2");
	return XDP_PASS;
}
