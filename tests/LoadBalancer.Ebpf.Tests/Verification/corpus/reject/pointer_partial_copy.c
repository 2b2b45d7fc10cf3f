// pointer partial copy
// EXPECT: partial copy of pointer
// CFLAGS: -mcpu=v3
// STRICT
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u32 x;
	asm volatile("w2 = w1; %0 = r2" : "=r"(x) :: "r2");
	return x & 1;
}
