using System.Text;
using Station.Transport.Links;
using Station.Transport.Serial.Posix;

namespace Station.Transport.Serial;

/// <summary>
/// A pseudo-terminal pair standing in for a USB serial port: the host (the station, esptool, minicom)
/// opens <see cref="HostPath"/> like any tty; the simulated device talks through <see cref="Device"/>,
/// the master end. The slave starts in raw mode at 115200 baud so bytes pass unchanged even for a host
/// that does not set raw mode itself.
/// </summary>
/// <remarks>
/// <para>The device end keeps a descriptor of the slave open for its whole life. Without it, a host
/// closing the slave (to reopen it, or between runs) would leave the master with no slave, and the
/// master would then report hang-up and fail reads with EIO. With it, the host may close and reopen
/// <see cref="HostPath"/> any number of times. Bytes the device writes while no host has the slave
/// open wait in the slave's input (a host normally discards them on open); once that buffer is full,
/// the device's writes wait.</para>
/// <para><see cref="Unplug"/> models a cable pulled out: the master closes, the host's pending and
/// later reads and writes fail with <see cref="LinkFailure.Gone"/>, and the symlink goes. A re-plugged
/// device is a new <see cref="PseudoTerminal"/>, possibly with the same link path.</para>
/// </remarks>
public sealed class PseudoTerminal : IDisposable
{
    /// <summary>The baud the slave starts at (the ESP ROM loader's rate), until the host sets its own.</summary>
    public const int InitialBaud = 115200;

    private static int s_linkCounter;

    private int _unplugged;

    private PseudoTerminal(string slavePath, string? linkPath, TtyChannel master, FileDescriptor slave)
    {
        SlavePath = slavePath;
        LinkPath = linkPath;
        Device = new PtyDeviceLink(this, linkPath ?? slavePath, master, slave);
    }

    /// <summary>The slave device, e.g. <c>/dev/pts/7</c>.</summary>
    public string SlavePath { get; }

    /// <summary>The symlink to the slave given to <see cref="Create"/>, or null.</summary>
    public string? LinkPath { get; }

    /// <summary>What a host should open: the link if there is one, else the slave.</summary>
    public string HostPath => LinkPath ?? SlavePath;

    /// <summary>The device end (the master), for the simulated device.</summary>
    public PtyDeviceLink Device { get; }

    public bool IsUnplugged => Volatile.Read(ref _unplugged) != 0;

    /// <summary>
    /// Creates a pty pair in raw mode. With <paramref name="linkPath"/>, also places a symlink there to
    /// the slave (like socat's <c>link=</c>), replacing an older symlink atomically but never a file or
    /// directory. Fails with <see cref="LinkException"/> (Io) when the system has no ptys to give.
    /// </summary>
    public static PseudoTerminal Create(string? linkPath = null)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Pseudo-terminals are supported on Linux only.");
        }

        const string Where = "/dev/ptmx";
        var master = Libc.PosixOpenpt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (master.IsInvalid)
        {
            int errno = Libc.Errno;
            master.Dispose();
            throw Failure(Where, "open a pseudo-terminal", errno);
        }

        FileDescriptor? slave = null;
        TtyChannel? channel = null;
        try
        {
            if (Libc.Grantpt(master) != 0 || Libc.Unlockpt(master) != 0)
            {
                throw Failure(Where, "unlock the pseudo-terminal", Libc.Errno);
            }

            string slavePath = SlaveName(master);
            slave = Libc.Open(slavePath, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (slave.IsInvalid)
            {
                throw Failure(slavePath, "open", Libc.Errno);
            }

            Termios2.ApplyRaw(slave, slavePath, InitialBaud);
            string? link = linkPath is null ? null : PlaceLink(Path.GetFullPath(linkPath), slavePath);
            channel = new TtyChannel(master, link ?? slavePath, $"{link ?? slavePath}: the device end of the pseudo-terminal lost its host side.");
            return new PseudoTerminal(slavePath, link, channel, slave);
        }
        catch
        {
            if (channel is null)
            {
                master.Dispose();
            }
            else
            {
                channel.Close();
            }

            slave?.Dispose();
            throw;
        }
    }

    /// <summary>Closes the master (the host sees hang-up: Gone) and removes the symlink. Idempotent.</summary>
    public void Unplug()
    {
        if (Interlocked.Exchange(ref _unplugged, 1) != 0)
        {
            return;
        }

        Device.Close($"{HostPath} was unplugged.");
        RemoveLink();
    }

    /// <summary>Same as <see cref="Unplug"/>.</summary>
    public void Dispose() => Unplug();

    private static unsafe string SlaveName(FileDescriptor master)
    {
        byte* name = stackalloc byte[128];
        int error = Libc.PtsnameR(master, name, 128);
        if (error != 0)
        {
            throw Failure("/dev/ptmx", "name the pseudo-terminal's slave", error);
        }

        var text = new ReadOnlySpan<byte>(name, 128);
        int end = text.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? text : text[..end]);
    }

    /// <summary>Creates the link beside its final name, then renames it over: a watcher never sees it missing or half-made.</summary>
    private static string PlaceLink(string linkPath, string slavePath)
    {
        if (new FileInfo(linkPath).LinkTarget is null && (File.Exists(linkPath) || Directory.Exists(linkPath)))
        {
            throw new LinkException(
                LinkFailure.BadAddress, linkPath, $"{linkPath} exists and is not a symlink; refusing to replace it with a link to {slavePath}.");
        }

        string temporary = $"{linkPath}.{Environment.ProcessId}.{Interlocked.Increment(ref s_linkCounter)}.tmp";
        try
        {
            File.CreateSymbolicLink(temporary, slavePath);
            File.Move(temporary, linkPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new LinkException(LinkFailure.Io, linkPath, $"Could not create the link {linkPath} to {slavePath}: {e.Message}", e);
        }

        return linkPath;
    }

    /// <summary>Removes the link only while it still points at this pty: a re-plugged device may own it by now.</summary>
    private void RemoveLink()
    {
        if (LinkPath is null)
        {
            return;
        }

        try
        {
            if (new FileInfo(LinkPath).LinkTarget == SlavePath)
            {
                File.Delete(LinkPath);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stale link is replaced by the next Create for the same path.
        }
    }

    private static LinkException Failure(string where, string what, int errno) =>
        new(LinkFailure.Io, where, $"Could not {what} {where}: {Libc.Describe(errno)}.") { Errno = errno };
}
