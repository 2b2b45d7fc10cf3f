// compares a packet pointer with a stack pointer
// EXPECT: pointer comparison prohibited
// STRICT
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	__u64 fp;
	asm volatile("%0 = r10" : "=r"(fp));
	if ((__u64)data > fp)
		return XDP_DROP;
	return XDP_PASS;
}
