namespace Station.Transport.Links;

/// <summary>Why a link could not be opened or used.</summary>
public enum LinkFailure
{
    /// <summary>The port does not exist (wrong name, board not plugged in).</summary>
    NotFound,

    /// <summary>Another process holds the port.</summary>
    Busy,

    /// <summary>The user may not open the port (not in the dialout group).</summary>
    PermissionDenied,

    /// <summary>The port went away while in use (unplugged, re-enumerated, peer closed).</summary>
    Gone,

    /// <summary>The path exists but is not a serial port.</summary>
    NotASerialPort,

    /// <summary>The driver refused the requested baud.</summary>
    BaudUnsupported,

    /// <summary>A network peer refused or could not be reached.</summary>
    Unreachable,

    /// <summary>The port name or URL is malformed or of an unknown kind.</summary>
    BadAddress,

    /// <summary>Any other I/O error from the operating system.</summary>
    Io,
}

/// <summary>A transport-level failure with the port it concerns and, for busy ports, who holds it.</summary>
public sealed class LinkException : IOException
{
    public LinkException(LinkFailure failure, string port, string message, Exception? inner = null)
        : base(message, inner)
    {
        Failure = failure;
        Port = port;
    }

    public LinkFailure Failure { get; }

    public string Port { get; }

    /// <summary>For <see cref="LinkFailure.Busy"/>: the process holding the port, when it could be found.</summary>
    public string? Holder { get; init; }

    /// <summary>For OS errors: the errno value.</summary>
    public int? Errno { get; init; }
}
