// infinite loop
// EXPECT: infinite loop detected
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	volatile __u32 x = 0;
	asm volatile("l_%=: r1 = 0; if r1 == 0 goto l_%=" ::: "r1");
	return x;
}
