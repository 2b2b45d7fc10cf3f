using System.Text.Json.Nodes;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Cli.Client;

/// <summary>Per-VIP and per-real packets/s and bytes/s between two samples of the counters.</summary>
/// <param name="Seconds">Time between the samples.</param>
/// <param name="Vips">One entry per VIP of the later sample, in its order.</param>
internal sealed record TopRates(double Seconds, IReadOnlyList<TopRates.VipRate> Vips)
{
    /// <summary>Rates of one VIP and of its reals.</summary>
    public sealed record VipRate(string Vip, string Name, Rate Total, IReadOnlyList<RealRate> Reals);

    /// <summary>Rates toward one real (counted over every VIP that has it).</summary>
    public sealed record RealRate(string Real, Rate Total);

    /// <summary>Packets and bytes per second, and the counters at the later sample.</summary>
    public readonly record struct Rate(double PacketsPerSecond, double BytesPerSecond, ulong Packets, ulong Bytes)
    {
        /// <summary>The rate from the earlier counters to the later ones (a counter that went back started again from zero).</summary>
        public static Rate Between(ulong packetsBefore, ulong bytesBefore, ulong packets, ulong bytes, double seconds) => new(
            PerSecond(packetsBefore, packets, seconds),
            PerSecond(bytesBefore, bytes, seconds),
            packets,
            bytes);

        private static double PerSecond(ulong before, ulong after, double seconds) =>
            seconds <= 0 ? 0 : (after >= before ? after - before : after) / seconds;
    }

    /// <summary>Rates between <paramref name="before"/> and <paramref name="after"/>, <paramref name="seconds"/> apart; <paramref name="vip"/> keeps one VIP (name or id).</summary>
    public static TopRates Compute(GetStatsResponse before, GetStatsResponse after, double seconds, string? vip)
    {
        var earlier = before.Vips.ToDictionary(v => v.Vip);
        var vips = new List<VipRate>();
        foreach (var v in after.Vips)
        {
            if (vip is not null && v.Vip != vip && v.Name != vip)
            {
                continue;
            }

            var old = earlier.GetValueOrDefault(v.Vip);
            var oldReals = old?.Reals.ToDictionary(r => r.Real) ?? [];
            var reals = new List<RealRate>();
            foreach (var r in v.Reals)
            {
                var o = oldReals.GetValueOrDefault(r.Real);
                reals.Add(new RealRate(r.Real, Rate.Between(o?.Packets ?? r.Packets, o?.Bytes ?? r.Bytes, r.Packets, r.Bytes, seconds)));
            }

            vips.Add(new VipRate(v.Vip, v.Name, Rate.Between(old?.Packets ?? v.Packets, old?.Bytes ?? v.Bytes, v.Packets, v.Bytes, seconds), reals));
        }

        return new TopRates(seconds, vips);
    }

    /// <summary>The script form: <c>{"intervalSeconds", "vips": [{"vip", "name", "packetsPerSecond", "bytesPerSecond", "packets", "bytes", "reals": [...]}]}</c>.</summary>
    public JsonObject ToJson()
    {
        var vips = new JsonArray();
        foreach (var v in Vips)
        {
            var reals = new JsonArray();
            foreach (var r in v.Reals)
            {
                reals.Add(Fields(new JsonObject { ["real"] = r.Real }, r.Total));
            }

            var entry = Fields(new JsonObject { ["vip"] = v.Vip, ["name"] = v.Name }, v.Total);
            entry["reals"] = reals;
            vips.Add(entry);
        }

        return new JsonObject { ["intervalSeconds"] = Math.Round(Seconds, 3), ["vips"] = vips };
    }

    private static JsonObject Fields(JsonObject target, Rate rate)
    {
        target["packetsPerSecond"] = Math.Round(rate.PacketsPerSecond, 1);
        target["bytesPerSecond"] = Math.Round(rate.BytesPerSecond, 1);
        target["packets"] = rate.Packets;
        target["bytes"] = rate.Bytes;
        return target;
    }
}
