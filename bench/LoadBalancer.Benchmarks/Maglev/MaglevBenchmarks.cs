using System.Net;
using BenchmarkDotNet.Attributes;
using LoadBalancer.Balancer.Maglev;

namespace LoadBalancer.Benchmarks.Maglev;

/// <summary>
/// Maglev table work the control plane does on a change of reals, at the default 65,537 slots: a build
/// (the target: 1,000 reals in ≤ 2 ms), a build into a reused buffer, the slot diff written to the ring
/// map, and the "what if" share of a removal (two builds in pooled buffers plus a compare).
/// </summary>
[MemoryDiagnoser]
public class MaglevBenchmarks
{
    private List<MaglevBackend> backends = [];
    private List<MaglevBackend> withoutOne = [];
    private MaglevTable table = null!;
    private MaglevTable tableWithoutOne = null!;
    private int[] buffer = [];

    /// <summary>Number of reals, all of weight 1.</summary>
    [Params(10, 100, 1000)]
    public int Reals { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        backends = new List<MaglevBackend>(Reals);
        for (int i = 0; i < Reals; i++)
        {
            var address = new IPAddress(new byte[] { 10, (byte)(i >> 16), (byte)(i >> 8), (byte)(i + 1) });
            backends.Add(MaglevBackend.ForEndPoint(i, address, 80));
        }

        withoutOne = [.. backends];
        withoutOne.RemoveAt(Reals / 2);
        table = MaglevTable.Build(backends);
        tableWithoutOne = MaglevTable.Build(withoutOne);
        buffer = new int[MaglevTable.DefaultSize];
    }

    [Benchmark(Baseline = true)]
    public MaglevTable Build() => MaglevTable.Build(backends);

    [Benchmark]
    public int PopulateIntoBuffer()
    {
        MaglevTable.Populate(backends, buffer);
        return buffer[0];
    }

    [Benchmark]
    public int DiffAfterRemovingOne() => MaglevTable.Diff(table, tableWithoutOne).Length;

    [Benchmark]
    public double WhatIfRemovingOne() => MaglevTable.ShareMoved(backends, withoutOne);
}
