namespace LoadBalancer.Host.Cli.Client;

/// <summary>How an API client verb prints its result.</summary>
internal enum ClientOutputFormat
{
    /// <summary>Aligned tables for people (the default).</summary>
    Table,

    /// <summary>The API's JSON form of the result (the proto3 JSON mapping, as the HTTP API returns it).</summary>
    Json,

    /// <summary>The same document as <see cref="Json"/>, written as YAML.</summary>
    Yaml,
}
