// A tail-call chain: entry -> stage1 -> stage2 through a PROG_ARRAY initialised with programs.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int stage1(struct xdp_md *ctx);
int stage2(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jump_table SEC(".maps") = {
	.values = {
		[1] = (void *)&stage1,
		[2] = (void *)&stage2,
	},
};

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jump_table, 1);
	return XDP_ABORTED;
}

SEC("xdp")
int stage1(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jump_table, 2);
	return XDP_DROP;
}

SEC("xdp")
int stage2(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
