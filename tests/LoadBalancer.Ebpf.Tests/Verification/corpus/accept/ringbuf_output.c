// bpf_ringbuf_output of stack records (packet bytes are copied to the stack first).
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 rec[2] = { bpf_ktime_get_boot_ns(), bpf_jiffies64() };
	bpf_ringbuf_output(&events, rec, sizeof(rec), 0);
	if (data + 14 > data_end)
		return XDP_PASS;
	__u8 head[14];
	__builtin_memcpy(head, data, sizeof(head));
	bpf_ringbuf_output(&events, head, sizeof(head), 0);
	return XDP_PASS;
}
