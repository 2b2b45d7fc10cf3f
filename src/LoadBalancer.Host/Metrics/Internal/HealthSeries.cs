using LoadBalancer.Balancer.Health;
using LoadBalancer.Balancer.Runtime;
using Prometheus;

namespace LoadBalancer.Host.Metrics.Internal;

/// <summary>
/// <c>lb_real_healthy{vip,real}</c> from the health checks' snapshot; without health checks, 1 for every
/// real in a VIP's ring (an unchecked real counts as up).
/// </summary>
internal sealed class HealthSeries(IMetricFactory factory, IHealthStatus? health, BalancerInstance? balancer)
{
    private readonly ScrapedSeries<Gauge.Child> _healthy = new(factory.CreateGauge(
        "lb_real_healthy", "1 if this instance's health checks pass for the real, else 0.", ["vip", "real"]));

    public void Scrape(VipNames names)
    {
        if (health is not null)
        {
            foreach (var real in health.Snapshot())
            {
                _healthy.Get(names.Of(real.Vip), real.Real.ToString()).Set(real.Healthy ? 1 : 0);
            }
        }
        else if (balancer is not null)
        {
            foreach (var vip in balancer.Control.Snapshot().Vips)
            {
                var name = names.Of(vip.Id);
                foreach (var real in vip.Reals)
                {
                    _healthy.Get(name, real.Address.ToString()).Set(1);
                }
            }
        }

        _healthy.Sweep();
    }
}
