using System.Diagnostics;
using Grpc.Core;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Dataplane.Xdp;
using LoadBalancer.Host.Serve;
using LoadBalancer.Host.Tests.K8s;
using Microsoft.Extensions.DependencyInjection;

namespace LoadBalancer.Host.Tests.Metrics;

public sealed class LbMetricsEndpointRouteBuilderExtensionsTests
{
    private static async Task<ScrapedMetrics> ScrapeWithTrafficAsync()
    {
        using var lb = new RunningBalancer(AppliedConfigurationStore.Tcp(("web", "10.0.0.10", 80, ["192.168.1.1", "192.168.1.3"]), (null, "10.0.0.20", 443, ["192.168.1.2"])));
        await using var host = await MetricsHost.StartAsync(services =>
        {
            services.AddSingleton(lb.Instance);
            services.AddSingleton<IConfigurationStore>(lb.Store);
            services.AddSingleton<ReloadStatistics>();
        });
        lb.Worker(0).RunObserver = host.Metrics.ProgramRuns;
        lb.Worker(0).RunObserverInterval = 1;
        lb.Run(0, MetricFrames.Tcp4("172.16.0.1", 1000, "10.0.0.10", 80, syn: true), XdpAction.Tx);
        lb.Run(0, MetricFrames.Tcp4("172.16.0.1", 1000, "10.0.0.10", 80, syn: false), XdpAction.Tx);
        lb.Run(0, MetricFrames.EthernetTruncated(), XdpAction.Drop);
        host.Services.GetRequiredService<ReloadStatistics>().Record(new ConfigReloadOutcome(true, "applied", null));
        host.Metrics.OnCallCompleted("/lb.v1.Lb/ListVips", StatusCode.OK, TimeSpan.FromMilliseconds(1));
        return await host.ScrapeAsync();
    }

    [Fact]
    public async Task Metrics_endpoint_exports_every_metric_of_the_k8s_readme_contract_with_its_type()
    {
        var scrape = await ScrapeWithTrafficAsync();
        var contract = ReadmeContract.Metrics(K8sManifests.Load().Readme);
        Assert.Contains("lb_program_run_seconds", contract.Keys);
        foreach (var (name, type) in contract)
        {
            Assert.True(scrape.Types.TryGetValue(name, out var exported), $"/metrics has no {name} ({type}) of the k8s/README.md contract.");
            Assert.Equal(type, exported);
        }

        foreach (var (name, _) in scrape.Types)
        {
            Assert.True(!name.StartsWith("lb_", StringComparison.Ordinal) || contract.ContainsKey(name), $"/metrics exports {name}, which k8s/README.md's contract does not list.");
        }
    }

    [Fact]
    public async Task Metrics_endpoint_output_passes_promtool_check_metrics()
    {
        var promtool = FindOnPath("promtool");
        if (promtool is null)
        {
            Assert.Skip("promtool is not installed (Debian: apt-get install -y prometheus).");
        }

        var scrape = await ScrapeWithTrafficAsync();
        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(scrape.Text);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"promtool check metrics exited {process.ExitCode}:\n{await output}{await errors}");
        Assert.Equal(string.Empty, (await output + await errors).Trim());
    }

    private static string? FindOnPath(string tool)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(directory, tool);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
