namespace LoadBalancer.Dataplane.Engines;

/// <summary>
/// The engines users can select by name (<c>--engine interpreter</c>). The interpreter is built in;
/// other engines (the JIT) add themselves with <see cref="Register"/> at start-up.
/// </summary>
public static class ProgramEngines
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, IProgramEngine> Engines = new(StringComparer.OrdinalIgnoreCase)
    {
        [InterpreterEngine.EngineName] = InterpreterEngine.Instance,
    };

    /// <summary>The default engine (the interpreter until the JIT registers and is chosen explicitly).</summary>
    public static IProgramEngine Default => InterpreterEngine.Instance;

    /// <summary>Names of the registered engines, sorted.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (Gate)
            {
                var names = new List<string>(Engines.Keys);
                names.Sort(StringComparer.Ordinal);
                return names;
            }
        }
    }

    /// <summary>Adds (or replaces) an engine under its <see cref="IProgramEngine.Name"/>.</summary>
    public static void Register(IProgramEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentException.ThrowIfNullOrEmpty(engine.Name);
        lock (Gate)
        {
            Engines[engine.Name] = engine;
        }
    }

    /// <summary>The engine called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No engine has that name; the message lists the ones that exist.</exception>
    public static IProgramEngine Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (Gate)
        {
            if (Engines.TryGetValue(name, out var engine))
            {
                return engine;
            }
        }

        throw new ArgumentException($"Unknown execution engine '{name}'; available: {string.Join(", ", Names)}.", nameof(name));
    }
}
