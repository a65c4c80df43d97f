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
    private static readonly Assembly Profiles = typeof(Station.Profiles.Profile).Assembly;
    private static readonly Assembly Traceability = typeof(Station.Traceability.UnitRecord).Assembly;
    private static readonly Assembly Line = typeof(Station.Line.LineRunner).Assembly;
    private static readonly Assembly DeviceData = typeof(Station.DeviceData.Templates.ValueTemplate).Assembly;
    private static readonly Assembly[] All = [Protocol, Transport, Flashing, Simulator, Profiles, Traceability, Line, DeviceData, Cli];

    public static TheoryData<string, string[]> AllowedStationReferences() => new()
    {
        { "Station.Protocol", [] },
        { "Station.Transport", [] },
        { "Station.Flashing", ["Station.Protocol", "Station.Transport"] },
        { "Station.Simulator", ["Station.Protocol", "Station.Transport"] },
        { "Station.DeviceData", [] },
        { "Station.Profiles", ["Station.Protocol", "Station.DeviceData"] },
        { "Station.Traceability", ["Station.Profiles", "Station.Protocol", "Station.DeviceData"] },
        { "Station.Line", ["Station.Flashing", "Station.Profiles", "Station.Protocol", "Station.Traceability", "Station.Transport", "Station.DeviceData"] },
    };

    [Theory]
    [MemberData(nameof(AllowedStationReferences))]
    public void Project_ReferencesOnlyWhatTheDesignAllows(string assembly, string[] allowed)
    {
        var actual = Load(assembly).GetReferencedAssemblies().Select(a => a.Name!).Where(n => n.StartsWith("Station.", StringComparison.Ordinal));

        Assert.All(actual, name => Assert.Contains(name, allowed));
    }

    [Fact]
    public void ProtocolAndDeviceData_DoNoIo()
    {
        foreach (var assembly in new[] { Protocol, DeviceData })
        {
            var references = assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

            Assert.DoesNotContain(references, n => n.StartsWith("System.Net", StringComparison.Ordinal) || n.StartsWith("System.IO.Ports", StringComparison.Ordinal));
            Assert.Empty(PInvokes(assembly));
        }
    }

    [Fact]
    public void OnlyTransport_CallsTheOperatingSystemsSerialApis()
    {
        foreach (var assembly in new[] { Protocol, Flashing, Simulator, Profiles, Line, DeviceData, Cli })
        {
            Assert.DoesNotContain(PInvokes(assembly), p => p.Library is "libc" or "c");
        }

        Assert.Contains(PInvokes(Transport), p => p.Library is "libc" or "c");
    }

    [Fact]
    public void Traceability_UsesLibcOnlyToFsyncDirectories()
    {
        // .NET cannot open a directory as a handle, and a durable rename needs the directory fsynced.
        var calls = PInvokes(Traceability).Select(p => p.EntryPoint).Distinct().Order();

        Assert.Equal(["close", "fsync", "open"], calls);
    }

    [Fact]
    public void OnlyTheCommandLine_ReferencesTheSimulator()
    {
        foreach (var assembly in All.Where(a => a != Cli && a != Simulator))
        {
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), a => a.Name == "Station.Simulator");
        }

        Assert.Contains(Cli.GetReferencedAssemblies(), a => a.Name == "Station.Simulator");
    }

    [Fact]
    public void NoTypeNames_EndInManagerHelperOrUtil()
    {
        var offenders = All
            .SelectMany(a => a.GetTypes())
            .Where(t => !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute)))
            .Select(t => t.Name)
            .Where(n => n.EndsWith("Manager", StringComparison.Ordinal) || n.EndsWith("Helper", StringComparison.Ordinal) || n.EndsWith("Util", StringComparison.Ordinal) || n.EndsWith("Utils", StringComparison.Ordinal));

        Assert.Empty(offenders);
    }

    private static Assembly Load(string name) => All.Single(a => a.GetName().Name == name);

    private static IEnumerable<(string Type, string EntryPoint, string Library)> PInvokes(Assembly assembly) =>
        from type in assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let import = method.GetCustomAttribute<DllImportAttribute>()
        where import is not null
        select (type.FullName ?? type.Name, import.EntryPoint ?? method.Name, import.Value);
}
