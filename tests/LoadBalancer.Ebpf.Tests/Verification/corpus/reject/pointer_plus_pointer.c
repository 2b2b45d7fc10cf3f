// pointer plus pointer
// EXPECT: pointer += pointer prohibited
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("r2 = r10; r2 += r1" ::: "r2");
	return XDP_PASS;
}
