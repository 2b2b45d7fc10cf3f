// r1-r5 are clobbered by a helper call
// EXPECT: R1 !read_ok
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 t = bpf_ktime_get_ns();
	register __u64 q asm("r6") = t;
	asm volatile("if %0 != 7 goto +2; r0 = r1; exit" :: "r"(q) : "r0");
	return XDP_PASS;
}
