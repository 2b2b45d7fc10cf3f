// Deterministic uses of the core helpers, for differential runs against the kernel: map updates and
// deletes, csum_diff, queue/stack, ring buffer, bpf_loop, for_each_map_elem, trace_printk and packet writes.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u8);
	__type(value, __u64);
	__uint(max_entries, 64);
} byte_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
} results SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} percpu_packets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(key_size, 0);
	__type(value, __u32);
	__uint(max_entries, 4);
} lengths SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(key_size, 0);
	__type(value, __u32);
	__uint(max_entries, 4);
} recent SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

static __always_inline void put_result(__u32 slot, __u64 value)
{
	__u64 *r = bpf_map_lookup_elem(&results, &slot);
	if (r)
		*r = value;
}

// Counts the first 8 payload bytes after the Ethernet header by value, deletes the entry of byte 0xff,
// swaps the MAC addresses and returns XDP_TX.
SEC("xdp")
int xdp_count_bytes(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u8 *payload = (void *)(eth + 1);
	__u32 zero = 0;
	__u64 *packets = bpf_map_lookup_elem(&percpu_packets, &zero);
	if (packets)
		*packets += 1;
	if ((void *)(payload + 8) > data_end)
		return XDP_DROP;
	for (int i = 0; i < 8; i++) {
		__u8 b = payload[i];
		if (b == 0xff) {
			bpf_map_delete_elem(&byte_counts, &b);
			continue;
		}
		__u64 *count = bpf_map_lookup_elem(&byte_counts, &b);
		if (count) {
			*count += 1;
		} else {
			__u64 one = 1;
			bpf_map_update_elem(&byte_counts, &b, &one, BPF_NOEXIST);
		}
	}
	unsigned char tmp[ETH_ALEN];
	__builtin_memcpy(tmp, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, tmp, ETH_ALEN);
	return XDP_TX;
}

// csum_diff of the 20 bytes after the Ethernet header against a copy with the first word changed,
// and against nothing; the results go to the results map and the checksum into the packet.
SEC("xdp")
int xdp_csum(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__be32 *words = data + sizeof(struct ethhdr);
	if ((void *)(words + 5) > data_end)
		return XDP_DROP;
	__be32 copy[5];
	__builtin_memcpy(copy, words, sizeof(copy));
	copy[0] ^= bpf_htonl(0x01020304);
	__s64 full = bpf_csum_diff(0, 0, words, 20, 0);
	__s64 diff = bpf_csum_diff(words, 20, copy, 20, 0x1234);
	__s64 bad = bpf_csum_diff(words, 6, copy, 20, 0);
	put_result(0, full);
	put_result(1, diff);
	put_result(2, bad);
	__u16 folded = ~((full & 0xffff) + (full >> 16));
	words[4] = bpf_htonl(folded);
	return XDP_PASS;
}

// Queue and stack: pushes the packet length into both (dropping the oldest when full), then
// peeks and pops; results 3..6 record what came back.
SEC("xdp")
int xdp_queue(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	__u32 out = 0;
	bpf_map_push_elem(&lengths, &len, BPF_EXIST);
	bpf_map_push_elem(&recent, &len, BPF_EXIST);
	long rc = bpf_map_peek_elem(&lengths, &out);
	put_result(3, ((__u64)(__u32)rc << 32) | out);
	out = 0;
	rc = bpf_map_pop_elem(&recent, &out);
	put_result(4, ((__u64)(__u32)rc << 32) | out);
	if (len > 100) {
		rc = bpf_map_pop_elem(&lengths, &out);
		put_result(5, ((__u64)(__u32)rc << 32) | out);
	}
	return len > 60 ? XDP_PASS : XDP_DROP;
}

// Ring buffer: a reserved record submitted, one discarded, one output; results 7 = available bytes.
SEC("xdp")
int xdp_ringbuf(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	__u64 *rec = bpf_ringbuf_reserve(&events, sizeof(__u64), 0);
	if (!rec)
		return XDP_ABORTED;
	*rec = len;
	bpf_ringbuf_submit(rec, 0);
	rec = bpf_ringbuf_reserve(&events, 16, 0);
	if (rec)
		bpf_ringbuf_discard(rec, 0);
	bpf_ringbuf_output(&events, &len, sizeof(len), 0);
	put_result(7, bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA));
	return XDP_PASS;
}

struct loop_ctx {
	void *data;
	void *data_end;
	__u64 sum;
};

static long sum_byte(__u32 index, struct loop_ctx *lc)
{
	if (index >= 64)
		return 1;
	__u8 *p = lc->data + index;
	if ((void *)(p + 1) > lc->data_end)
		return 1;
	lc->sum += *p;
	return 0;
}

static long add_value(void *map, __u32 *key, __u64 *value, __u64 *total)
{
	*total += *value * (*key + 1);
	return *key >= 5;
}

// bpf_loop summing packet bytes through a callback (stops at data_end), then
// bpf_for_each_map_elem over the results array; r0 folds both.
SEC("xdp")
int xdp_callbacks(struct xdp_md *ctx)
{
	struct loop_ctx lc = { (void *)(long)ctx->data, (void *)(long)ctx->data_end, 0 };
	long calls = bpf_loop(64, sum_byte, &lc, 0);
	__u64 total = 0;
	put_result(6, lc.sum);
	long visited = bpf_for_each_map_elem(&results, add_value, &total, 0);
	put_result(5, total);
	return (int)((calls << 8) | (visited << 4) | (lc.sum & 3)) & 0x7fffffff;
}

// bpf_printk's return value (the formatted length) for several conversions.
SEC("xdp")
int xdp_printk(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	long a = bpf_printk("len %u of %d at %x\n", len, -5, 0xbeef);
	long b = bpf_printk("%lld|%llx|%-4u|", (__s64)-1234567890123LL, 0xabcdefULL, 7);
	long c = bpf_printk("bad %q", len);
	put_result(0, a);
	put_result(1, b);
	put_result(2, c);
	return XDP_PASS;
}


int xdp_tail_self(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} self_table SEC(".maps") = {
	.values = { [0] = (void *)&xdp_tail_self },
};

__u64 tail_runs = 0;

// Tail-calls itself until the kernel's limit stops it: runs 1 + 33 times, then returns XDP_PASS.
SEC("xdp")
int xdp_tail_self(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&tail_runs, 1);
	bpf_tail_call(ctx, &self_table, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
