// Reserves a ring buffer record, fills it and submits it; discards on one path.
#include "common.h"

struct event {
	__u32 len;
	__u32 queue;
	__u64 time;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return XDP_PASS;
	e->len = ctx->data_end - ctx->data;
	e->queue = ctx->rx_queue_index;
	e->time = bpf_ktime_get_ns();
	if (e->queue == 99) {
		bpf_ringbuf_discard(e, 0);
		return XDP_DROP;
	}
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}
