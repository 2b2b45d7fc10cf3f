// pointer 32bit arith
// EXPECT: 32-bit pointer arithmetic prohibited
// CFLAGS: -mcpu=v3
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("r2 = r10; w2 += 8" ::: "r2");
	return XDP_PASS;
}
