// pkt end arith
// EXPECT: pointer arithmetic on pkt_end prohibited
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *end = (void *)(long)ctx->data_end;
	asm volatile("%0 += -4" : "+r"(end));
	return end == 0;
}
