// bpf-to-bpf calls: noinline static subprograms in .text shared by two programs in one section,
// and a callback passed to bpf_loop (a function pointer lddw).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __attribute__((noinline)) int add_twice(int a, int b)
{
	return a + b + b;
}

static __attribute__((noinline)) int classify(int len)
{
	if (len > 100)
		return add_twice(len, 1);
	return add_twice(len, 2);
}

static int loop_body(__u32 index, void *data)
{
	*(int *)data += index;
	return 0;
}

SEC("xdp")
int xdp_first(struct xdp_md *ctx)
{
	int len = ctx->data_end - ctx->data;
	return classify(len) > 200 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int xdp_second(struct xdp_md *ctx)
{
	int sum = 0;
	bpf_loop(4, loop_body, &sum, 0);
	return add_twice(sum, ctx->ingress_ifindex) == 0 ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int tc_prog(struct __sk_buff *skb)
{
	return classify(skb->len);
}

char LICENSE[] SEC("license") = "GPL";
