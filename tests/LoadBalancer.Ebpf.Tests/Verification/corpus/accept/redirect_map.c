// bpf_redirect_map to a DEVMAP slot, bpf_redirect by ifindex otherwise.
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(key_size, 4);
	__uint(value_size, 4);
	__uint(max_entries, 8);
} ports SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u32 q = ctx->rx_queue_index;
	if (q < 8)
		return bpf_redirect_map(&ports, q, XDP_PASS);
	return bpf_redirect(ctx->ingress_ifindex, 0);
}
