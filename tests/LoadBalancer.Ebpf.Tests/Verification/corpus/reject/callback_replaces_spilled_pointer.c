// A bpf_loop callback replaces the packet pointer its caller keeps in the context struct with a
// number: a later run (or the caller) would dereference that number.
// EXPECT: the callback changes the pointer the caller spilled
#include "common.h"

struct walk {
	void *data;
	void *data_end;
	__u64 n;
};

static long step(__u32 index, struct walk *w)
{
	w->n += index;
	w->data = (void *)(long)w->n;
	return 0;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	struct walk w = { (void *)(long)ctx->data, (void *)(long)ctx->data_end, 0 };
	bpf_loop(4, step, &w, 0);
	__u8 *p = w.data;
	if ((void *)(p + 1) > w.data_end)
		return XDP_DROP;
	return *p == 0x45 ? XDP_PASS : XDP_DROP;
}
