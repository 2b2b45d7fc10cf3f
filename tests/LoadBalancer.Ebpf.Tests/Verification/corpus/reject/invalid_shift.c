// invalid shift
// EXPECT: invalid shift
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 x = bpf_ktime_get_ns();
	asm volatile("%0 <<= 64" : "+r"(x));
	return x;
}
