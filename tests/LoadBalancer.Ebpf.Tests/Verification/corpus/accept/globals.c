// Load-time constants in .rodata, counters in .bss and .data.
#include "common.h"

const volatile __u32 drop_port = 9;
const volatile __u8 enabled = 1;
__u64 packets = 0;
__u64 drops = 5;

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__sync_fetch_and_add(&packets, 1);
	if (!enabled)
		return XDP_PASS;
	struct udphdr *udp = data + sizeof(struct ethhdr) + sizeof(struct iphdr);
	if ((void *)(udp + 1) > data_end)
		return XDP_PASS;
	if (udp->dest == bpf_htons(drop_port)) {
		drops++;
		return XDP_DROP;
	}
	return XDP_PASS;
}
