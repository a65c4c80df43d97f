using System.Runtime.InteropServices;
using Station.Transport.Links;

namespace Station.Transport.Serial.Posix;

/// <summary>
/// Linux <c>struct termios2</c> (asm-generic/termbits.h; 44 bytes on x86_64 and aarch64): unlike
/// <c>struct termios</c> it carries the speeds as plain numbers, so with <see cref="BOTHER"/> any baud
/// reaches the driver, not just the B-constants.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Termios2
{
    public const uint CBAUD = 0x100F;       // 0010017
    public const uint BOTHER = 0x1000;      // 0010000
    public const uint CSIZE = 0x30;         // 0000060
    public const uint CS8 = 0x30;
    public const uint CSTOPB = 0x40;
    public const uint CREAD = 0x80;
    public const uint PARENB = 0x100;
    public const uint HUPCL = 0x400;
    public const uint CLOCAL = 0x800;
    public const uint CIBAUD = 0x100F0000;  // 002003600000
    public const uint CRTSCTS = 0x80000000;
    public const int IBSHIFT = 16;
    public const int VTIME = 5;
    public const int VMIN = 6;

    public uint IFlag;
    public uint OFlag;
    public uint CFlag;
    public uint LFlag;
    public byte Line;
    public fixed byte Cc[19];
    public uint ISpeed;
    public uint OSpeed;

    /// <summary>
    /// Raw 8N1 at <paramref name="baud"/>, no flow control, receiver on, modem status ignored. No input,
    /// output or line processing, so every byte value passes unchanged. VMIN=1/VTIME=0: on a descriptor
    /// opened O_NONBLOCK that makes an empty read fail with EAGAIN, so a read of 0 can only mean hang-up
    /// (with VMIN=0 an empty read returns 0 and an unplug would look like "no data yet").
    /// HUPCL is kept as the port had it.
    /// </summary>
    public void MakeRaw(int baud)
    {
        IFlag = 0;
        OFlag = 0;
        LFlag = 0;
        CFlag = (CFlag & HUPCL) | CS8 | CREAD | CLOCAL | BOTHER | (BOTHER << IBSHIFT);
        Cc[VMIN] = 1;
        Cc[VTIME] = 0;
        ISpeed = (uint)baud;
        OSpeed = (uint)baud;
    }

    /// <summary>Reads the settings (TCGETS2). On a pty master this reports the slave's settings.</summary>
    public static bool TryGet(FileDescriptor fd, out Termios2 settings, out int errno)
    {
        Termios2 t = default;
        int rc = Libc.Ioctl(fd, Libc.TCGETS2, &t);
        errno = rc == 0 ? 0 : Libc.Errno;
        settings = t;
        return rc == 0;
    }

    public static bool TrySet(FileDescriptor fd, in Termios2 settings, out int errno)
    {
        Termios2 t = settings;
        int rc = Libc.Ioctl(fd, Libc.TCSETS2, &t);
        errno = rc == 0 ? 0 : Libc.Errno;
        return rc == 0;
    }

    /// <summary>
    /// Puts the port in raw 8N1 at <paramref name="baud"/> and returns the baud the driver reports back.
    /// A driver that refuses the rate, or picks one more than 3 % away (beyond what a UART tolerates),
    /// leaves the previous settings in place and raises <see cref="LinkFailure.BaudUnsupported"/>.
    /// </summary>
    public static int ApplyRaw(FileDescriptor fd, string port, int baud)
    {
        if (!TryGet(fd, out var previous, out int errno))
        {
            throw SettingsFailure(port, "read the settings of", errno);
        }

        var wanted = previous;
        wanted.MakeRaw(baud);
        if (!TrySet(fd, wanted, out errno))
        {
            if (errno == Libc.EINVAL)
            {
                throw Unsupported(port, baud, $"the driver refused it ({Libc.Describe(errno)})");
            }

            throw SettingsFailure(port, "set", errno);
        }

        if (!TryGet(fd, out var actual, out errno))
        {
            throw SettingsFailure(port, "read back the settings of", errno);
        }

        long off = Math.Abs((long)actual.OSpeed - baud);
        bool framed = (actual.CFlag & (CSIZE | PARENB | CSTOPB | CRTSCTS)) == CS8;
        if (off * 100 > baud * 3L || !framed)
        {
            TrySet(fd, previous, out _);
            throw Unsupported(port, baud, framed
                ? $"the driver set {actual.OSpeed} instead"
                : "the driver did not accept raw 8N1 framing");
        }

        return (int)actual.OSpeed;
    }

    private static LinkException Unsupported(string port, int baud, string why) =>
        new(LinkFailure.BaudUnsupported, port, $"{port} cannot run at {baud} baud: {why}. Choose a lower or standard baud.");

    private static LinkException SettingsFailure(string port, string what, int errno) => errno == Libc.EIO
        ? new(LinkFailure.Gone, port, $"{port} disappeared: unplugged, or the device re-enumerated.") { Errno = errno }
        : new(LinkFailure.Io, port, $"Could not {what} {port}: {Libc.Describe(errno)}.") { Errno = errno };
}
