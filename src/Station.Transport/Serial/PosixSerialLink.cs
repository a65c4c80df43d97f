using Station.Transport.Links;

namespace Station.Transport.Serial;

/// <summary>A local serial port driven through termios (placeholder until the POSIX layer lands).</summary>
public sealed class PosixSerialLink
{
    public static Task<IByteLink> OpenAsync(string path, int baud, CancellationToken cancellationToken) =>
        throw new LinkException(LinkFailure.Io, path, "The POSIX serial layer is not built yet.");
}
