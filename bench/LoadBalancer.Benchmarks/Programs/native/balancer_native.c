/* The balancer program (src/bpf/balancer.bpf.c, unchanged) compiled natively for x86-64 with
 * clang -O2, plus the maps and helpers it calls, for the benchmark's native baseline:
 * arrays as plain memory, HASH and LRU_HASH as open-addressing tables (linear probing, a 64-bit
 * multiply-rotate hash of the key words, memcmp keys; the LRU evicts with a CLOCK hand when
 * full), bpf_ktime_get_ns = clock_gettime(CLOCK_MONOTONIC), bpf_xdp_adjust_head on a frame with
 * headroom. struct xdp_md holds 32-bit pointers, so frames live below 2 GiB (MAP_32BIT). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "../balancer-src/balancer.bpf.c"

struct nmap {
	int type;
	uint32_t key_size, value_size, max_entries;
	uint32_t stride;      /* array: value stride; hash: slot stride */
	uint8_t *data;
	uint32_t mask, count, hand; /* hash */
};

/* Hash slot: u32 hash, u8 used, u8 ref, u16 pad, key (rounded to 8), value (rounded to 8). */
#define SLOT_HDR 8
static inline uint32_t key_span(const struct nmap *m) { return (m->key_size + 7) & ~7u; }

static struct nmap maps[8];
static int map_count;

#define FRAME 4096
#define HEADROOM 256
static uint8_t *frame;
static struct xdp_md md;

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static inline uint32_t key_hash(const uint8_t *key, uint32_t size)
{
	uint64_t h = 0x27D4EB2F165667C5ULL + size, k;
	uint32_t i = 0, w;
	for (; i + 8 <= size; i += 8) {
		memcpy(&k, key + i, 8);
		h ^= rotl(k * 0xC2B2AE3D27D4EB4FULL, 31) * 0x9E3779B185EBCA87ULL;
		h = rotl(h, 27) * 0x9E3779B185EBCA87ULL + 0x85EBCA77C2B2AE63ULL;
	}
	if (i + 4 <= size) {
		memcpy(&w, key + i, 4);
		h ^= w * 0x9E3779B185EBCA87ULL;
		h = rotl(h, 23) * 0xC2B2AE3D27D4EB4FULL + 0x165667B19E3779F9ULL;
	}
	h ^= h >> 33;
	h *= 0xC2B2AE3D27D4EB4FULL;
	h ^= h >> 29;
	return (uint32_t)h;
}

static void register_map(void *def, int type, uint32_t key_size, uint32_t value_size, uint32_t max_entries, uint32_t max_override)
{
	struct nmap *m = &maps[map_count++];
	m->type = type;
	m->key_size = key_size;
	m->value_size = value_size;
	m->max_entries = max_override ? max_override : max_entries;
	if (type == BPF_MAP_TYPE_HASH || type == BPF_MAP_TYPE_LRU_HASH) {
		uint32_t cap = 1;
		while (cap < m->max_entries * 2)
			cap <<= 1;
		m->mask = cap - 1;
		m->stride = SLOT_HDR + key_span(m) + ((value_size + 7) & ~7u);
		m->data = calloc(cap, m->stride);
	} else {
		m->stride = (value_size + 7) & ~7u;
		m->data = calloc(m->max_entries, m->stride);
	}
	*(struct nmap **)def = m; /* the definition's first pointer slot now names the native map */
}

#define REGISTER(def, lru_max) register_map(&def, sizeof(*def.type) / sizeof(int), sizeof(*def.key), sizeof(*def.value), sizeof(*def.max_entries) / sizeof(int), lru_max)

static void *by_name(const char *name)
{
	if (!strcmp(name, "vip_map")) return &vip_map;
	if (!strcmp(name, "lru_flows")) return &lru_flows;
	if (!strcmp(name, "ch_rings")) return &ch_rings;
	if (!strcmp(name, "reals")) return &reals;
	if (!strcmp(name, "quic_server_ids")) return &quic_server_ids;
	if (!strcmp(name, "lb_config")) return &lb_config;
	if (!strcmp(name, "stats")) return &stats;
	return 0;
}

static inline uint8_t *slot_at(const struct nmap *m, uint32_t i) { return m->data + (size_t)i * m->stride; }

static uint8_t *hash_find(struct nmap *m, const void *key, uint32_t h)
{
	for (uint32_t i = h & m->mask;; i = (i + 1) & m->mask) {
		uint8_t *s = slot_at(m, i);
		if (!s[4])
			return 0;
		if (*(uint32_t *)s == h && !memcmp(s + SLOT_HDR, key, m->key_size))
			return s;
	}
}

static void hash_delete_at(struct nmap *m, uint32_t i)
{
	/* Backward-shift deletion keeps every probe sequence unbroken. */
	for (;;) {
		slot_at(m, i)[4] = 0;
		uint32_t j = i;
		for (;;) {
			j = (j + 1) & m->mask;
			uint8_t *s = slot_at(m, j);
			if (!s[4]) {
				m->count--;
				return;
			}
			uint32_t home = *(uint32_t *)s & m->mask;
			int movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
			if (movable) {
				memcpy(slot_at(m, i), s, m->stride);
				i = j;
				break;
			}
		}
	}
}

void *bpf_map_lookup_elem(void *map, const void *key)
{
	struct nmap *m = *(struct nmap **)map;
	if (m->type == BPF_MAP_TYPE_HASH || m->type == BPF_MAP_TYPE_LRU_HASH) {
		uint8_t *s = hash_find(m, key, key_hash(key, m->key_size));
		if (!s)
			return 0;
		if (m->type == BPF_MAP_TYPE_LRU_HASH && !s[5])
			s[5] = 1;
		return s + SLOT_HDR + key_span(m);
	}
	uint32_t index = *(const uint32_t *)key;
	return index < m->max_entries ? m->data + (size_t)index * m->stride : 0;
}

long bpf_map_update_elem(void *map, const void *key, const void *value, __u64 flags)
{
	struct nmap *m = *(struct nmap **)map;
	(void)flags; /* BPF_ANY only */
	if (m->type != BPF_MAP_TYPE_HASH && m->type != BPF_MAP_TYPE_LRU_HASH) {
		uint32_t index = *(const uint32_t *)key;
		if (index >= m->max_entries)
			return -E2BIG;
		memcpy(m->data + (size_t)index * m->stride, value, m->value_size);
		return 0;
	}
	uint32_t h = key_hash(key, m->key_size);
	uint8_t *s = hash_find(m, key, h);
	if (!s) {
		if (m->count >= m->max_entries) {
			if (m->type != BPF_MAP_TYPE_LRU_HASH)
				return -E2BIG;
			for (;;) { /* CLOCK: the first used slot whose reference bit is clear */
				m->hand = (m->hand + 1) & m->mask;
				uint8_t *v = slot_at(m, m->hand);
				if (!v[4])
					continue;
				if (v[5]) {
					v[5] = 0;
					continue;
				}
				hash_delete_at(m, m->hand);
				break;
			}
		}
		uint32_t i = h & m->mask;
		while (slot_at(m, i)[4])
			i = (i + 1) & m->mask;
		s = slot_at(m, i);
		*(uint32_t *)s = h;
		s[4] = 1;
		s[5] = 0;
		memcpy(s + SLOT_HDR, key, m->key_size);
		m->count++;
	}
	memcpy(s + SLOT_HDR + key_span(m), value, m->value_size);
	return 0;
}

__u64 bpf_ktime_get_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

long bpf_xdp_adjust_head(struct xdp_md *ctx, int delta)
{
	uint8_t *data = (uint8_t *)(uintptr_t)ctx->data + delta;
	uint8_t *end = (uint8_t *)(uintptr_t)ctx->data_end;
	if (data < frame || data > end - 14)
		return -EINVAL;
	ctx->data = (__u32)(uintptr_t)data;
	ctx->data_meta = ctx->data;
	return 0;
}

/* Creates the maps (the LRU with lru_max_entries instead of MAX_FLOWS) and the frame; 0 or -errno. Called again: fresh, empty maps. */
int lbn_init(uint32_t lru_max_entries)
{
	for (int i = 0; i < map_count; i++) /* again: fresh maps */
		free(maps[i].data);
	memset(maps, 0, sizeof(maps));
	map_count = 0;
	if (!frame) {
		frame = mmap(0, FRAME, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (frame == MAP_FAILED) {
			frame = 0;
			return -ENOMEM;
		}
	}
	REGISTER(vip_map, 0);
	REGISTER(lru_flows, lru_max_entries);
	REGISTER(ch_rings, 0);
	REGISTER(reals, 0);
	REGISTER(quic_server_ids, 0);
	REGISTER(lb_config, 0);
	REGISTER(stats, 0);
	return 0;
}

/* Map update by name (BPF_ANY); 0 or -errno. */
int lbn_update(const char *name, const void *key, const void *value)
{
	void *map = by_name(name);
	return map ? (int)bpf_map_update_elem(map, key, value, 0) : -ENOENT;
}

/* Copies the packet into the frame (256 bytes of headroom) and runs the program; returns the XDP action, the output length in *out_len. */
int lbn_run(const uint8_t *packet, uint32_t length, uint32_t *out_len)
{
	if (length > FRAME - HEADROOM)
		return -EINVAL;
	uint8_t *data = frame + HEADROOM;
	memcpy(data, packet, length);
	md.data = (__u32)(uintptr_t)data;
	md.data_end = (__u32)(uintptr_t)(data + length);
	md.data_meta = md.data;
	int action = xdp_balancer(&md);
	if (out_len)
		*out_len = md.data_end - md.data;
	return action;
}

/* The frame's current data (after lbn_run). */
const uint8_t *lbn_data(void) { return (const uint8_t *)(uintptr_t)md.data; }
