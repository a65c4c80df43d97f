using Station.Transport.Tcp;

namespace Station.Transport.Links;

/// <summary>Opens one kind of port address (a device path, a URL scheme).</summary>
public interface ILinkOpener
{
    bool Handles(string address);

    Task<IByteLink> OpenAsync(string address, int baud, CancellationToken cancellationToken);
}

/// <summary>
/// Resolves a port address to a link: <c>/dev/ttyUSB0</c> (POSIX serial), <c>socket://host:port</c>, <c>rfc2217://host:port</c>,
/// and whatever the composition root adds (e.g. <c>sim://</c> for in-process simulated devices).
/// </summary>
public sealed class LinkFactory
{
    private readonly List<ILinkOpener> _openers;

    public LinkFactory(params IEnumerable<ILinkOpener> openers)
    {
        _openers = [.. openers];
    }

    /// <summary>The openers every station has: TCP sockets, RFC 2217 ports and local serial devices.</summary>
    public static LinkFactory Default(params IEnumerable<ILinkOpener> extra) =>
        new([.. extra, new TcpOpener(), new Rfc2217Opener(), new Serial.SerialLinkOpener()]);

    public Task<IByteLink> OpenAsync(string address, int baud, CancellationToken cancellationToken)
    {
        var opener = _openers.FirstOrDefault(o => o.Handles(address))
            ?? throw new LinkException(
                LinkFailure.BadAddress,
                address,
                $"'{address}' is not a port this station can open (use a device path such as /dev/ttyUSB0, socket://HOST:PORT or rfc2217://HOST:PORT).");
        return opener.OpenAsync(address, baud, cancellationToken);
    }

    private sealed class TcpOpener : ILinkOpener
    {
        public bool Handles(string address) => address.StartsWith(TcpLink.Scheme, StringComparison.OrdinalIgnoreCase);

        public async Task<IByteLink> OpenAsync(string address, int baud, CancellationToken cancellationToken) =>
            await TcpLink.ConnectAsync(address, baud, cancellationToken).ConfigureAwait(false);
    }

    private sealed class Rfc2217Opener : ILinkOpener
    {
        public bool Handles(string address) => address.StartsWith(Rfc2217.Rfc2217Link.Scheme, StringComparison.OrdinalIgnoreCase);

        public async Task<IByteLink> OpenAsync(string address, int baud, CancellationToken cancellationToken) =>
            await Rfc2217.Rfc2217Link.ConnectAsync(address, baud, cancellationToken).ConfigureAwait(false);
    }
}
