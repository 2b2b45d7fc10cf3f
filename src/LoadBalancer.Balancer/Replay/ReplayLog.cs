using System.Text.Json;
using LoadBalancer.Balancer.Configuration;

namespace LoadBalancer.Balancer.Replay;

/// <summary>The per-packet decision log: one JSON object per line.</summary>
public static class ReplayLog
{
    /// <summary>Writes <paramref name="decision"/> as one line of JSON.</summary>
    public static void Write(TextWriter writer, ReplayDecision decision)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(decision);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("packet", decision.Index);
            json.WriteString("time", decision.Timestamp);
            json.WriteNumber("length", decision.InputLength);
            json.WriteString("action", decision.Action.ToString().ToUpperInvariant());
            json.WriteNumber("outputLength", decision.OutputLength);
            if (decision.Vip is { } vip)
            {
                json.WriteString("vip", vip.ToString());
            }

            if (decision.Real is { } real)
            {
                json.WriteString("real", real.ToString());
            }

            json.WriteString("lru", decision.Lru.ToString().ToLowerInvariant());
            if (decision.DropReason != Bpf.DropReason.None)
            {
                json.WriteString("drop", decision.DropReason.ToString());
            }

            json.WriteStartArray("events");
            foreach (var e in decision.Events)
            {
                json.WriteStringValue(e.ToString());
            }

            json.WriteEndArray();
            if (decision.Fault is not null)
            {
                json.WriteString("fault", decision.Fault);
            }

            json.WriteEndObject();
        }

        writer.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>Names of a VIP's flags for human output.</summary>
    public static string Flags(Bpf.VipFlags flags) => string.Join(',', VipFlagNames.Format(flags));
}
