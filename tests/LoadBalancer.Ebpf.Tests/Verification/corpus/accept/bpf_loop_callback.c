// bpf_loop with a callback that updates a context struct on the caller's stack.
#include "common.h"

struct acc {
	__u64 sum;
};

static long add(__u32 i, void *c)
{
	struct acc *a = c;
	a->sum += i;
	return a->sum > 1000 ? 1 : 0;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	struct acc a = { .sum = 0 };
	bpf_loop(100, add, &a, 0);
	return a.sum & 1 ? XDP_DROP : XDP_PASS;
}
