namespace LoadBalancer.EndToEnd.Tests;

/// <summary>The connection-scale test runs alone: it needs most of the test process's descriptors.</summary>
[CollectionDefinition(nameof(ConnectionScaleTests), DisableParallelization = true)]
public sealed class ConnectionScaleCollection;
