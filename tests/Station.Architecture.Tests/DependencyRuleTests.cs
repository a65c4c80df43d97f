using System.Reflection;
using System.Runtime.InteropServices;

namespace Station.Architecture.Tests;

/// <summary>
/// The dependency rule of DESIGN.md, checked on the built assemblies: Protocol is pure, only Transport
/// talks to the OS serial APIs, and nothing but the command line reaches the simulator.
/// </summary>
public class DependencyRuleTests
{
    private static readonly Assembly Protocol = typeof(Station.Protocol.Slip.SlipCodec).Assembly;
    private static readonly Assembly Transport = typeof(Station.Transport.Links.IByteLink).Assembly;
    private static readonly Assembly Flashing = typeof(Station.Flashing.Device.EspDevice).Assembly;
    private static readonly Assembly Simulator = typeof(Station.Simulator.Device.SimulatedDevice).Assembly;
    private static readonly Assembly Cli = typeof(Station.Cli.Commands.StationCommand).Assembly;

    public static TheoryData<string, string[]> AllowedStationReferences() => new()
    {
        { "Station.Protocol", [] },
        { "Station.Transport", [] },
        { "Station.Flashing", ["Station.Protocol", "Station.Transport"] },
        { "Station.Simulator", ["Station.Protocol", "Station.Transport"] },
    };

    [Theory]
    [MemberData(nameof(AllowedStationReferences))]
    public void Project_ReferencesOnlyWhatTheDesignAllows(string assembly, string[] allowed)
    {
        var actual = Load(assembly).GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Station.", StringComparison.Ordinal)).Order();

        Assert.Equal(allowed.Order(), actual);
    }

    [Fact]
    public void Protocol_DoesNoIo()
    {
        var references = Protocol.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, n => n.StartsWith("System.Net", StringComparison.Ordinal) || n.StartsWith("System.IO.Ports", StringComparison.Ordinal));
        Assert.Empty(PInvokes(Protocol));
    }

    [Fact]
    public void OnlyTransport_CallsTheOperatingSystemsSerialApis()
    {
        foreach (var assembly in new[] { Protocol, Flashing, Simulator, Cli })
        {
            Assert.DoesNotContain(PInvokes(assembly), p => p.Library is "libc" or "c");
        }

        Assert.Contains(PInvokes(Transport), p => p.Library is "libc" or "c");
    }

    [Fact]
    public void OnlyTheCommandLine_ReferencesTheSimulator()
    {
        foreach (var assembly in new[] { Protocol, Transport, Flashing })
        {
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), a => a.Name == "Station.Simulator");
        }

        Assert.Contains(Cli.GetReferencedAssemblies(), a => a.Name == "Station.Simulator");
    }

    [Fact]
    public void NoTypeNames_EndInManagerHelperOrUtil()
    {
        var offenders = new[] { Protocol, Transport, Flashing, Simulator, Cli }
            .SelectMany(a => a.GetTypes())
            .Where(t => !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)))
            .Select(t => t.Name)
            .Where(n => n.EndsWith("Manager", StringComparison.Ordinal) || n.EndsWith("Helper", StringComparison.Ordinal) || n.EndsWith("Util", StringComparison.Ordinal) || n.EndsWith("Utils", StringComparison.Ordinal));

        Assert.Empty(offenders);
    }

    private static Assembly Load(string name) => new[] { Protocol, Transport, Flashing, Simulator, Cli }.Single(a => a.GetName().Name == name);

    private static IEnumerable<(string Type, string Method, string Library)> PInvokes(Assembly assembly) =>
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let import = method.GetCustomAttribute<DllImportAttribute>()
        where import is not null
        select (type.FullName ?? type.Name, method.Name, import.Value);
}
