namespace Station.Flashing.Errors;

/// <summary>
/// A failure as the station reports it: a stable code (records and exit codes key on it), the
/// cause in plain words, and what the person at the line should do about it.
/// </summary>
public sealed record FlashError(string Code, string Cause, string Remedy)
{
    /// <summary>Facts that back the cause (expected/actual digests, the device's raw error, the port).</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    /// <summary>True when retrying on the same unit cannot help (wrong chip, image too large, bad input).</summary>
    public bool Permanent { get; init; }

    public FlashError With(string key, string value) =>
        this with { Details = new Dictionary<string, string>(Details) { [key] = value } };

    public override string ToString() => $"{Code}: {Cause}";
}

/// <summary>Thrown by the flashing code; carries the <see cref="FlashError"/> to report.</summary>
public sealed class FlashException : Exception
{
    public FlashException(FlashError error, Exception? inner = null)
        : base($"{error.Code}: {error.Cause}", inner)
    {
        Error = error;
    }

    public FlashError Error { get; }

    /// <summary>When the device itself reported the failure: its error, as decoded for its loader.</summary>
    public Station.Protocol.Status.DeviceError? DeviceError { get; init; }
}
