using Station.Transport.Links;

namespace Station.Transport.Serial;

/// <summary>Opens local serial devices given by path (<c>/dev/ttyUSB0</c>, <c>/dev/serial/by-path/...</c>).</summary>
public sealed class SerialLinkOpener : ILinkOpener
{
    public bool Handles(string address) => address.StartsWith('/');

    public async Task<IByteLink> OpenAsync(string address, int baud, CancellationToken cancellationToken) =>
        await PosixSerialLink.OpenAsync(address, baud, cancellationToken).ConfigureAwait(false);
}
