// a bpf_loop callback indexes a stack array with a counter it increments: only the first run has index 0
// EXPECT: variable-offset write to stack
#include "common.h"

struct state {
	__u64 slots[4];
	__u32 idx;
};

static long step(__u32 i, void *c)
{
	struct state *s = c;
	s->slots[s->idx] = i;
	s->idx++;
	return 0;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	struct state s = { .idx = 0 };
	bpf_loop(16, step, &s, 0);
	return s.slots[0] & 1 ? XDP_DROP : XDP_PASS;
}
