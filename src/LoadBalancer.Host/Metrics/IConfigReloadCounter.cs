namespace LoadBalancer.Host.Metrics;

/// <summary>
/// Counts configuration reloads for <c>lb_config_reloads_total{result}</c>. The serve host calls it once per
/// attempted reload (file change, SIGHUP or API), after the outcome is known.
/// </summary>
public interface IConfigReloadCounter
{
    /// <summary>Counts one reload: <paramref name="success"/> true when applied, false when rejected (the running configuration kept serving).</summary>
    void CountReload(bool success);
}
