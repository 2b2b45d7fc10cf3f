// Hash map keyed by a 5-tuple built on the stack: lookup, update on miss, delete.
#include "common.h"

struct flow {
	__u32 saddr, daddr;
	__u16 sport, dport;
	__u8 proto, pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct flow);
	__type(value, __u64);
	__uint(max_entries, 1024);
} flows SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return XDP_DROP;
	struct flow key = {};
	key.saddr = ip->saddr;
	key.daddr = ip->daddr;
	key.sport = udp->source;
	key.dport = udp->dest;
	key.proto = ip->protocol;
	__u64 *seen = bpf_map_lookup_elem(&flows, &key);
	if (seen) {
		*seen += 1;
		if (*seen > 1000)
			bpf_map_delete_elem(&flows, &key);
		return XDP_PASS;
	}
	__u64 one = 1;
	bpf_map_update_elem(&flows, &key, &one, BPF_ANY);
	return XDP_PASS;
}
