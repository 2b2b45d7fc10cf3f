using System.Text;
using LoadBalancer.Balancer.Bpf;
using LoadBalancer.Dataplane.Xdp;

namespace LoadBalancer.Host.Metrics.Internal;

/// <summary>Label values of the metrics contract for the program's enums.</summary>
internal static class MetricLabels
{
    /// <summary>Every drop reason the program counts (not <see cref="DropReason.None"/>), with its label.</summary>
    public static readonly (DropReason Reason, string Label)[] DropReasons = BuildDropReasons();

    /// <summary>Every XDP action with its label (<c>aborted|drop|pass|tx|redirect</c>).</summary>
    public static readonly (XdpAction Action, string Label)[] Actions =
    [
        (XdpAction.Aborted, "aborted"),
        (XdpAction.Drop, "drop"),
        (XdpAction.Pass, "pass"),
        (XdpAction.Tx, "tx"),
        (XdpAction.Redirect, "redirect"),
    ];

    /// <summary><c>Ipv4Truncated</c> → <c>ipv4_truncated</c>, <c>NoReal</c> → <c>no_real</c> (the program's <c>DROP_*</c> names, lower case).</summary>
    public static string SnakeCase(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    text.Append('_');
                }

                text.Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    private static (DropReason, string)[] BuildDropReasons()
    {
        var list = new List<(DropReason, string)>();
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            if (reason != DropReason.None)
            {
                list.Add((reason, SnakeCase(reason.ToString())));
            }
        }

        return [.. list];
    }
}
