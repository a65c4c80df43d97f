using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Station.Cli.Tests.Support;

/// <summary>
/// Debian's ser2net (found or installed by scripts/ser2net.sh) serving serial devices as RFC 2217
/// ports on 127.0.0.1, in the foreground with its own configuration; disposing stops it.
/// </summary>
internal sealed class Ser2Net : IAsyncDisposable
{
    private readonly Process _process;

    private Ser2Net(Process process, IReadOnlyList<int> ports)
    {
        _process = process;
        Ports = ports;
    }

    public IReadOnlyList<int> Ports { get; }

    /// <summary>One <c>rfc2217://</c> URL per device, in the order given.</summary>
    public IReadOnlyList<string> Urls => [.. Ports.Select(p => $"rfc2217://127.0.0.1:{p}")];

    /// <summary>The ser2net binary; installs the package the first time if needed (apt, root).</summary>
    public static async Task<string> LocateAsync()
    {
        var info = new ProcessStartInfo(Path.Combine(Repository.Root(), "scripts", "ser2net.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var script = Process.Start(info)!;
        var output = script.StandardOutput.ReadToEndAsync();
        var error = script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        string path = (await output).Trim();
        return script.ExitCode == 0 && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"scripts/ser2net.sh could not provide ser2net (exit {script.ExitCode}): {await error}");
    }

    /// <summary>Serves each of <paramref name="devices"/> (tty paths) with <c>telnet(rfc2217)</c> and waits until every port accepts connections.</summary>
    public static async Task<Ser2Net> StartAsync(IReadOnlyList<string> devices, string directory, CancellationToken cancellationToken)
    {
        string binary = await LocateAsync();
        int[] ports = [.. devices.Select(_ => FreePort())];
        string config = Path.Combine(directory, "ser2net.yaml");
        await File.WriteAllTextAsync(config, string.Concat(devices.Select((device, i) => $"""
            connection: &slot{i}
                accepter: telnet(rfc2217),tcp,127.0.0.1,{ports[i]}
                connector: serialdev,{device},115200n81,local
                options:
                  kickolduser: true

            """)), cancellationToken);
        var info = new ProcessStartInfo(binary, ["-n", "-d", "-c", config, "-P", Path.Combine(directory, "ser2net.pid")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new Ser2Net(process, ports);
        try
        {
            await server.WaitUntilListeningAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>ser2net says nothing when it is ready: try to connect (a refused connect is immediate) until each port answers, or it exits.</summary>
    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        foreach (int port in Ports)
        {
            await WaitUntilListeningAsync(port, cancellationToken);
        }
    }

    private async Task WaitUntilListeningAsync(int port, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"ser2net exited with code {_process.ExitCode} before listening on {port}.");
            }

            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }
        }
    }
}
