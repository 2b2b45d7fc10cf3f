using System.Buffers.Binary;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Maps;
using LoadBalancer.Balancer.Runtime;

namespace LoadBalancer.Balancer.Tests.Configuration;

/// <summary>A loaded balancer whose control plane writes through stores that record every updated or deleted key, per map.</summary>
internal sealed class RecordingBalancer : IDisposable
{
    private readonly BalancerInstance _instance;
    private readonly Dictionary<string, RecordingStore> _stores = [];

    public RecordingBalancer()
    {
        _instance = new BalancerInstance(new BalancerInstanceOptions { FlowCapacity = 4096 });
        Maps = new BalancerMaps(name =>
        {
            var store = new RecordingStore(new RuntimeMapStore(_instance.Loaded.GetMap(name)));
            _stores[name] = store;
            return store;
        });
        Control = new BalancerControl(Maps);
        Clear();
    }

    public BalancerMaps Maps { get; }

    public BalancerControl Control { get; }

    /// <summary>Keys written (updated or deleted) in map <paramref name="name"/> since the last <see cref="Clear"/>.</summary>
    public IReadOnlyList<byte[]> Writes(string name) => _stores[name].Keys;

    public int TotalWrites => _stores.Where(s => s.Key != "lru_flows").Sum(s => s.Value.Keys.Count);

    /// <summary>The VIP indices whose ring slots were written since the last <see cref="Clear"/>.</summary>
    public HashSet<int> RingsWritten() =>
        [.. Writes("ch_rings").Select(k => (int)(BinaryPrimitives.ReadUInt32LittleEndian(k) / BalancerConstants.RingSize))];

    public void Clear()
    {
        foreach (var store in _stores.Values)
        {
            store.Keys.Clear();
        }
    }

    public void Dispose() => _instance.Dispose();

    private sealed class RecordingStore(IMapStore inner) : IMapStore
    {
        public List<byte[]> Keys { get; } = [];

        public string Name => inner.Name;

        public int KeySize => inner.KeySize;

        public int ValueSize => inner.ValueSize;

        public bool IsPerCpu => inner.IsPerCpu;

        public int CpuSlots => inner.CpuSlots;

        public int PerCpuStride => inner.PerCpuStride;

        public bool TryLookup(ReadOnlySpan<byte> key, Span<byte> value) => inner.TryLookup(key, value);

        public bool TryLookupPerCpu(ReadOnlySpan<byte> key, Span<byte> values) => inner.TryLookupPerCpu(key, values);

        public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
            lock (Keys)
            {
                Keys.Add(key.ToArray());
            }

            inner.Update(key, value);
        }

        public bool Delete(ReadOnlySpan<byte> key)
        {
            lock (Keys)
            {
                Keys.Add(key.ToArray());
            }

            return inner.Delete(key);
        }

        public bool TryGetNextKey(ReadOnlySpan<byte> key, Span<byte> nextKey) => inner.TryGetNextKey(key, nextKey);
    }
}
