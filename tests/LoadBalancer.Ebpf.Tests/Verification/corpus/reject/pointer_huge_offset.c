// adds 2^30 to a pointer
// EXPECT: is not allowed
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("r2 = r10; r3 = 1073741824; r2 += r3" ::: "r2", "r3");
	return XDP_PASS;
}
