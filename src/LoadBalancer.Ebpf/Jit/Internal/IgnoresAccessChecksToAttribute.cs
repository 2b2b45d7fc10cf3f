// The runtime looks this attribute up by its full name on dynamic assemblies: emitted code may then
// use internal (and private) members of the named assembly - the run context's access checks, the
// JIT's slow paths, and helpers implemented as non-public methods, called directly. The namespace
// therefore cannot follow the folder.
namespace System.Runtime.CompilerServices;

/// <summary>Lets a dynamic assembly access non-public members of the named assembly.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
{
    /// <summary>The simple name of the assembly whose members may be accessed.</summary>
    public string AssemblyName { get; } = assemblyName;
}
