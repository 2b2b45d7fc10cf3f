using LoadBalancer.Balancer.Health;
using Prometheus;

namespace LoadBalancer.Host.Metrics.Internal;

/// <summary>
/// <c>lb_real_healthy{vip,real}</c> from the health checks' snapshot; without health checks, 1 for every
/// real of every VIP (an unchecked real counts as up).
/// </summary>
internal sealed class HealthSeries(IMetricFactory factory, IHealthStatus? health)
{
    private readonly ScrapedSeries<Gauge.Child> _healthy = new(factory.CreateGauge(
        "lb_real_healthy", "1 if this instance's health checks pass for the real, else 0.", ["vip", "real"]));

    public void Scrape(VipCatalog names, IReadOnlyList<VipMember> vips)
    {
        if (health is not null)
        {
            foreach (var real in health.Snapshot())
            {
                _healthy.Get(names.Of(real.Vip), real.Real.ToString()).Set(real.Healthy ? 1 : 0);
            }
        }
        else
        {
            foreach (var vip in vips)
            {
                foreach (var real in vip.Reals)
                {
                    _healthy.Get(vip.Name, real.ToString()).Set(1);
                }
            }
        }

        _healthy.Sweep();
    }
}
