// div by zero const
// EXPECT: div by zero
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 x = bpf_ktime_get_ns();
	asm volatile("%0 /= 0" : "+r"(x));
	return x;
}
